package dev.raftify.cli.output;

import java.util.function.UnaryOperator;

/**
 * One table cell: its text and how to color it. The color is applied after padding, so escape sequences never
 * count toward a column's width.
 */
public record Cell(String text, UnaryOperator<String> style) {
    public static Cell of(Object value) {
        return new Cell(String.valueOf(value), UnaryOperator.identity());
    }

    public static Cell styled(Object value, UnaryOperator<String> style) {
        return new Cell(String.valueOf(value), style);
    }
}
