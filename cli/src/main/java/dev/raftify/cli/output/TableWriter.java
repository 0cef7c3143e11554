package dev.raftify.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a table row by row with column widths fixed up front, so that a table of any length can be printed as it
 * is produced (how {@code describe logs} streams millions of entries in flat memory). Cells wider than their
 * column wrap onto continuation lines inside the row. {@link Table} computes the widths for tables held in memory.
 */
public final class TableWriter {
    private final PrintWriter out;
    private final List<Column> columns;
    private final int[] widths;
    private final Borders borders;
    private final Style style;

    public TableWriter(PrintWriter out, List<Column> columns, int[] widths, Borders borders, Style style) {
        if (columns.size() != widths.length) {
            throw new IllegalArgumentException(columns.size() + " columns but " + widths.length + " widths");
        }
        this.out = out;
        this.columns = List.copyOf(columns);
        this.widths = widths.clone();
        for (int i = 0; i < this.widths.length; i++) {
            this.widths[i] = Math.max(this.widths[i], columns.get(i).header().length());
        }
        this.borders = borders;
        this.style = style;
    }

    /** The top border and the header row. */
    public void begin() {
        rule(borders.top());
        List<Cell> header = new ArrayList<>();
        for (Column c : columns) {
            header.add(Cell.styled(c.header(), style::bold));
        }
        row(header, false);
        rule(borders.middle());
    }

    public void row(List<Cell> cells) {
        row(cells, true);
    }

    /** A horizontal rule between groups of rows. */
    public void separator() {
        rule(borders.middle());
    }

    public void end() {
        rule(borders.bottom());
    }

    private void row(List<Cell> cells, boolean align) {
        if (cells.size() != columns.size()) {
            throw new IllegalArgumentException("a row of " + cells.size() + " cells in a table of " + columns.size()
                    + " columns");
        }
        List<List<String>> lines = new ArrayList<>();
        int height = 1;
        for (int i = 0; i < cells.size(); i++) {
            List<String> l = wrap(cells.get(i).text(), widths[i]);
            lines.add(l);
            height = Math.max(height, l.size());
        }
        StringBuilder sb = new StringBuilder();
        for (int line = 0; line < height; line++) {
            sb.setLength(0);
            for (int i = 0; i < cells.size(); i++) {
                sb.append(borders.vertical()).append(' ');
                String text = line < lines.get(i).size() ? lines.get(i).get(line) : "";
                String padded = pad(text, widths[i], align && columns.get(i).rightAligned());
                sb.append(cells.get(i).style().apply(padded)).append(' ');
            }
            sb.append(borders.vertical());
            out.println(sb);
        }
    }

    private void rule(String chars) {
        StringBuilder sb = new StringBuilder();
        sb.append(chars.charAt(0));
        for (int i = 0; i < widths.length; i++) {
            if (i > 0) {
                sb.append(chars.charAt(2));
            }
            sb.append(String.valueOf(chars.charAt(1)).repeat(widths[i] + 2));
        }
        sb.append(chars.charAt(3));
        out.println(sb);
    }

    /** Splits text at its newlines, then cuts lines longer than the width (by code points). */
    static List<String> wrap(String text, int width) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            int n = line.codePointCount(0, line.length());
            if (n <= width) {
                out.add(line);
                continue;
            }
            int start = 0;
            while (start < line.length()) {
                int end = line.offsetByCodePoints(start, Math.min(width, line.codePointCount(start, line.length())));
                out.add(line.substring(start, end));
                start = end;
            }
        }
        return out;
    }

    private static String pad(String text, int width, boolean right) {
        int gap = width - text.codePointCount(0, text.length());
        if (gap <= 0) {
            return text;
        }
        return right ? " ".repeat(gap) + text : text + " ".repeat(gap);
    }

    /** The display width of a cell: its longest line, capped at the column's wrap width. */
    static int width(String text, Column column) {
        int max = 0;
        for (String line : text.split("\n", -1)) {
            max = Math.max(max, line.codePointCount(0, line.length()));
        }
        return column.maxWidth() > 0 ? Math.min(max, column.maxWidth()) : max;
    }
}
