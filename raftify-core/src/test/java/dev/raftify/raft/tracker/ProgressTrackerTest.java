package dev.raftify.raft.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftify.raft.quorum.JointConfig;
import dev.raftify.raft.quorum.MajorityConfig;
import dev.raftify.raft.quorum.VoteResult;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ProgressTrackerTest {

    private static ProgressTracker tracker(JointConfig voters, long... learners) {
        ProgressTracker t = new ProgressTracker(8, 0);
        List<Long> learnerList = java.util.Arrays.stream(learners).boxed().toList();
        SortedMap<Long, Progress> prs = new TreeMap<>();
        for (long id : voters.ids()) {
            prs.put(id, new Progress(1, 8, 0));
        }
        for (long id : learners) {
            Progress pr = new Progress(1, 8, 0);
            pr.setLearner(true);
            prs.put(id, pr);
        }
        t.reset(new TrackerConfig(voters, learnerList, List.of(), false), prs);
        return t;
    }

    private static JointConfig simple(long... ids) {
        return JointConfig.of(MajorityConfig.of(ids));
    }

    @Test
    void startsEmpty() {
        ProgressTracker t = new ProgressTracker(4, 100);
        assertThat(t.config()).isEqualTo(TrackerConfig.empty());
        assertThat(t.progress()).isEmpty();
        assertThat(t.committed()).isEqualTo(Long.MAX_VALUE);
        assertThat(t.isSingleton()).isFalse();
        assertThat(t.maxInflightMsgs()).isEqualTo(4);
        assertThat(t.maxInflightBytes()).isEqualTo(100);
        assertThat(t.get(1)).isNull();
    }

    @Test
    void committedFollowsVoterMatchIndexesOnly() {
        ProgressTracker t = tracker(simple(1, 2, 3), 4);
        t.get(1).maybeUpdate(10);
        t.get(2).maybeUpdate(7);
        t.get(4).maybeUpdate(100);
        assertThat(t.committed()).isEqualTo(7);
        t.get(3).maybeUpdate(8);
        assertThat(t.committed()).isEqualTo(8);
    }

    @Test
    void committedInJointConfigNeedsBothHalves() {
        ProgressTracker t = tracker(new JointConfig(MajorityConfig.of(1, 2, 3), MajorityConfig.of(3, 4, 5)));
        t.get(1).maybeUpdate(10);
        t.get(2).maybeUpdate(10);
        t.get(3).maybeUpdate(5);
        assertThat(t.committed()).isEqualTo(0);
        t.get(4).maybeUpdate(9);
        assertThat(t.committed()).isEqualTo(5);
        t.get(5).maybeUpdate(9);
        assertThat(t.committed()).isEqualTo(9);
    }

    @Test
    void quorumActiveIgnoresLearners() {
        ProgressTracker t = tracker(simple(1, 2, 3), 4, 5);
        t.get(1).setRecentActive(true);
        t.get(4).setRecentActive(true);
        t.get(5).setRecentActive(true);
        assertThat(t.quorumActive()).isFalse();
        t.get(3).setRecentActive(true);
        assertThat(t.quorumActive()).isTrue();
    }

    @Test
    void hasQuorum() {
        ProgressTracker t = tracker(new JointConfig(MajorityConfig.of(1, 2, 3), MajorityConfig.of(3, 4, 5)));
        assertThat(t.hasQuorum(Set.of(1L, 2L))).isFalse();
        assertThat(t.hasQuorum(Set.of(1L, 3L, 4L))).isTrue();
        assertThat(t.hasQuorum(Set.of(1L, 2L, 6L, 7L))).isFalse();
    }

    @Test
    void votesCountOncePerVoter() {
        ProgressTracker t = tracker(simple(1, 2, 3, 4, 5), 6);
        t.recordVote(1, true);
        t.recordVote(1, false);
        t.recordVote(6, true);
        t.recordVote(2, false);
        assertThat(t.tallyVotes()).isEqualTo(new TallyResult(1, 1, VoteResult.PENDING));
        t.recordVote(3, true);
        t.recordVote(4, true);
        assertThat(t.tallyVotes()).isEqualTo(new TallyResult(3, 1, VoteResult.WON));
        assertThat(t.votes()).containsOnlyKeys(1L, 2L, 3L, 4L, 6L);
        t.resetVotes();
        assertThat(t.tallyVotes()).isEqualTo(new TallyResult(0, 0, VoteResult.PENDING));
        t.recordVote(1, false);
        t.recordVote(2, false);
        t.recordVote(3, false);
        assertThat(t.tallyVotes()).isEqualTo(new TallyResult(0, 3, VoteResult.LOST));
    }

    @Test
    void jointVotesCountEachVoterOnce() {
        ProgressTracker t = tracker(new JointConfig(MajorityConfig.of(1, 2, 3), MajorityConfig.of(3, 4, 5)));
        t.recordVote(3, true);
        t.recordVote(1, true);
        assertThat(t.tallyVotes()).isEqualTo(new TallyResult(2, 0, VoteResult.PENDING));
        t.recordVote(4, true);
        assertThat(t.tallyVotes()).isEqualTo(new TallyResult(3, 0, VoteResult.WON));
    }

    @Test
    void membershipQueries() {
        ProgressTracker t = tracker(new JointConfig(MajorityConfig.of(1, 2), MajorityConfig.of(2, 3)), 7);
        assertThat(t.voterIds()).containsExactly(1L, 2L, 3L);
        assertThat(t.learnerIds()).containsExactly(7L);
        assertThat(t.isVoter(3)).isTrue();
        assertThat(t.isVoter(7)).isFalse();
        assertThat(t.progress().keySet()).containsExactly(1L, 2L, 3L, 7L);
        assertThat(t.confState().getVotersOutgoingList()).containsExactly(2L, 3L);
        assertThat(tracker(simple(4)).isSingleton()).isTrue();
        assertThat(tracker(simple(4), 5).isSingleton()).isTrue();
        assertThatThrownBy(() -> t.progress().remove(1L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void resetRejectsProgressThatDoesNotMatchTheMembers() {
        ProgressTracker t = new ProgressTracker(8, 0);
        TrackerConfig cfg = new TrackerConfig(simple(1, 2), List.of(3L), List.of(), false);
        SortedMap<Long, Progress> prs = new TreeMap<>();
        prs.put(1L, new Progress(1, 8, 0));
        prs.put(2L, new Progress(1, 8, 0));
        assertThatThrownBy(() -> t.reset(cfg, prs)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("does not match the members");
        Progress learner = new Progress(1, 8, 0);
        prs.put(3L, learner);
        assertThatThrownBy(() -> t.reset(cfg, prs)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("progress of 3 has learner=false");
        learner.setLearner(true);
        t.reset(cfg, prs);
        prs.remove(1L);
        assertThat(t.progress()).as("the map is copied").containsKey(1L);
    }
}
