package dev.raftify.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DurabilityCheckTest {
    @Test
    void theLastAcknowledgedWriteOrALaterOneSurvives() {
        Hist h = new Hist().write(0, 1, "a").write(2, 3, "b");
        assertThat(DurabilityCheck.check(1, h.ops, "b", Map.of(1L, "b", 2L, "b"))).isEmpty();
        // Concurrent writes: either may be last.
        Hist c = new Hist().write(0, 10, "a").write(0, 10, "b");
        assertThat(DurabilityCheck.check(1, c.ops, "a", Map.of())).isEmpty();
        // An unknown write may supersede an acknowledged one.
        Hist u = new Hist().write(0, 1, "a").writeUnknown(0, "z");
        assertThat(DurabilityCheck.check(1, u.ops, "z", Map.of())).isEmpty();
    }

    @Test
    void aLostAcknowledgedWriteIsReported() {
        Hist h = new Hist().write(0, 1, "a").write(2, 3, "b");
        assertThat(DurabilityCheck.check(1, h.ops, "a", Map.of())).singleElement().asString().contains("lost");
        assertThat(DurabilityCheck.check(1, h.ops, null, Map.of())).hasSize(2);
        assertThat(DurabilityCheck.check(1, new Hist().casOk(0, 1, "x", "y").ops, null, Map.of())).hasSize(1);
    }

    @Test
    void replicasMustAgreeAndValuesMustHaveBeenWritten() {
        Hist h = new Hist().write(0, 1, "a");
        assertThat(DurabilityCheck.check(1, h.ops, "a", Map.of(1L, "a", 2L, "old")))
                .singleElement().asString().contains("node 2 holds old");
        assertThat(DurabilityCheck.check(1, h.ops, "ghost", Map.of())).anyMatch(p -> p.contains("never written"));
    }
}
