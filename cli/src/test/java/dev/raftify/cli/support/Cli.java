package dev.raftify.cli.support;

import dev.raftify.cli.RaftifyCli;
import dev.raftify.cli.output.Terminal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** Runs raftify-cli in-process, as main would, with output captured. */
public final class Cli {

    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    public static Result run(String... args) {
        return run(Terminal.captured(Map.of()), args);
    }

    /** Runs with the command tree built as main builds it: only what the arguments run. */
    public static Result run(Terminal terminal, String... args) {
        return run(RaftifyCli.commandLine(terminal, args), args);
    }

    /** Runs with every command in the tree, as help and completion see it. */
    public static Result runWholeTree(String... args) {
        return run(RaftifyCli.commandLine(Terminal.captured(Map.of())), args);
    }

    private static Result run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        cli.getOut().flush();
        cli.getErr().flush();
        return new Result(code, out.toString(), err.toString());
    }
}
