package dev.raftify.cli.output;

/**
 * The characters a table is drawn with: box-drawing when the output charset can encode them, else plain ASCII.
 * Index order within each string: left, fill, junction, right.
 */
public record Borders(String top, String middle, String bottom, char vertical) {
    public static final Borders UNICODE = new Borders("┌─┬┐", "├─┼┤", "└─┴┘", '│');
    public static final Borders ASCII = new Borders("+-++", "+-++", "+-++", '|');

    public static Borders forTerminal(Terminal terminal) {
        return terminal.unicode() ? UNICODE : ASCII;
    }
}
