package dev.raftify.cli.output;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON writer for raftify-cli's {@code --output json}. Objects keep their keys in insertion order and
 * numbers are written exactly (no floating point for indexes and terms), so the documents are byte-for-byte stable
 * across runs and versions, which is what scripts and the golden tests rely on.
 *
 * <p>Values are {@code null}, {@link Boolean}, {@link Number}, {@link CharSequence}, {@link Obj}, {@link Map} and
 * {@link Collection}.
 */
public final class Json {

    private Json() {
    }

    /** A JSON object under construction; keys keep their insertion order. */
    public static final class Obj {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        public Obj put(String key, Object value) {
            fields.put(key, value);
            return this;
        }

        public Map<String, Object> fields() {
            return fields;
        }
    }

    public static Obj obj() {
        return new Obj();
    }

    public static List<Object> array(Collection<?> values) {
        return new ArrayList<>(values);
    }

    /** Indented with two spaces, one field per line. */
    public static String pretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, true);
        return sb.toString();
    }

    /** On one line, with no spaces. */
    public static String compact(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, false);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object value, int depth, boolean pretty) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            sb.append(value);
        } else if (value instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                sb.append("null");
            } else {
                sb.append(n);
            }
        } else if (value instanceof CharSequence s) {
            string(sb, s);
        } else if (value instanceof Obj o) {
            object(sb, o.fields, depth, pretty);
        } else if (value instanceof Map<?, ?> m) {
            Map<String, Object> fields = new LinkedHashMap<>();
            m.forEach((k, v) -> fields.put(String.valueOf(k), v));
            object(sb, fields, depth, pretty);
        } else if (value instanceof Collection<?> c) {
            array(sb, c, depth, pretty);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static void object(StringBuilder sb, Map<String, Object> fields, int depth, boolean pretty) {
        if (fields.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            newline(sb, depth + 1, pretty);
            string(sb, f.getKey());
            sb.append(pretty ? ": " : ":");
            write(sb, f.getValue(), depth + 1, pretty);
        }
        newline(sb, depth, pretty);
        sb.append('}');
    }

    private static void array(StringBuilder sb, Collection<?> values, int depth, boolean pretty) {
        if (values.isEmpty()) {
            sb.append("[]");
            return;
        }
        // Arrays of plain values (ids, for example) stay on one line: easier to read, and diff-friendly enough.
        boolean flat = values.stream().noneMatch(v -> v instanceof Obj || v instanceof Map || v instanceof Collection);
        sb.append('[');
        boolean first = true;
        for (Object v : values) {
            if (!first) {
                sb.append(flat && pretty ? ", " : ",");
            }
            first = false;
            if (!flat) {
                newline(sb, depth + 1, pretty);
            }
            write(sb, v, depth + 1, pretty);
        }
        if (!flat) {
            newline(sb, depth, pretty);
        }
        sb.append(']');
    }

    private static void newline(StringBuilder sb, int depth, boolean pretty) {
        if (pretty) {
            sb.append('\n').append("  ".repeat(depth));
        }
    }

    /** Appends a quoted JSON string. */
    public static void string(StringBuilder sb, CharSequence s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    // Everything outside printable ASCII is escaped, so the document survives any output charset.
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
