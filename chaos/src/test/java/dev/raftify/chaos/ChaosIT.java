package dev.raftify.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.chaos.faults.FaultKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Memstore clusters of real processes under faults, every history checked. Without properties: the CI-sized
 * plan (a 3-node and a 5-node run, each going through every fault kind alone and then two mixed steps). With
 * {@code -Dchaos.duration=60m}: a campaign of runs on fresh seeds until the time is up. See docs/testing.md.
 */
class ChaosIT {

    private static String prop(String name) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    @Test
    void faultInjectionRunsKeepEveryHistoryLinearizableAndDurable() throws Exception {
        Path root = Path.of(prop("chaos.root") != null ? prop("chaos.root") : "..").toAbsolutePath().normalize();
        Path out = Path.of(prop("chaos.out") != null ? prop("chaos.out") : "target/chaos").toAbsolutePath();
        assertThat(root.resolve("raftify-memstore")).as("the memstore launcher").exists();
        List<Long> seeds = new ArrayList<>();
        if (prop("chaos.seeds") != null) {
            for (String s : prop("chaos.seeds").split(",")) {
                seeds.add(Long.parseLong(s.trim()));
            }
        }
        Campaign campaign = new Campaign(root, out,
                prop("chaos.clients") == null ? 12 : Integer.parseInt(prop("chaos.clients")),
                prop("chaos.nodes") == null ? null : Integer.parseInt(prop("chaos.nodes")), seeds);
        Duration total = prop("chaos.duration") == null ? null : Campaign.parseDuration(prop("chaos.duration"));
        Duration runFor = prop("chaos.run.duration") != null ? Campaign.parseDuration(prop("chaos.run.duration"))
                : total == null ? Duration.ZERO : Duration.ofMinutes(4);

        Campaign.Totals totals = campaign.run(total, runFor);

        for (RunResult r : totals.runs()) {
            assertThat(r.passed()).as(r.summary()).isTrue();
        }
        assertThat(totals.faultsByKind().keySet()).as("every fault kind was injected")
                .containsExactlyInAnyOrder(FaultKind.values());
    }
}
