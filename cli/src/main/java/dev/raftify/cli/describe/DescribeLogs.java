package dev.raftify.cli.describe;

import dev.raftify.cli.CliCommand;
import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Cell;
import dev.raftify.cli.output.Column;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.output.Style;
import dev.raftify.cli.output.TableWriter;
import dev.raftify.cli.store.EntryRenderer;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.storage.lmdb.LmdbReadView;
import dev.raftify.storage.lmdb.LmdbStorage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * Streams the log of a store as a table (or JSON), entry by entry straight from LMDB: the first rows print at
 * once and memory stays flat whatever the log's length.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print the Raft log of a storage directory: index | type | term | data. Opens the store "
                + "read-only; safe while the node runs.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  raftify-cli describe logs ./data/node-1",
            "  raftify-cli describe logs ./data/node-1 --tail 20",
            "  raftify-cli describe logs ./data/node-1 --from 100 --to 200 --type confchange",
            "  raftify-cli describe logs ./data/node-1 --output json | jq '.entries[] | select(.kind == \"text\")'",
            "",
            "Application commands are shown through a dev.raftify.LogEntryFormatter found on the class path",
            "(add its jar with RAFTIFY_CLI_CLASSPATH=app.jar), else as text when printable, else as hex."})
public final class DescribeLogs extends CliCommand {

    /** Rows buffered before the table starts, to size the data column; the rest stream through. */
    private static final int SIZING_ROWS = 64;
    private static final int DATA_WIDTH = 100;

    /** Which entries {@code --type} keeps. */
    public enum TypeFilter { normal, confchange }

    @Parameters(index = "0", paramLabel = "<dir>", description = "The node's storage directory.")
    Path dir;

    @Option(names = "--from", paramLabel = "<index>", description = "First index to show (default: the first in the log).")
    Long from;

    @Option(names = "--to", paramLabel = "<index>", description = "Last index to show, inclusive (default: the last).")
    Long to;

    @Option(names = "--limit", paramLabel = "<n>", description = "Show at most n entries.")
    Long limit;

    @Option(names = "--tail", paramLabel = "<n>", description = "Show the last n entries (reads only those).")
    Long tail;

    @Option(names = "--type", paramLabel = "normal|confchange", description = "Show only normal entries, or only "
            + "membership changes (ConfChange and ConfChangeV2).")
    TypeFilter type;

    @Option(names = "--raw", description = "Show data as full hex: no decoding, no formatter, no truncation.")
    boolean raw;

    /** Thrown inside the streaming callback to stop once --limit rows are out. */
    private static final class LimitReached extends RuntimeException {
        LimitReached() {
            super(null, null, false, false);
        }
    }

    @Override
    protected int execute() {
        validate();
        EntryRenderer renderer = new EntryRenderer(raw ? List.of() : EntryRenderer.loadFormatters(), raw);
        try (LmdbStorage storage = LmdbStorage.openReadOnly(dir); LmdbReadView view = storage.readView()) {
            long first = view.firstIndex();
            long last = view.lastIndex();
            long start = from == null ? first : Math.max(first, from);
            long end = to == null ? last : Math.min(last, to);
            if (tail != null) {
                // Only the last entries are read, however long the log is.
                start = Math.max(start, end - tail + 1);
            }
            Sink sink = json() ? new JsonSink(out(), first, last)
                    : new TableSink(out(), widthsFor(view, end), this);
            long shown;
            try {
                shown = stream(view, start, end, renderer, sink);
            } catch (RuntimeException e) {
                // Rows already printed stay readable; the error follows on standard error.
                sink.abort();
                throw e;
            }
            sink.finish(shown, first, last);
        }
        return ExitCode.OK;
    }

    private void validate() {
        if (tail != null && (from != null || limit != null)) {
            throw new ParameterException(spec.commandLine(), "--tail cannot be combined with --from or --limit");
        }
        for (Long v : new Long[] {from, to}) {
            if (v != null && v < 0) {
                throw new ParameterException(spec.commandLine(), "indexes cannot be negative: " + v);
            }
        }
        if ((limit != null && limit < 0) || (tail != null && tail < 0)) {
            throw new ParameterException(spec.commandLine(), "--limit and --tail take a count of zero or more");
        }
        if (from != null && to != null && from > to) {
            throw new ParameterException(spec.commandLine(), "--from " + from + " is after --to " + to);
        }
    }

    private long stream(LmdbReadView view, long start, long end, EntryRenderer renderer, Sink sink) {
        if (start > end || (limit != null && limit == 0) || (tail != null && tail == 0)) {
            return 0;
        }
        long[] count = {0};
        try {
            view.forEachEntry(start, end + 1, e -> {
                if (type != null && !EntryRenderer.family(e.getEntryType()).equals(type.name())) {
                    return;
                }
                sink.entry(e, renderer.render(e));
                count[0]++;
                if (limit != null && count[0] >= limit) {
                    throw new LimitReached();
                }
            });
        } catch (LimitReached stop) {
            // --limit reached: the cursor is closed by forEachEntry on the way out.
        }
        return count[0];
    }

    /** Index and term columns are sized from the largest values they can hold, since rows stream. */
    private static int[] widthsFor(LmdbReadView view, long end) {
        long maxTerm = view.hardState().getTerm();
        if (end >= view.firstIndex()) {
            maxTerm = Math.max(maxTerm, view.term(end));
        }
        return new int[] {Long.toString(Math.max(end, 0)).length(), "EntryConfChangeV2".length(),
            Long.toString(maxTerm).length(), 0};
    }

    private interface Sink {
        void entry(Entry e, EntryRenderer.Rendered r);

        void finish(long shown, long first, long last);

        void abort();
    }

    /** The table: a few rows are held back to size the data column, then everything streams. */
    private static final class TableSink implements Sink {
        private static final List<Column> COLUMNS = List.of(
                Column.right("index"), Column.left("type"), Column.right("term"), Column.left("data").wrapAt(DATA_WIDTH));

        private final PrintWriter out;
        private final int[] widths;
        private final DescribeLogs cmd;
        private final Style style;
        private final List<List<Cell>> pending = new ArrayList<>();
        private TableWriter writer;
        private long rows;

        TableSink(PrintWriter out, int[] widths, DescribeLogs cmd) {
            this.out = out;
            this.widths = widths;
            this.cmd = cmd;
            this.style = cmd.style();
        }

        @Override
        public void entry(Entry e, EntryRenderer.Rendered r) {
            List<Cell> row = List.of(Cell.of(e.getIndex()), Cell.of(e.getEntryType()), Cell.of(e.getTerm()),
                    r.kind().equals("conf_change") ? Cell.styled(r.text(), style::accent)
                            : r.kind().equals("empty") ? Cell.styled(r.text(), style::dim) : Cell.of(r.text()));
            rows++;
            if (writer != null) {
                writer.row(row);
                return;
            }
            pending.add(row);
            if (pending.size() == SIZING_ROWS) {
                start();
            }
        }

        private void start() {
            for (List<Cell> row : pending) {
                widths[3] = Math.max(widths[3], Math.min(DATA_WIDTH, row.get(3).text().length()));
            }
            writer = new TableWriter(out, COLUMNS, widths, cmd.borders(), style);
            writer.begin();
            pending.forEach(writer::row);
            pending.clear();
            // The first screenful appears now, not when the output buffer happens to fill.
            out.flush();
        }

        @Override
        public void abort() {
            if (writer == null) {
                start();
            }
            writer.end();
            out.flush();
        }

        @Override
        public void finish(long shown, long first, long last) {
            if (writer == null) {
                start();
            }
            writer.end();
            out.println(last < first ? "The log is empty (first index " + first + ")."
                    : shown + " of " + (last - first + 1) + " entries shown; the log holds " + first + ".." + last + ".");
        }
    }

    /** One JSON document, written as it goes: one entry per line inside the "entries" array. */
    private static final class JsonSink implements Sink {
        private final PrintWriter out;
        private boolean any;

        JsonSink(PrintWriter out, long first, long last) {
            this.out = out;
            out.println("{");
            out.println("  \"first_index\": " + first + ",");
            out.println("  \"last_index\": " + last + ",");
            out.print("  \"entries\": [");
        }

        @Override
        public void entry(Entry e, EntryRenderer.Rendered r) {
            Json.Obj o = Json.obj()
                    .put("index", e.getIndex())
                    .put("term", e.getTerm())
                    .put("type", e.getEntryType().toString())
                    .put("size", e.getData().size())
                    .put("kind", r.kind())
                    .put("data", r.text());
            if (r.details() != null) {
                if (r.kind().equals("conf_change")) {
                    o.put("conf_change", r.details());
                } else {
                    r.details().fields().forEach(o::put);
                }
            }
            out.print(any ? ",\n    " : "\n    ");
            out.print(Json.compact(o));
            any = true;
        }

        @Override
        public void abort() {
            // An unfinished document must not look complete to a script: it stays unterminated.
            out.println();
            out.flush();
        }

        @Override
        public void finish(long shown, long first, long last) {
            out.println(any ? "\n  ]," : "],");
            out.println("  \"shown\": " + shown);
            out.println("}");
        }
    }
}
