package dev.raftify.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.cli.output.Terminal;
import dev.raftify.cli.support.Cli;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** main builds only the commands its arguments run; that must not change what any command says or does. */
class CommandTreeTest {

    private static CommandLine forArgs(String... args) {
        return RaftifyCli.commandLine(Terminal.captured(Map.of()), args);
    }

    /** Every path of the tree: groups and their commands, as argument lists. */
    static List<String> paths() {
        List<String> out = new ArrayList<>();
        for (CommandTree.Node n : CommandTree.COMMANDS) {
            out.add(n.name());
            n.children().forEach(c -> out.add(n.name() + " " + c.name()));
        }
        return out;
    }

    @Test
    void namesInTheTreeAreTheCommandsOwnNames() {
        for (CommandTree.Node n : CommandTree.COMMANDS) {
            assertThat(new CommandLine(n.type()).getCommandName()).isEqualTo(n.name());
            for (CommandTree.Node c : n.children()) {
                assertThat(new CommandLine(c.type()).getCommandName()).isEqualTo(c.name());
            }
        }
        assertThat(RaftifyCli.commandLine().getSubcommands().keySet())
                .containsExactlyElementsOf(CommandTree.COMMANDS.stream().map(CommandTree.Node::name).toList());
    }

    @Test
    void onlyThePathThatRunsIsBuilt() {
        CommandLine cl = forArgs("describe", "metadata", "./node-1");
        assertThat(cl.getSubcommands().keySet()).containsExactly("describe");
        assertThat(cl.getSubcommands().get("describe").getSubcommands().keySet()).containsExactly("metadata");
        assertThat(forArgs("check", "./node-1").getSubcommands().keySet()).containsExactly("check");
        // A group without a known subcommand gets all of its own, to list them or suggest one.
        assertThat(forArgs("member", "--help").getSubcommands().get("member").getSubcommands().keySet())
                .containsExactly("list", "add", "remove", "promote");
        assertThat(forArgs("member", "lst").getSubcommands().get("member").getSubcommands()).hasSize(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "--help", "-h", "nosuch", "help describe", "generate-completion", "--version --help"})
    void theWholeTreeWhenTheArgumentsDoNotNameOneCommand(String args) {
        String[] a = args.isEmpty() ? new String[0] : args.split(" ");
        assertThat(forArgs(a).getSubcommands()).hasSize(CommandTree.COMMANDS.size());
    }

    @Test
    void versionNeedsNoCommands() {
        assertThat(forArgs("--version").getSubcommands()).isEmpty();
        assertThat(Cli.run("--version")).isEqualTo(Cli.runWholeTree("--version"));
        assertThat(Cli.run("-V")).isEqualTo(Cli.runWholeTree("-V"));
    }

    /** Help, and a usage error, read the same from the pruned tree as from the whole one. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void helpAndErrorsAreTheSameAsWithTheWholeTree(String path) {
        String[] help = (path + " --help").split(" ");
        assertThat(Cli.run(help)).isEqualTo(Cli.runWholeTree(help));
        String[] wrong = (path + " --no-such-option").split(" ");
        assertThat(Cli.run(wrong)).isEqualTo(Cli.runWholeTree(wrong));
    }

    @Test
    void suggestionsForATypoAreTheSame() {
        assertThat(Cli.run("describe", "metdata", "x")).isEqualTo(Cli.runWholeTree("describe", "metdata", "x"));
        assertThat(Cli.run("descibe", "metadata", "x")).isEqualTo(Cli.runWholeTree("descibe", "metadata", "x"));
        assertThat(Cli.run("help", "cluster")).isEqualTo(Cli.runWholeTree("help", "cluster"));
    }
}
