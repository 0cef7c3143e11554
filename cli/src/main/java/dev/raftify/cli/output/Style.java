package dev.raftify.cli.output;

import org.fusesource.jansi.Ansi;
import org.fusesource.jansi.Ansi.Color;

/**
 * Colors and emphasis through jansi's {@link Ansi}, applied only when enabled: with colors off every method returns
 * its text unchanged, so output to files and pipes never holds escape sequences.
 */
public final class Style {
    private final boolean enabled;

    public Style(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    public String bold(String s) {
        return enabled ? Ansi.ansi().bold().a(s).reset().toString() : s;
    }

    public String dim(String s) {
        return enabled ? Ansi.ansi().a(Ansi.Attribute.INTENSITY_FAINT).a(s).reset().toString() : s;
    }

    public String good(String s) {
        return color(s, Color.GREEN);
    }

    public String warn(String s) {
        return color(s, Color.YELLOW);
    }

    public String bad(String s) {
        return color(s, Color.RED);
    }

    public String accent(String s) {
        return color(s, Color.CYAN);
    }

    /** Moves the cursor home and clears the screen: how {@code --watch} redraws in place. */
    public String clearScreen() {
        return enabled ? Ansi.ansi().cursor(1, 1).eraseScreen().toString() : "";
    }

    private String color(String s, Color c) {
        return enabled ? Ansi.ansi().fg(c).a(s).reset().toString() : s;
    }
}
