package dev.raftify.cli.output;

import java.nio.charset.Charset;
import java.util.Map;
import org.fusesource.jansi.AnsiConsole;
import org.fusesource.jansi.AnsiType;

/**
 * What raftify-cli knows about where its output goes: whether standard output is a terminal (colors and in-place
 * refresh only make sense there), the charset it encodes with (box-drawing borders only when it can encode them)
 * and the environment (for {@code NO_COLOR}).
 *
 * @param interactive standard output is a terminal that understands ANSI escape sequences
 * @param charset the charset standard output encodes characters with
 * @param environment the process environment
 */
public record Terminal(boolean interactive, Charset charset, Map<String, String> environment) {

    public Terminal {
        environment = Map.copyOf(environment);
    }

    /** The real terminal of this process. */
    public static Terminal detect() {
        return new Terminal(stdoutIsTerminal(), stdoutCharset(), System.getenv());
    }

    /** Where a string is the output (tests, or output captured by a caller): not a terminal, UTF-8. */
    public static Terminal captured(Map<String, String> environment) {
        return new Terminal(false, java.nio.charset.StandardCharsets.UTF_8, environment);
    }

    /**
     * Colors are used only on a terminal, and never when the user said no: {@code --no-color}, or a non-empty
     * {@code NO_COLOR} (https://no-color.org).
     */
    public boolean colors(boolean noColorFlag) {
        String noColor = environment.get("NO_COLOR");
        return interactive && !noColorFlag && (noColor == null || noColor.isEmpty());
    }

    /** Whether box-drawing characters survive the output charset (they do not under LANG=C, for example). */
    public boolean unicode() {
        return charset.newEncoder().canEncode("─│┌┐└┘├┤┬┴┼");
    }

    private static boolean stdoutIsTerminal() {
        // The JDK only tells whether stdin and stdout both are terminals; jansi asks isatty(1) itself. Loading
        // jansi's native library costs a few milliseconds, so the cheap answer is taken first when it is "yes".
        if (System.console() != null) {
            return true;
        }
        // On Linux the kernel names what fd 1 is; reading that is cheaper than loading jansi's native library,
        // which counts at start-up when output goes to a pipe or a file (the usual case for scripts).
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/1")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            // No /proc: ask jansi below.
        }
        try {
            AnsiType type = AnsiConsole.out().getType();
            return type != AnsiType.Redirected && type != AnsiType.Unsupported;
        } catch (RuntimeException | LinkageError e) {
            // No native library for this platform: treat as not a terminal, which only costs colors.
            return false;
        }
    }

    private static Charset stdoutCharset() {
        // Java 17 encodes System.out with sun.stdout.encoding when set (Windows consoles), else the default charset.
        String name = System.getProperty("sun.stdout.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }
}
