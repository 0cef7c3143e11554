package dev.raftify.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.cli.output.Style;
import dev.raftify.cli.output.Terminal;
import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.Stores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class RaftifyCliTest {

    @Test
    void helpDescribesTheTool() {
        Cli.Result r = Cli.run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: raftify-cli").contains("--version").contains("Exit codes:");
    }

    @Test
    void versionNamesTheTool() {
        Cli.Result r = Cli.run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("raftify-cli ");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Cli.Result r = Cli.run("--no-such-option");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--no-such-option'");
    }

    /** Every command that does something has --help with examples. */
    @ParameterizedTest
    @ValueSource(strings = {"describe logs", "describe metadata", "describe snapshot", "describe node", "check",
        "recover", "cluster status", "cluster leave-joint", "member list", "member add", "member remove",
        "member promote", "leader transfer", "snapshot create"})
    void everyCommandHasHelpWithExamples(String command) {
        Cli.Result r = Cli.run((command + " --help").split(" "));
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: raftify-cli " + command).contains("Examples:")
                .contains("raftify-cli " + command + " ").contains("--output").contains("--no-color");
    }

    @Test
    void liveCommandsOfferTlsAndTimeouts() {
        for (String command : List.of("describe node", "cluster status", "member add", "snapshot create")) {
            assertThat(Cli.run((command + " --help").split(" ")).out())
                    .contains("--tls-ca").contains("--tls-cert").contains("--tls-key").contains("--timeout")
                    .contains("--cluster-id");
        }
    }

    @Test
    void completionScript() {
        Cli.Result r = Cli.run("generate-completion");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("complete -F").contains("raftify-cli").contains("describe").contains("cluster");
    }

    @Test
    void groupWithoutSubcommandIsAUsageError() {
        Cli.Result r = Cli.run("member");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("raftify-cli: Missing required subcommand");
    }

    @Test
    void colorsOnlyOnATerminalAndNotWhenRefused(@TempDir Path tmp) {
        Path dir = tmp.resolve("node-1");
        Stores.writeThreeNodeStore(dir);
        Terminal tty = new Terminal(true, StandardCharsets.UTF_8, Map.of());
        assertThat(Cli.run(tty, "check", dir.toString()).out()).contains("\u001b[");
        assertThat(Cli.run(tty, "check", dir.toString(), "--no-color").out()).doesNotContain("\u001b[");
        Terminal noColorEnv = new Terminal(true, StandardCharsets.UTF_8, Map.of("NO_COLOR", "1"));
        assertThat(Cli.run(noColorEnv, "check", dir.toString()).out()).doesNotContain("\u001b[");
        assertThat(Cli.run("check", dir.toString()).out()).as("captured output is not a terminal").doesNotContain("\u001b[");
    }

    @Test
    void stylesAreIdentityWhenOff() {
        Style off = new Style(false);
        assertThat(off.bad("x")).isEqualTo("x");
        assertThat(new Style(true).bad("x")).isNotEqualTo("x").contains("x");
    }

    @Test
    void everyCommandIsRegistered() {
        CommandLine cl = RaftifyCli.commandLine();
        assertThat(cl.getSubcommands().keySet()).contains("describe", "check", "recover", "cluster", "member",
                "leader", "snapshot", "generate-completion");
    }
}
