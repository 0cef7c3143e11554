package dev.raftify.raft.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.raft.quorum.JointConfig;
import dev.raftify.raft.quorum.MajorityConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackerConfigTest {

    private static final JointConfig JOINT = new JointConfig(MajorityConfig.of(1, 2, 3), MajorityConfig.of(1, 2, 5));

    @Test
    void toStringAsEtcd() {
        TrackerConfig cfg = new TrackerConfig(JOINT, List.of(4L), List.of(5L), true);
        assertThat(cfg.toString()).isEqualTo("voters=(1 2 3)&&(1 2 5) learners=(4) learners_next=(5) autoleave");
        assertThat(TrackerConfig.empty().toString()).isEqualTo("voters=()");
        assertThat(new TrackerConfig(JointConfig.of(MajorityConfig.of(2, 1)), List.of(), List.of(), false).toString())
            .isEqualTo("voters=(1 2)");
    }

    @Test
    void toConfStateSortsEveryList() {
        TrackerConfig cfg = new TrackerConfig(JOINT, List.of(9L, 4L), List.of(5L), true);
        assertThat(cfg.toConfState()).isEqualTo(ConfState.newBuilder()
            .addAllVoters(List.of(1L, 2L, 3L))
            .addAllLearners(List.of(4L, 9L))
            .addAllVotersOutgoing(List.of(1L, 2L, 5L))
            .addAllLearnersNext(List.of(5L))
            .setAutoLeave(true)
            .build());
        assertThat(TrackerConfig.empty().toConfState()).isEqualTo(ConfState.getDefaultInstance());
    }

    @Test
    void equality() {
        TrackerConfig a = new TrackerConfig(JOINT, List.of(4L), List.of(5L), true);
        assertThat(a).isEqualTo(new TrackerConfig(JOINT, List.of(4L), List.of(5L), true))
            .hasSameHashCodeAs(new TrackerConfig(JOINT, List.of(4L), List.of(5L), true))
            .isNotEqualTo(new TrackerConfig(JOINT, List.of(4L), List.of(5L), false))
            .isNotEqualTo(new TrackerConfig(JOINT, List.of(4L), List.of(), true))
            .isNotEqualTo(new TrackerConfig(JOINT, List.of(), List.of(5L), true));
    }

    @Test
    void rejectsIllegalMemberships() {
        JointConfig simple = JointConfig.of(MajorityConfig.of(1, 2, 3));
        assertThatThrownBy(() -> new TrackerConfig(simple, List.of(2L), List.of(), false))
            .hasMessage("learner 2 can't be a voter in (1 2 3)");
        assertThatThrownBy(() -> new TrackerConfig(JOINT, List.of(5L), List.of(), false))
            .hasMessage("learner 5 can't be a voter in (1 2 3)&&(1 2 5)");
        assertThatThrownBy(() -> new TrackerConfig(JOINT, List.of(), List.of(4L), false))
            .hasMessage("learner_next 4 must be an outgoing voter, outgoing is (1 2 5)");
        assertThatThrownBy(() -> new TrackerConfig(JOINT, List.of(), List.of(1L), false))
            .hasMessage("learner_next 1 can't be an incoming voter in (1 2 3)");
        assertThatThrownBy(() -> new TrackerConfig(simple, List.of(), List.of(3L), false))
            .hasMessage("learner_next 3 must be an outgoing voter, outgoing is ()");
        assertThatThrownBy(() -> new TrackerConfig(simple, List.of(), List.of(), true))
            .hasMessage("auto_leave must be false when not joint");
        assertThatThrownBy(() -> new TrackerConfig(simple, List.of(0L), List.of(), false))
            .hasMessage("node id must be non-zero, got 0");
    }
}
