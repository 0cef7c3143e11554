package dev.raftify.cli.cluster;

/** Short human forms of the durations nodes report. */
final class Durations {
    private Durations() {
    }

    /** {@code 120ms}, {@code 3.4s}, {@code 2m05s}; "never" for -1. */
    static String millis(long ms) {
        if (ms < 0) {
            return "never";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        return String.format(java.util.Locale.ROOT, "%dm%02ds", ms / 60_000, (ms / 1000) % 60);
    }

    /** {@code 850us}, {@code 1.2ms}; "-" for -1 (unknown). */
    static String micros(long us) {
        if (us < 0) {
            return "-";
        }
        if (us < 1000) {
            return us + "us";
        }
        return String.format(java.util.Locale.ROOT, "%.1fms", us / 1000.0);
    }
}
