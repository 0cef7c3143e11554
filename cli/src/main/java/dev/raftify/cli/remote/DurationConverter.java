package dev.raftify.cli.remote;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as operators write them: {@code 500ms}, {@code 5s}, {@code 2m}. */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        String s = value.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return positive(Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2))), value);
            }
            if (s.endsWith("s")) {
                return positive(Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000)),
                        value);
            }
            if (s.endsWith("m")) {
                return positive(Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)) * 60), value);
            }
        } catch (NumberFormatException e) {
            // Falls through to the message below.
        }
        throw new TypeConversionException("'" + value + "' is not a duration such as 500ms, 5s or 2m");
    }

    private static Duration positive(Duration d, String value) {
        if (d.isNegative()) {
            throw new TypeConversionException("'" + value + "' is negative");
        }
        return d;
    }

    /** {@code 5s}, {@code 250ms}: how durations are printed back. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
