package dev.raftify.cli.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.cli.support.Cli;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command that takes node addresses parses them in one place (the {@code NodeAddresses} mixin): the same
 * usage error for a bad address, a missing list, and the same synopsis. Nothing here needs a node: each case fails
 * before any connection.
 */
class NodeAddressesTest {

    /** Each live command with its required options (other than the addresses). */
    private static String[] command(String spec, String... addresses) {
        List<String> args = new ArrayList<>(Arrays.asList(spec.split(" ")));
        int at = args.indexOf("ADDR");
        args.remove(at);
        args.addAll(at, Arrays.asList(addresses));
        return args.toArray(String[]::new);
    }

    private static String qualified(String spec) {
        return "raftify-cli " + spec.substring(0, spec.indexOf(" ADDR"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "cluster status ADDR",
        "cluster leave-joint ADDR",
        "member list ADDR",
        "member add ADDR --id 4 --address 127.0.0.1:60064",
        "member promote ADDR --id 4",
        "member remove ADDR --id 3",
        "leader transfer ADDR --to 2",
        "snapshot create ADDR",
    })
    void addressListsFailTheSameWay(String spec) {
        Cli.Result bad = Cli.run(command(spec, "127.0.0.1:60061,localhost"));
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).isEqualTo("raftify-cli: invalid address: 'localhost' is not host:port\n"
                + "Try '" + qualified(spec) + " --help' for more information.\n");

        Cli.Result port = Cli.run(command(spec, "127.0.0.1:70000"));
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err()).startsWith("raftify-cli: invalid address: '127.0.0.1:70000': port 70000 is out of range\n");

        Cli.Result v6 = Cli.run(command(spec, "::1:60061"));
        assertThat(v6.exitCode()).isEqualTo(2);
        assertThat(v6.err()).startsWith("raftify-cli: invalid address: '::1:60061': write IPv6 addresses as "
                + "[address]:port\n");

        // Without any address: a usage error, not a crash (it was an internal error, exit 70, before the mixin).
        Cli.Result missing = Cli.run(command(spec));
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("raftify-cli: Missing required parameter: '<addr>'\n"
                + "Try '" + qualified(spec) + " --help' for more information.\n");

        // A second positional list is not silently accepted: the list is one comma-separated argument.
        Cli.Result twoArgs = Cli.run(command(spec, "127.0.0.1:60061", "127.0.0.1:60062"));
        assertThat(twoArgs.exitCode()).isEqualTo(2);
        assertThat(twoArgs.err()).startsWith("raftify-cli: Unmatched argument at index ");

        Cli.Result help = Cli.run(command(spec.replace(" ADDR", " --help ADDR")));
        assertThat(help.exitCode()).isZero();
        // The synopsis (its continuation lines are indented; picocli may wrap inside the label) ends with the list.
        String synopsis = help.out().split("\n(?! )")[0];
        assertThat(synopsis.replaceAll("\\s+", "")).endsWith("<addr>[,<addr>...]");
        assertThat(help.out()).contains("<addr>[,<addr>...]     Addresses of one or more nodes, comma-separated:");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"describe node ADDR", "member add 127.0.0.1:60061 --id 4 --address ADDR"})
    void singleAddressesFailWithTheSameMessage(String spec) {
        Cli.Result bad = Cli.run(command(spec, "localhost"));
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err()).startsWith("raftify-cli: invalid address: 'localhost' is not host:port\n");
    }
}
