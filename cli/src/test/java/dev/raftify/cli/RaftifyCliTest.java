package dev.raftify.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RaftifyCliTest {

    private record Result(int exitCode, String out, String err) {}

    private static Result run(String... args) {
        CommandLine cli = RaftifyCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpDescribesTheTool() {
        Result r = run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: raftify-cli").contains("--version");
    }

    @Test
    void versionNamesTheTool() {
        Result r = run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("raftify-cli ");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Result r = run("--no-such-option");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--no-such-option'");
    }
}
