package dev.raftify.chaos.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A history as text, one operation per line, tab-separated, so that a failed run's history can be checked again
 * ({@code ChaosMain check FILE}) and read by a person. Strings are URL-encoded ({@code ~} is null); lines starting
 * with {@code #} are comments.
 *
 * <pre>id client node key kind value expected outcome swapped result invokeNanos completeNanos</pre>
 */
public final class HistoryFile {
    private static final String NULL = "~";

    private HistoryFile() {}

    public static void write(Path file, List<String> comments, List<Op> ops) {
        List<String> lines = new ArrayList<>();
        for (String c : comments) {
            for (String line : c.split("\n", -1)) {
                lines.add("# " + line);
            }
        }
        lines.add("# id\tclient\tnode\tkey\tkind\tvalue\texpected\toutcome\tswapped\tresult\tinvokeNanos\tcompleteNanos");
        for (Op op : ops) {
            lines.add(format(op));
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Op> read(Path file) throws IOException {
        List<Op> ops = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            ops.add(parse(line));
        }
        return ops;
    }

    static String format(Op op) {
        return String.join("\t", Integer.toString(op.id()), Integer.toString(op.client()),
                Integer.toString(op.node()), Long.toString(op.key()), op.kind().name(), enc(op.value()),
                enc(op.expected()), op.outcome().name(), Boolean.toString(op.swapped()), enc(op.result()),
                Long.toString(op.invokeNanos()), Long.toString(op.completeNanos()));
    }

    static Op parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 12) {
            throw new IllegalArgumentException("expected 12 tab-separated fields, got " + f.length + ": " + line);
        }
        return new Op(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
                Op.Kind.valueOf(f[4]), dec(f[5]), dec(f[6]), Op.Outcome.valueOf(f[7]), Boolean.parseBoolean(f[8]),
                dec(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11]));
    }

    private static String enc(String s) {
        return s == null ? NULL : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return s.equals(NULL) ? null : URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
