package dev.raftify.cli.output;

/**
 * A table column.
 *
 * @param header its title
 * @param rightAligned numbers are right-aligned, text left-aligned
 * @param maxWidth longer cell text wraps onto further lines of the same row; 0 means no limit
 */
public record Column(String header, boolean rightAligned, int maxWidth) {
    public static Column left(String header) {
        return new Column(header, false, 0);
    }

    public static Column right(String header) {
        return new Column(header, true, 0);
    }

    public Column wrapAt(int width) {
        return new Column(header, rightAligned, width);
    }
}
