package dev.raftify.cli.check;

import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.raft.confchange.Changer;
import dev.raftify.raft.confchange.ConfChangeException;
import dev.raftify.raft.confchange.Restorer;
import dev.raftify.raft.tracker.ProgressTracker;

/**
 * Replays membership changes with the consensus core's own {@link Changer}, so that {@code check} judges a log's
 * conf changes by exactly the rules the node applied them with.
 */
final class MembershipReplay {
    // Progress limits play no part in membership; any legal values do.
    private static final int INFLIGHT_MSGS = 256;

    private final ProgressTracker tracker = new ProgressTracker(INFLIGHT_MSGS, 0);

    /**
     * @param start the membership the replay starts from (a snapshot's)
     * @throws ConfChangeException if {@code start} is not a membership changes can produce
     */
    MembershipReplay(ConfState start) {
        Changer.Result r = Restorer.restore(start, 0, INFLIGHT_MSGS, 0);
        tracker.reset(r.config(), r.progress());
    }

    /**
     * Applies one change.
     *
     * @throws ConfChangeException if the change is illegal from the current membership
     */
    ConfState apply(long index, ConfChangeV2 cc) {
        Changer.Result r = new Changer(tracker, index).apply(cc);
        tracker.reset(r.config(), r.progress());
        return current();
    }

    ConfState current() {
        return tracker.config().toConfState();
    }
}
