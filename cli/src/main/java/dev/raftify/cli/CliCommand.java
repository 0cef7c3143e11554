package dev.raftify.cli;

import dev.raftify.cli.output.Borders;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.output.Style;
import dev.raftify.cli.output.Terminal;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every command that does something: gives it the common options, where to print, and how (table or
 * JSON, colors, borders). A command returns its exit code, or throws {@link CliException} for a failure.
 */
public abstract class CliCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    @Mixin
    protected CommonOptions common;

    /** Runs the command; returns its exit code (see {@link ExitCode}). */
    protected abstract int execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
        try {
            return execute();
        } finally {
            out().flush();
        }
    }

    public CommonOptions common() {
        return common;
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    protected Terminal terminal() {
        return ((RaftifyCli) spec.root().userObject()).terminal();
    }

    protected boolean json() {
        return common.output() == OutputFormat.json;
    }

    protected Style style() {
        return new Style(terminal().colors(common.noColor()));
    }

    protected Borders borders() {
        return Borders.forTerminal(terminal());
    }

    /**
     * Reports the outcome of a command that changed something: one sentence for people, or a JSON object with
     * {@code operation}, {@code message} and the given fields.
     */
    protected void outcome(String operation, String sentence, Json.Obj fields) {
        if (json()) {
            Json.Obj o = Json.obj().put("operation", operation).put("message", sentence);
            fields.fields().forEach(o::put);
            printJson(o);
        } else {
            out().println(sentence);
        }
    }

    /** Prints a JSON document (pretty, with a final newline). */
    protected void printJson(Object document) {
        out().println(Json.pretty(document));
    }
}
