package dev.raftify.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryKindAndOutcomeWithAwkwardValues() throws Exception {
        List<Op> ops = List.of(
                Op.read(1, 2, 3, 4, Op.Outcome.OK, null, 10, 20),
                Op.read(2, 2, 3, 4, Op.Outcome.OK, "tab\there, new\nline, 100% ~", 10, 20),
                Op.write(3, 5, 1, 7, "v1", Op.Outcome.UNKNOWN, 30, Long.MAX_VALUE),
                Op.write(4, 5, 1, 7, "v2", Op.Outcome.FAIL, 31, 40),
                Op.cas(5, 6, 2, 7, "v1", "v3", Op.Outcome.OK, true, null, 50, 60),
                Op.cas(6, 6, 2, 7, "v1", "v4", Op.Outcome.OK, false, "v3", 61, 70));
        Path f = dir.resolve("h.txt");
        HistoryFile.write(f, List.of("seed 42", "two\nlines"), ops);
        assertThat(HistoryFile.read(f)).isEqualTo(ops);
        assertThat(Files.readAllLines(f)).startsWith("# seed 42", "# two", "# lines");
    }
}
