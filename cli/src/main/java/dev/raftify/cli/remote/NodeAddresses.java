package dev.raftify.cli.remote;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code <addr>[,<addr>...]} positional parameter of the live commands, as a picocli mixin: one place parses
 * and validates node addresses, with one error message ({@code invalid address: ...}, a usage error), for the list
 * and for the single addresses ({@link #parse(CommandLine, String)}) of {@code describe node} and
 * {@code member add --address}.
 *
 * <p>Addresses are converted here rather than by a picocli converter, because picocli reports a failed conversion
 * of a positional list as an unmatched argument, which hides why.
 */
public final class NodeAddresses {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private List<Endpoint> endpoints = List.of();

    @Parameters(index = "0", arity = "1", split = ",", paramLabel = "<addr>",
            description = "Addresses of one or more nodes, comma-separated: host:port, or [v6-address]:port.")
    void set(List<String> addresses) {
        List<Endpoint> parsed = new ArrayList<>();
        for (String a : addresses) {
            parsed.add(parse(mixee.commandLine(), a));
        }
        endpoints = List.copyOf(parsed);
    }

    /** The addresses given, in order (never empty once parsed: the parameter is required). */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** Parses one address, or fails with the usage error every address parameter reports. */
    public static Endpoint parse(CommandLine commandLine, String address) {
        try {
            return Endpoint.parse(address);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, "invalid address: " + e.getMessage());
        }
    }
}
