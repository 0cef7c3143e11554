package dev.raftify.raft.confchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.raft.tracker.Progress;
import dev.raftify.raft.tracker.ProgressState;
import dev.raftify.raft.tracker.ProgressTracker;
import dev.raftify.raft.tracker.TrackerConfig;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ChangerTest {

    private static Changer.Result simple(ProgressTracker t, String changes) {
        return new Changer(t, 10).simple(ConfChanges.parse(changes));
    }

    private static Changer.Result enterJoint(ProgressTracker t, boolean autoLeave, String changes) {
        return new Changer(t, 10).enterJoint(autoLeave, ConfChanges.parse(changes));
    }

    @ParameterizedTest(name = "[{0}] + simple({1}) -> {2}")
    @CsvSource(delimiter = '|', value = {
        "            | v1          | voters=(1)",
        "v1          | v2          | voters=(1 2)",
        "v1 v2       | r2          | voters=(1)",
        "v1 v2 v3    | r2          | voters=(1 3)",
        // learners change freely, along with at most one voter
        "v1          | l2 l3 l4 v5 | voters=(1 5) learners=(2 3 4)",
        "v1 l2 l3    | r2 r3       | voters=(1)",
        // demoting a voter outside joint consensus makes it a learner at once
        "v1 v2 v3    | l3          | voters=(1 2) learners=(3)",
        // promoting a learner
        "v1 l2       | v2          | voters=(1 2)",
        // adding twice, learner twice, removing a non-member: no-ops
        "v1 v2       | v2          | voters=(1 2)",
        "v1 l2       | l2          | voters=(1) learners=(2)",
        "v1 v2       | r9          | voters=(1 2)",
        // the last change of a node decides; the net voter change counts
        "v1          | v2 r2       | voters=(1)",
        "v1          | v2 v3 r3    | voters=(1 2)",
        "v1          | v2 l2       | voters=(1) learners=(2)",
        "v1 v2       | r2 v2       | voters=(1 2)",
        // node id 0 marks a vetoed change and is skipped
        "v1          | v0 l0 r0    | voters=(1)",
        "v1 v2       | r1 v0       | voters=(2)",
    })
    void simpleChanges(String start, String changes, String expected) {
        ProgressTracker t = Trackers.of(start == null ? "" : start);
        assertThat(simple(t, changes).config().toString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{0}] + simple({1}) fails: {2}")
    @CsvSource(delimiter = '|', value = {
        "            | v1 v2       | more than one voter changed without entering joint config",
        "v1          | v2 v3       | more than one voter changed without entering joint config",
        "v1 v2 v3    | r1 r2       | more than one voter changed without entering joint config",
        "v1 v2 l3    | v3 r1       | more than one voter changed without entering joint config",
        "v1 v2       | l1 l2       | removed all voters",
        "v1          | r1          | removed all voters",
        "            | l1          | removed all voters",
        "            |             | removed all voters",
    })
    void simpleChangeErrors(String start, String changes, String message) {
        ProgressTracker t = Trackers.of(start == null ? "" : start);
        assertThatThrownBy(() -> simple(t, changes == null ? "" : changes))
            .isInstanceOf(ConfChangeException.class).hasMessage(message);
    }

    @Test
    void newNodesProbeFromTheLastIndexAndCountAsActive() {
        ProgressTracker t = Trackers.of("v1");
        Changer.Result r = new Changer(t, 10).simple(ConfChanges.parse("v2 l3"));
        for (long id : List.of(2L, 3L)) {
            Progress pr = r.progress().get(id);
            assertThat(pr.matchIndex()).isZero();
            assertThat(pr.nextIndex()).isEqualTo(10);
            assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
            assertThat(pr.isRecentActive()).isTrue();
            assertThat(pr.inflights().capacity()).isEqualTo(Trackers.MAX_INFLIGHT);
            assertThat(pr.inflights().maxBytes()).isEqualTo(Trackers.MAX_INFLIGHT_BYTES);
        }
        assertThat(r.progress().get(2L).isLearner()).isFalse();
        assertThat(r.progress().get(3L).isLearner()).isTrue();
        assertThat(new Changer(Trackers.empty(), 0).simple(ConfChanges.parse("v1")).progress().get(1L).nextIndex())
            .as("next stays above match 0 on an empty log").isEqualTo(1);
    }

    @Test
    void existingNodesKeepTheirProgress() {
        ProgressTracker t = Trackers.of("v1 v2 l3");
        t.get(2).maybeUpdate(7);
        t.get(3).maybeUpdate(5);
        Changer.Result promoted = simple(t, "v3");
        assertThat(promoted.progress().get(3L).matchIndex()).isEqualTo(5);
        assertThat(promoted.progress().get(3L).isLearner()).isFalse();
        Changer.Result demoted = simple(t, "l2");
        assertThat(demoted.progress().get(2L).matchIndex()).isEqualTo(7);
        assertThat(demoted.progress().get(2L).isLearner()).isTrue();
        assertThat(simple(t, "r2").progress()).doesNotContainKey(2L);
    }

    @Test
    void neverModifiesTheTracker() {
        ProgressTracker t = Trackers.of("v1 v2 l3");
        TrackerConfig before = t.config();
        Progress one = t.get(1);
        Changer.Result r = enterJoint(t, true, "r1 v4 l2");
        r.progress().get(1L).maybeUpdate(3);
        assertThat(t.config()).isEqualTo(before);
        assertThat(t.get(1)).isSameAs(one);
        assertThat(one.matchIndex()).isZero();
        assertThat(t.get(2).isLearner()).isFalse();
        assertThat(t.progress()).containsOnlyKeys(1L, 2L, 3L);
    }

    @ParameterizedTest(name = "[{0}] + enterJoint({1}, {2}) -> {3}")
    @CsvSource(delimiter = '|', value = {
        "v1 v2 v3    | false | v4 r1       | voters=(2 3 4)&&(1 2 3)",
        "v1 v2 v3    | true  | v4 v5 v6    | voters=(1 2 3 4 5 6)&&(1 2 3) autoleave",
        "v1 v2 v3    | false |             | voters=(1 2 3)&&(1 2 3)",
        "v1          | false | r1 v2       | voters=(2)&&(1)",
        // a voter turning learner is staged until the joint config is left
        "v1 v2 v3    | false | l3          | voters=(1 2)&&(1 2 3) learners_next=(3)",
        "v1 v2 v3    | true  | l3 l4       | voters=(1 2)&&(1 2 3) learners=(4) learners_next=(3) autoleave",
        // ... unless it changes its mind within the same change
        "v1 v2 v3    | false | l3 v3       | voters=(1 2 3)&&(1 2 3)",
        "v1 v2 v3    | false | l3 r3       | voters=(1 2)&&(1 2 3)",
        // a learner that is not an outgoing voter turns learner at once; promoting a learner
        "v1 v2 l3    | false | v3 r1       | voters=(2 3)&&(1 2)",
        "v1 v2 l3    | false | l4 r3       | voters=(1 2)&&(1 2) learners=(4)",
    })
    void enterJointChanges(String start, boolean autoLeave, String changes, String expected) {
        ProgressTracker t = Trackers.of(start);
        assertThat(enterJoint(t, autoLeave, changes == null ? "" : changes).config().toString()).isEqualTo(expected);
    }

    @Test
    void enterJointErrors() {
        assertThatThrownBy(() -> enterJoint(Trackers.empty(), false, "v1"))
            .isInstanceOf(ConfChangeException.class).hasMessage("can't make a zero-voter config joint");
        ProgressTracker t = Trackers.of("v1 v2 v3");
        assertThatThrownBy(() -> enterJoint(t, false, "r1 r2 r3"))
            .isInstanceOf(ConfChangeException.class).hasMessage("removed all voters");
        Trackers.install(t, enterJoint(t, false, "v4"));
        assertThatThrownBy(() -> enterJoint(t, false, "v5"))
            .isInstanceOf(ConfChangeException.class).hasMessage("config is already joint");
        assertThatThrownBy(() -> simple(t, "l5"))
            .isInstanceOf(ConfChangeException.class).hasMessage("can't apply simple config change in joint config");
    }

    @Test
    void leaveJointMovesStagedLearnersInAndDropsOutgoingOnlyNodes() {
        ProgressTracker t = Trackers.of("v1 v2 v3 l7");
        t.get(3).maybeUpdate(9);
        Trackers.install(t, enterJoint(t, true, "l3 r2 v4 r7"));
        assertThat(t.config().toString()).isEqualTo("voters=(1 4)&&(1 2 3) learners_next=(3) autoleave");
        assertThat(t.progress()).containsOnlyKeys(1L, 2L, 3L, 4L);
        assertThat(t.get(3).isLearner()).as("still votes in the outgoing config").isFalse();

        Changer.Result left = new Changer(t, 10).leaveJoint();
        assertThat(left.config().toString()).isEqualTo("voters=(1 4) learners=(3)");
        assertThat(left.progress()).containsOnlyKeys(1L, 3L, 4L);
        assertThat(left.progress().get(3L).isLearner()).isTrue();
        assertThat(left.progress().get(3L).matchIndex()).isEqualTo(9);
        assertThat(left.config().autoLeave()).isFalse();
    }

    @Test
    void leaveJointErrors() {
        assertThatThrownBy(() -> new Changer(Trackers.of("v1 v2"), 1).leaveJoint())
            .isInstanceOf(ConfChangeException.class).hasMessage("can't leave a non-joint config");
        assertThatThrownBy(() -> new Changer(Trackers.empty(), 1).leaveJoint())
            .isInstanceOf(ConfChangeException.class).hasMessage("can't leave a non-joint config");
    }

    @Test
    void applyDispatchesOnWhatTheChangeAsks() {
        ProgressTracker t = Trackers.of("v1 v2 v3");
        ConfChangeV2 single = ConfChangeV2.newBuilder().addChanges(ConfChanges.addNode(4)).build();
        assertThat(new Changer(t, 1).apply(single).config().toString()).isEqualTo("voters=(1 2 3 4)");

        ConfChangeV2 two = ConfChangeV2.newBuilder().addAllChanges(ConfChanges.parse("v4 v5")).build();
        assertThat(new Changer(t, 1).apply(two).config().toString())
            .isEqualTo("voters=(1 2 3 4 5)&&(1 2 3) autoleave");

        ConfChangeV2 explicit = single.toBuilder().setTransition(ConfChangeTransition.Explicit).build();
        Trackers.install(t, new Changer(t, 1).apply(explicit));
        assertThat(t.config().toString()).isEqualTo("voters=(1 2 3 4)&&(1 2 3)");

        ConfChangeV2 leave = ConfChangeV2.getDefaultInstance();
        assertThat(new Changer(t, 1).apply(leave).config().toString()).isEqualTo("voters=(1 2 3 4)");
    }

    @Test
    void unknownChangeType() {
        ConfChangeSingle odd = ConfChangeSingle.newBuilder().setChangeTypeValue(7).setNodeId(2).build();
        assertThatThrownBy(() -> new Changer(Trackers.of("v1"), 1).simple(List.of(odd)))
            .isInstanceOf(ConfChangeException.class).hasMessage("unexpected conf change type 7");
    }

    @Test
    void refusesToStartFromABrokenMembership() {
        ProgressTracker voterMarkedLearner = Trackers.of("v1 v2");
        voterMarkedLearner.get(1).setLearner(true);
        assertThatThrownBy(() -> simple(voterMarkedLearner, "v3"))
            .isInstanceOf(ConfChangeException.class).hasMessage("1 is a voter, but is marked as learner");

        ProgressTracker learnerNotMarked = Trackers.of("v1 l2");
        learnerNotMarked.get(2).setLearner(false);
        assertThatThrownBy(() -> simple(learnerNotMarked, "v3"))
            .isInstanceOf(ConfChangeException.class).hasMessage("2 is in learners, but is not marked as learner");

        ProgressTracker staged = Trackers.of("v1 v2 v3");
        Trackers.install(staged, enterJoint(staged, false, "l3"));
        staged.get(3).setLearner(true);
        assertThatThrownBy(() -> new Changer(staged, 1).leaveJoint())
            .isInstanceOf(ConfChangeException.class)
            .hasMessage("3 is in learners_next, but is already marked as learner");
    }
}
