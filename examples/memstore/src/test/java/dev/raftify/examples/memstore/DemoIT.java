package dev.raftify.examples.memstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./demo}, the README's first command, run as a user would: it must exit 0 and show every step. */
class DemoIT {

    @Test
    @Timeout(240)
    void demoRunsEveryStepAndExitsCleanly() throws Exception {
        Path root = RepoRoot.find();
        Path work = root.resolve("examples/memstore/target/it-work/demo");
        MemStoreClusterIT.deleteRecursively(work);
        Files.createDirectories(work);
        Path output = work.resolve("demo-output.txt");
        ProcessBuilder pb = new ProcessBuilder(root.resolve("demo").toString()).directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        // Its own data directory, so the test never touches a cluster someone left with ./demo --keep.
        pb.environment().put("RAFTIFY_DEMO_DIR", work.resolve("data").toString());
        pb.environment().put("RAFTIFY_NO_BUILD", "1");
        Process demo = pb.start();
        long t0 = System.nanoTime();
        boolean exited = demo.waitFor(200, TimeUnit.SECONDS);
        if (!exited) {
            demo.destroy(); // SIGTERM: the demo's trap stops the nodes it started
            demo.waitFor(30, TimeUnit.SECONDS);
        }
        String out = Files.readString(output);
        System.out.printf("./demo took %.1f s%n%s%n", (System.nanoTime() - t0) / 1e9, out);
        assertThat(exited).as("./demo finished within 200 s:\n%s", out).isTrue();
        assertThat(demo.exitValue()).as(out).isZero();
        for (String heading : new String[] {"[1/10] Build", "[2/10] Start three memstore nodes",
                "[3/10] Wait for the nodes to elect a leader", "[4/10] Write keys", "[5/10] raftify-cli cluster status",
                "[6/10] raftify-cli describe logs", "[7/10] Kill the leader", "[8/10] The cluster is degraded",
                "[9/10] Restart node", "[10/10] Stop everything"}) {
            assertThat(out).as("heading %s", heading).contains(heading);
        }
        assertThat(out).contains("caught up on the write it missed").contains("done: the demo ran in");
        // Every node it started was stopped: each one's log ends with the graceful shutdown line.
        for (int id = 1; id <= 3; id++) {
            String log = Files.readString(work.resolve("data/node-" + id + ".log"));
            assertThat(log.strip()).as("node %d log", id).containsPattern("node \\d+: stopped[^\\n]*$");
        }
    }
}
