package dev.raftify.cli.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.cli.RaftifyCli;
import dev.raftify.cli.output.Terminal;
import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.Stores;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code describe logs} on a long log: rows go out as they are read, and --tail reads only the end. */
class StreamingLogsTest {

    private static final int ENTRIES = 100_000;

    @TempDir
    static Path tmp;
    static Path dir;

    @BeforeAll
    static void store() {
        dir = tmp.resolve("long");
        Stores.writeLongStore(dir, ENTRIES);
    }

    /** Counts lines and keeps none of them: the command's memory is what a real terminal would cost it. */
    private static final class CountingWriter extends Writer {
        long lines;
        final StringBuilder firstFlush = new StringBuilder();
        final StringBuilder pending = new StringBuilder();
        boolean flushed;

        @Override
        public void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (buf[i] == '\n') {
                    lines++;
                }
            }
            if (!flushed) {
                pending.append(buf, off, len);
            }
        }

        @Override
        public void flush() {
            if (!flushed) {
                firstFlush.append(pending);
                flushed = true;
            }
        }

        @Override
        public void close() {
        }
    }

    @Test
    void firstRowsAreFlushedBeforeTheLogIsRead() {
        CountingWriter w = new CountingWriter();
        CommandLine cli = RaftifyCli.commandLine(Terminal.captured(Map.of()));
        cli.setOut(new PrintWriter(w));
        cli.setErr(new PrintWriter(new StringWriter()));
        int code = cli.execute("describe", "logs", dir.toString(), "--no-color");
        assertThat(code).isZero();
        // Header (3 lines) + every entry + bottom border + summary.
        assertThat(w.lines).isEqualTo(3 + ENTRIES + 2);
        // The first flush held the header and the first rows only: output started before the log was read through.
        assertThat(w.firstFlush.toString().lines().count()).isEqualTo(3 + 64);
        assertThat(w.firstFlush.toString()).contains("│     64 │").doesNotContain("│     65 │");
    }

    @Test
    void tailShowsTheLastEntries() {
        Cli.Result r = Cli.run("describe", "logs", dir.toString(), "--tail", "3", "--no-color");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("""
                ┌────────┬───────────────────┬──────┬────────────┐
                │ index  │ type              │ term │ data       │
                ├────────┼───────────────────┼──────┼────────────┤
                │  99998 │ EntryNormal       │    1 │ cmd 99998  │
                │  99999 │ EntryNormal       │    1 │ cmd 99999  │
                │ 100000 │ EntryNormal       │    1 │ cmd 100000 │
                └────────┴───────────────────┴──────┴────────────┘
                3 of 100000 entries shown; the log holds 1..100000.
                """);
    }
}
