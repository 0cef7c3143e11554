package dev.raftify.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** RaftConfig validation: every unusable or unsafe combination is refused with a message naming the setting. */
class RaftConfigTest {

    private static void refused(UnaryOperator<RaftConfig.Builder> b, String message) {
        assertThatThrownBy(() -> b.apply(RaftConfig.builder(1)).build())
                .isInstanceOf(RaftConfig.InvalidConfigException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void idZeroIsRefused() {
        assertThatThrownBy(() -> RaftConfig.builder(0).build()).isInstanceOf(RaftConfig.InvalidConfigException.class)
                .hasMessageContaining("id must not be 0");
    }

    @Test
    void tickSettingsAreValidated() {
        refused(b -> b.heartbeatTick(0), "heartbeatTick must be greater than 0, got 0");
        refused(b -> b.heartbeatTick(-1), "heartbeatTick must be greater than 0, got -1");
        refused(b -> b.electionTick(3).heartbeatTick(3), "electionTick (3) must be greater than heartbeatTick (3)");
        refused(b -> b.minElectionTick(9), "minElectionTick (9) must be at least electionTick (10)");
        refused(b -> b.minElectionTick(12).maxElectionTick(12), "maxElectionTick (12) must be greater than minElectionTick (12)");
        refused(b -> b.maxElectionTick(10), "maxElectionTick (10) must be greater than minElectionTick (10)");
    }

    @Test
    void sizeLimitsAreValidated() {
        refused(b -> b.maxInflightMsgs(0), "maxInflightMsgs must be greater than 0, got 0");
        refused(b -> b.maxInflightBytes(-1), "size limits must be positive");
        refused(b -> b.maxSizePerMsg(-1), "size limits must be positive");
        refused(b -> b.maxUncommittedSize(0), "maxUncommittedSize=0");
        refused(b -> b.maxCommittedSizePerReady(0), "maxCommittedSizePerReady=0");
        refused(b -> b.maxSizePerMsg(100).maxInflightBytes(99), "maxInflightBytes (99) must be at least maxSizePerMsg (100)");
        refused(b -> b.applied(-1), "applied must not be negative, got -1");
        assertThat(RaftConfig.builder(1).maxSizePerMsg(100).maxInflightBytes(100).build().maxInflightBytes())
                .isEqualTo(100);
    }

    @Test
    void leaseBasedReadsNeedCheckQuorum() {
        refused(b -> b.readOnlyOption(ReadOnlyOption.LEASE_BASED).checkQuorum(false),
                "readOnlyOption LEASE_BASED requires checkQuorum");
        RaftConfig ok = RaftConfig.builder(1).readOnlyOption(ReadOnlyOption.LEASE_BASED).build();
        assertThat(ok.readOnlyOption()).isEqualTo(ReadOnlyOption.LEASE_BASED);
    }

    @Test
    void defaultsAndDerivedValues() {
        RaftConfig c = RaftConfig.builder(7).build();
        assertThat(c.id()).isEqualTo(7);
        assertThat(c.electionTick()).isEqualTo(10);
        assertThat(c.heartbeatTick()).isEqualTo(3);
        assertThat(c.minElectionTick()).isEqualTo(10);
        assertThat(c.maxElectionTick()).isEqualTo(20);
        assertThat(c.preVote()).isTrue();
        assertThat(c.checkQuorum()).isTrue();
        assertThat(c.readOnlyOption()).isEqualTo(ReadOnlyOption.SAFE);
        assertThat(c.maxSizePerMsg()).isEqualTo(1024 * 1024);
        assertThat(c.maxInflightMsgs()).isEqualTo(256);
        assertThat(c.maxInflightBytes()).isZero();
        assertThat(c.maxUncommittedSize()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.maxCommittedSizePerReady()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.disableProposalForwarding()).isFalse();
        assertThat(c.applied()).isZero();
        // Zero sizes are allowed where documented.
        RaftConfig zeros = RaftConfig.builder(1).maxSizePerMsg(0).maxInflightBytes(0).build();
        assertThat(zeros.maxSizePerMsg()).isZero();
    }

    @Test
    void toBuilderRoundTripsEverySetting() {
        RaftConfig c = RaftConfig.builder(3).electionTick(20).heartbeatTick(4).minElectionTick(25)
                .maxElectionTick(30).applied(5).maxSizePerMsg(10).maxInflightMsgs(7).maxInflightBytes(100)
                .checkQuorum(true).preVote(false).readOnlyOption(ReadOnlyOption.LEASE_BASED).maxUncommittedSize(99)
                .maxCommittedSizePerReady(98).disableProposalForwarding(true).build();
        RaftConfig d = c.toBuilder().build();
        assertThat(d.toString()).isEqualTo(c.toString());
        assertThat(d.id()).isEqualTo(3);
        assertThat(d.minElectionTick()).isEqualTo(25);
        assertThat(d.maxElectionTick()).isEqualTo(30);
        assertThat(d.applied()).isEqualTo(5);
        assertThat(d.maxCommittedSizePerReady()).isEqualTo(98);
        assertThat(d.disableProposalForwarding()).isTrue();
        assertThat(d.preVote()).isFalse();
        assertThat(d.toString()).contains("electionTimeout=[25,30)");
    }
}
