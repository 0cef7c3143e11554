package dev.raftify.cli.check;

import dev.raftify.cli.CliCommand;
import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.output.Style;
import dev.raftify.cli.store.SnapshotContent;
import dev.raftify.storage.lmdb.LmdbReadView;
import dev.raftify.storage.lmdb.LmdbStorage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code raftify-cli check <dir>}: the offline consistency check; exit 1 when it finds a problem. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check a storage directory's consistency offline: indexes contiguous, terms never "
                + "decreasing, commit within the log, snapshot and first index agreeing, the snapshot's data file "
                + "whole (recorded size and checksum), conf state agreeing with the log's membership changes. "
                + "Prints each problem; exits 1 when any is found.",
            "Opens the store read-only; safe while the node runs (the check sees one consistent state)."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  raftify-cli check ./data/node-1",
            "  raftify-cli check ./data/node-1 --output json | jq '.checks[] | select(.ok | not)'"})
public final class CheckCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "<dir>", description = "The node's storage directory.")
    Path dir;

    @Override
    protected int execute() {
        StoreChecker.Report report;
        try (LmdbStorage storage = LmdbStorage.openReadOnly(dir)) {
            // The node may replace its snapshot (and delete the file) during the check: then check again.
            report = SnapshotContent.withRetry(() -> {
                try (LmdbReadView view = storage.readView()) {
                    return StoreChecker.check(view);
                }
            });
        }
        int code = report.ok() ? ExitCode.OK : ExitCode.DEGRADED;
        if (json()) {
            List<Object> checks = new ArrayList<>();
            for (StoreChecker.Check c : report.checks()) {
                checks.add(Json.obj().put("name", c.name()).put("description", c.description()).put("ok", c.ok())
                        .put("problems", c.problems()));
            }
            printJson(Json.obj()
                    .put("ok", report.ok())
                    .put("entries_read", report.entries())
                    .put("problems", report.problemCount())
                    .put("checks", checks)
                    .put("warnings", report.warnings())
                    .put("exit_code", code));
            return code;
        }
        PrintWriter out = out();
        Style s = style();
        boolean unicode = terminal().unicode();
        String pass = unicode ? "✔" : "ok";
        String fail = unicode ? "✘" : "FAIL";
        for (StoreChecker.Check c : report.checks()) {
            out.println((c.ok() ? s.good(pass) : s.bad(fail)) + " " + c.name() + ": " + c.description());
            for (String p : c.problems()) {
                out.println("    problem: " + p);
            }
        }
        for (String w : report.warnings()) {
            out.println(s.warn("warning") + ": " + w);
        }
        out.println(report.ok()
                ? s.good("OK") + ": " + report.checks().size() + " checks passed (" + report.entries() + " entries read)."
                : s.bad("FAILED") + ": " + report.problemCount() + " problem(s) found (" + report.entries()
                        + " entries read).");
        return code;
    }
}
