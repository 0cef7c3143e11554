package dev.raftify.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The deterministic cluster simulation (see {@link Simulation}): by default {@value SimulationSettings#DEFAULT_SEEDS}
 * seeds of {@value SimulationSettings#DEFAULT_STEPS} steps each. A failing seed's message ends with the command
 * that replays it; see {@link SimulationSettings} for the properties.
 */
class SimulationTest {

    @Test
    void clusterStaysSafeAndLiveUnderFaults() {
        SimulationSettings s = SimulationSettings.fromSystemProperties();
        if (s.seeds() == 1) {
            // A replay: run on this thread, so a trace prints in order.
            SimStats stats = Simulation.run(s.firstSeed(), s.steps(), s.trace());
            System.out.println("seed " + s.firstSeed() + " passed\n" + stats.summary());
            return;
        }
        SimulationRunner.Result r = SimulationRunner.run(s.firstSeed(), s.seeds(), s.steps(), s.threads(), 0, null);
        System.out.println(r.summary());
        r.throwIfFailed();
        assertThat(r.seedsRun()).isEqualTo(s.seeds());
    }

    @Test
    void aSeedReplaysIdentically() {
        SimStats a = Simulation.run(42, 500, false);
        SimStats b = Simulation.run(42, 500, false);
        assertThat(b.summary()).isEqualTo(a.summary());
        assertThat(a.messagesDelivered).isPositive();
    }
}
