package dev.raftify.cli.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.Golden;
import dev.raftify.cli.support.Stores;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Golden output of the offline describe commands on a store written like the engine writes one. */
class DescribeGoldenTest {

    @TempDir
    static Path tmp;
    static String store;

    @BeforeAll
    static void writeStore() {
        Path dir = tmp.resolve("node-1");
        Stores.writeThreeNodeStore(dir);
        store = dir.toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "describe-logs.txt             | describe logs DIR",
        "describe-logs.json            | describe logs DIR --output json",
        "describe-logs-tail.txt        | describe logs DIR --tail 2",
        "describe-logs-confchange.txt  | describe logs DIR --type confchange",
        "describe-logs-normal.json     | describe logs DIR --type normal --output json",
        "describe-logs-range.txt       | describe logs DIR --from 7 --to 9",
        "describe-logs-limit.txt       | describe logs DIR --from 6 --limit 2",
        "describe-logs-raw.txt         | describe logs DIR --raw --tail 4",
        "describe-metadata.txt         | describe metadata DIR",
        "describe-metadata.json        | describe metadata DIR -o json",
        "describe-snapshot.txt         | describe snapshot DIR",
        "describe-snapshot.json        | describe snapshot DIR --output=json",
        "check-ok.txt                  | check DIR",
        "check-ok.json                 | check DIR -o json",
    })
    void matchesGolden(String golden, String command) {
        String[] args = (command.replace("DIR", store) + " --no-color").split(" ");
        Cli.Result r = Cli.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        Golden.assertMatches(golden, r.out());
    }

    @Test
    void asciiBordersWhenTheCharsetCannotDrawBoxes() {
        var terminal = new dev.raftify.cli.output.Terminal(false, java.nio.charset.StandardCharsets.US_ASCII,
                java.util.Map.of());
        Cli.Result r = Cli.run(terminal, "describe", "metadata", store);
        assertThat(r.exitCode()).isZero();
        Golden.assertMatches("describe-metadata-ascii.txt", r.out());
        assertThat(r.out()).doesNotContain("│").contains("+----");
    }
}
