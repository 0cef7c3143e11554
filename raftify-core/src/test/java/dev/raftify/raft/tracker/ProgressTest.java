package dev.raftify.raft.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProgressTest {

    private static Progress progress(ProgressState state, long match, long next) {
        Progress pr = new Progress(next, 256, 0);
        switch (state) {
            case PROBE -> pr.becomeProbe();
            case REPLICATE -> pr.becomeReplicate();
            case SNAPSHOT -> pr.becomeSnapshot(next - 1);
        }
        pr.setMatchIndex(match);
        pr.setNextIndex(next);
        return pr;
    }

    @Test
    void startsProbingWithNothingMatched() {
        Progress pr = new Progress(7, 4, 100);
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        assertThat(pr.matchIndex()).isZero();
        assertThat(pr.nextIndex()).isEqualTo(7);
        assertThat(pr.isPaused()).isFalse();
        assertThat(pr.isRecentActive()).isFalse();
        assertThat(pr.isLearner()).isFalse();
        assertThat(pr.inflights().capacity()).isEqualTo(4);
        assertThat(pr.inflights().maxBytes()).isEqualTo(100);
    }

    @Test
    void becomeProbeFromReplicateRestartsAfterMatch() {
        Progress pr = progress(ProgressState.REPLICATE, 1, 5);
        pr.sentEntries(2, 10);
        pr.setProbeSent(true);
        pr.becomeProbe();
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        assertThat(pr.nextIndex()).isEqualTo(2);
        assertThat(pr.inflights().count()).isZero();
        assertThat(pr.isProbeSent()).isFalse();
    }

    @Test
    void becomeProbeFromSnapshotRestartsAfterTheSnapshot() {
        Progress pr = progress(ProgressState.PROBE, 1, 2);
        pr.becomeSnapshot(10);
        pr.becomeProbe();
        assertThat(pr.nextIndex()).isEqualTo(11);
        assertThat(pr.pendingSnapshot()).isZero();

        // Already past the snapshot: restart after the match.
        pr = progress(ProgressState.PROBE, 1, 2);
        pr.becomeSnapshot(10);
        pr.maybeUpdate(15);
        pr.becomeProbe();
        assertThat(pr.nextIndex()).isEqualTo(16);

        // A failed snapshot: restart after the match.
        pr = progress(ProgressState.PROBE, 1, 2);
        pr.becomeSnapshot(10);
        pr.snapshotFailure();
        pr.becomeProbe();
        assertThat(pr.nextIndex()).isEqualTo(2);
    }

    @Test
    void becomeReplicateStartsAfterMatch() {
        Progress pr = progress(ProgressState.PROBE, 3, 9);
        pr.setProbeSent(true);
        pr.becomeReplicate();
        assertThat(pr.state()).isEqualTo(ProgressState.REPLICATE);
        assertThat(pr.nextIndex()).isEqualTo(4);
        assertThat(pr.isPaused()).isFalse();
    }

    @Test
    void becomeSnapshotPausesUntilTheSnapshotIsIn() {
        Progress pr = progress(ProgressState.REPLICATE, 3, 9);
        pr.sentEntries(1, 1);
        pr.becomeSnapshot(20);
        assertThat(pr.state()).isEqualTo(ProgressState.SNAPSHOT);
        assertThat(pr.pendingSnapshot()).isEqualTo(20);
        assertThat(pr.nextIndex()).isEqualTo(21);
        assertThat(pr.inflights().count()).isZero();
        assertThat(pr.isPaused()).isTrue();
        assertThat(pr.isSnapshotCaughtUp()).isFalse();
        pr.maybeUpdate(19);
        assertThat(pr.isSnapshotCaughtUp()).isFalse();
        pr.maybeUpdate(20);
        assertThat(pr.isSnapshotCaughtUp()).isTrue();
        assertThat(progress(ProgressState.PROBE, 30, 31).isSnapshotCaughtUp()).as("only in SNAPSHOT").isFalse();
    }

    @Test
    void resetStateClearsPauseSnapshotAndInflights() {
        Progress pr = progress(ProgressState.REPLICATE, 3, 4);
        pr.sentEntries(1, 5);
        pr.setProbeSent(true);
        pr.setPendingSnapshot(9);
        pr.resetState(ProgressState.PROBE);
        assertThat(pr.isProbeSent()).isFalse();
        assertThat(pr.pendingSnapshot()).isZero();
        assertThat(pr.inflights().count()).isZero();
        assertThat(pr.nextIndex()).isEqualTo(5);
        assertThat(pr.matchIndex()).isEqualTo(3);
    }

    @Test
    void resetStartsOverAsANewLeaderDoes() {
        Progress pr = progress(ProgressState.REPLICATE, 3, 4);
        pr.setLearner(true);
        pr.setRecentActive(true);
        pr.setPendingRequestSnapshot(2);
        pr.updateCommitted(3);
        pr.reset(11);
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        assertThat(pr.matchIndex()).isZero();
        assertThat(pr.nextIndex()).isEqualTo(11);
        assertThat(pr.isRecentActive()).isFalse();
        assertThat(pr.pendingRequestSnapshot()).isZero();
        assertThat(pr.isLearner()).isTrue();
        assertThat(pr.committedIndex()).isEqualTo(3);
    }

    @ParameterizedTest(name = "match={0} next={1} update({2}) -> {3}, match={4} next={5}")
    @CsvSource({
        // stale and duplicate acknowledgements change nothing
        "5, 10, 4, false, 5, 10",
        "5, 10, 5, false, 5, 10",
        // match advances, next stays ahead
        "5, 10, 6, true, 6, 10",
        "5, 10, 9, true, 9, 10",
        // next is pulled past the match
        "5, 10, 10, true, 10, 11",
        "5, 10, 20, true, 20, 21",
    })
    void maybeUpdate(long match, long next, long index, boolean advanced, long wantMatch, long wantNext) {
        Progress pr = progress(ProgressState.PROBE, match, next);
        pr.setProbeSent(true);
        assertThat(pr.maybeUpdate(index)).isEqualTo(advanced);
        assertThat(pr.matchIndex()).isEqualTo(wantMatch);
        assertThat(pr.nextIndex()).isEqualTo(wantNext);
        assertThat(pr.isProbeSent()).as("an acknowledgement that advances resumes probing").isEqualTo(!advanced);
    }

    @Test
    void optimisticUpdate() {
        Progress pr = progress(ProgressState.REPLICATE, 5, 6);
        pr.optimisticUpdate(9);
        assertThat(pr.nextIndex()).isEqualTo(10);
        assertThat(pr.matchIndex()).isEqualTo(5);
    }

    @ParameterizedTest(name = "{0} match={1} next={2} reject({3}, hint {4}) -> {5}, next={6}")
    @CsvSource({
        // REPLICATE: rejections at or below the match are stale
        "REPLICATE, 5, 10, 5, 5, false, 10",
        "REPLICATE, 5, 10, 4, 4, false, 10",
        // REPLICATE: a current rejection goes back to match + 1, whatever the hint
        "REPLICATE, 5, 10, 9, 9, true, 6",
        "REPLICATE, 5, 10, 9, 2, true, 6",
        "REPLICATE, 0, 10, 9, 9, true, 1",
        // PROBE: only the answer to the latest probe (next - 1) counts
        "PROBE, 0, 10, 5, 5, false, 10",
        "PROBE, 0, 10, 10, 5, false, 10",
        // PROBE: next goes to min(rejected, hint + 1)
        "PROBE, 0, 10, 9, 9, true, 9",
        "PROBE, 0, 10, 9, 4, true, 5",
        "PROBE, 0, 10, 9, 0, true, 1",
        "PROBE, 0, 2, 1, 0, true, 1",
        // PROBE: never at or below the match
        "PROBE, 5, 10, 9, 2, true, 6",
        // SNAPSHOT behaves as PROBE
        "SNAPSHOT, 0, 10, 9, 3, true, 4",
        "SNAPSHOT, 0, 10, 8, 3, false, 10",
    })
    void maybeDecrTo(ProgressState state, long match, long next, long rejected, long hint, boolean taken,
                     long wantNext) {
        Progress pr = progress(state, match, next);
        pr.setProbeSent(true);
        assertThat(pr.maybeDecrTo(rejected, hint, 0)).isEqualTo(taken);
        assertThat(pr.nextIndex()).isEqualTo(wantNext);
        assertThat(pr.matchIndex()).isEqualTo(match);
        if (taken && state != ProgressState.REPLICATE) {
            assertThat(pr.isProbeSent()).as("a current rejection resumes probing").isFalse();
        }
        if (!taken) {
            assertThat(pr.isProbeSent()).as("a stale rejection leaves the probe outstanding").isTrue();
        }
        assertThat(pr.pendingRequestSnapshot()).isZero();
    }

    @Test
    void snapshotRequestInReplicate() {
        Progress pr = progress(ProgressState.REPLICATE, 5, 10);
        assertThat(pr.maybeDecrTo(4, 4, 7)).as("below the match: stale even with a request").isFalse();
        assertThat(pr.maybeDecrTo(5, 5, 7)).as("at the match: a request is not stale").isTrue();
        assertThat(pr.pendingRequestSnapshot()).isEqualTo(7);
        assertThat(pr.nextIndex()).as("next is kept while a snapshot is requested").isEqualTo(10);
    }

    @Test
    void snapshotRequestInProbe() {
        Progress pr = progress(ProgressState.PROBE, 0, 10);
        pr.setProbeSent(true);
        assertThat(pr.maybeDecrTo(3, 3, 8)).as("honoured whichever append it answers").isTrue();
        assertThat(pr.pendingRequestSnapshot()).isEqualTo(8);
        assertThat(pr.nextIndex()).isEqualTo(10);
        assertThat(pr.isProbeSent()).isFalse();
        assertThat(pr.maybeDecrTo(3, 3, 9)).isTrue();
        assertThat(pr.pendingRequestSnapshot()).as("the first request stands").isEqualTo(8);
    }

    @Test
    void isPausedByState() {
        Progress probe = progress(ProgressState.PROBE, 0, 1);
        assertThat(probe.isPaused()).isFalse();
        probe.sentEntries(0, 0);
        assertThat(probe.isPaused()).as("an empty append is not this interval's probe").isFalse();
        probe.sentEntries(3, 30);
        assertThat(probe.isPaused()).isTrue();
        assertThat(probe.nextIndex()).as("probing does not move next").isEqualTo(1);
        assertThat(probe.inflights().count()).isZero();
        probe.maybeUpdate(1);
        assertThat(probe.isPaused()).isFalse();

        Progress replicate = new Progress(1, 2, 0);
        replicate.becomeReplicate();
        replicate.setProbeSent(true);
        assertThat(replicate.isPaused()).as("REPLICATE ignores the probe flag").isFalse();
        replicate.sentEntries(2, 10);
        assertThat(replicate.isPaused()).isFalse();
        replicate.sentEntries(1, 10);
        assertThat(replicate.isPaused()).isTrue();
        replicate.inflights().freeTo(2);
        assertThat(replicate.isPaused()).isFalse();

        assertThat(progress(ProgressState.SNAPSHOT, 0, 5).isPaused()).isTrue();
    }

    @Test
    void sentEntriesInReplicateMovesNextAndFillsTheWindow() {
        Progress pr = new Progress(1, 10, 0);
        pr.becomeReplicate();
        pr.sentEntries(3, 30);
        pr.sentEntries(0, 0);
        pr.sentEntries(2, 20);
        assertThat(pr.nextIndex()).isEqualTo(6);
        assertThat(pr.inflights().count()).isEqualTo(2);
        assertThat(pr.inflights().bytes()).isEqualTo(50);
        pr.inflights().freeTo(3);
        assertThat(pr.inflights().count()).isEqualTo(1);
        assertThat(pr.inflights().bytes()).isEqualTo(20);
    }

    @Test
    void sentEntriesInSnapshotIsABug() {
        Progress pr = progress(ProgressState.SNAPSHOT, 0, 5);
        assertThatThrownBy(() -> pr.sentEntries(1, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void updateCommittedOnlyRaises() {
        Progress pr = new Progress(1, 1, 0);
        pr.updateCommitted(5);
        pr.updateCommitted(3);
        assertThat(pr.committedIndex()).isEqualTo(5);
    }

    @Test
    void copyIsIndependent() {
        Progress pr = new Progress(1, 10, 0);
        pr.becomeReplicate();
        pr.sentEntries(1, 1);
        pr.setLearner(true);
        pr.setRecentActive(true);
        Progress copy = pr.copy();
        pr.sentEntries(1, 1);
        pr.setMatchIndex(1);
        assertThat(copy.inflights().count()).isEqualTo(1);
        assertThat(copy.nextIndex()).isEqualTo(2);
        assertThat(copy.matchIndex()).isZero();
        assertThat(copy.isLearner()).isTrue();
        assertThat(copy.isRecentActive()).isTrue();
        assertThat(copy.state()).isEqualTo(ProgressState.REPLICATE);
    }

    @Test
    void toStringShowsTheState() {
        Progress pr = new Progress(1, 1, 0);
        pr.becomeReplicate();
        pr.sentEntries(1, 1);
        pr.setLearner(true);
        assertThat(pr.toString()).isEqualTo("REPLICATE match=0 next=2 learner paused inactive inflight=1[full]");
    }
}
