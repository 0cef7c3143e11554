package dev.raftify.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A table held in memory: rows are collected, then drawn with each column as wide as its widest cell. */
public final class Table {
    private final List<Column> columns;
    // A null entry marks a separator line between groups of rows.
    private final List<List<Cell>> rows = new ArrayList<>();

    public Table(Column... columns) {
        this.columns = List.of(columns);
    }

    public Table row(Object... values) {
        List<Cell> cells = new ArrayList<>();
        for (Object v : values) {
            cells.add(v instanceof Cell c ? c : Cell.of(v));
        }
        rows.add(cells);
        return this;
    }

    /** A horizontal rule before the next row (ignored at the start and end). */
    public Table separator() {
        if (!rows.isEmpty() && rows.get(rows.size() - 1) != null) {
            rows.add(null);
        }
        return this;
    }

    public boolean isEmpty() {
        return rows.stream().allMatch(r -> r == null);
    }

    public void render(PrintWriter out, Borders borders, Style style) {
        int[] widths = new int[columns.size()];
        Arrays.setAll(widths, i -> columns.get(i).header().length());
        for (List<Cell> row : rows) {
            if (row == null) {
                continue;
            }
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], TableWriter.width(row.get(i).text(), columns.get(i)));
            }
        }
        TableWriter w = new TableWriter(out, columns, widths, borders, style);
        w.begin();
        for (int i = 0; i < rows.size(); i++) {
            List<Cell> row = rows.get(i);
            if (row == null) {
                if (i < rows.size() - 1) {
                    w.separator();
                }
            } else {
                w.row(row);
            }
        }
        w.end();
    }
}
