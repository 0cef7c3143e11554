package dev.raftify.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
public final class CommonOptions {

    @Option(names = {"-o", "--output"}, paramLabel = "table|json", defaultValue = "table",
            description = "Output format: table (for people) or json (stable, for scripts). Default: ${DEFAULT-VALUE}.")
    OutputFormat output = OutputFormat.table;

    @Option(names = "--no-color", description = "Never use colors (they are also off when standard output is not a "
            + "terminal, or when NO_COLOR is set).")
    boolean noColor;

    @Option(names = "--verbose", description = "On errors, print the stack trace too; show library warnings.")
    boolean verbose;

    public OutputFormat output() {
        return output;
    }

    public boolean noColor() {
        return noColor;
    }

    public boolean verbose() {
        return verbose;
    }
}
