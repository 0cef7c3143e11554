package dev.raftify.raft.confchange;

import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.raft.quorum.JointConfig;
import dev.raftify.raft.quorum.MajorityConfig;
import dev.raftify.raft.tracker.ProgressTracker;
import dev.raftify.raft.tracker.TrackerConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rebuilds a membership and fresh progresses from a {@link ConfState} (from a snapshot or storage), by replaying
 * configuration changes from an empty config, so that a restored membership obeys exactly the rules a changed
 * one does.
 */
public final class Restorer {

    private Restorer() {
    }

    /**
     * The membership {@code cs} describes, each member probed from {@code lastIndex}.
     *
     * <p>A joint ConfState, say {@code (1 2 3)&&(2 3 4)}, is rebuilt by first adding the outgoing voters one by one
     * with simple changes, giving {@code (2 3 4)}, then entering joint consensus with changes that remove them and
     * add the incoming voters and the learners.
     *
     * @throws ConfChangeException when {@code cs} is not a membership that configuration changes can produce
     */
    public static Changer.Result restore(ConfState cs, long lastIndex, int maxInflightMsgs, long maxInflightBytes) {
        TrackerConfig expected = validate(cs);
        ProgressTracker scratch = new ProgressTracker(maxInflightMsgs, maxInflightBytes);
        Changer.Result result = new Changer.Result(scratch.config(), scratch.progress());
        List<ConfChangeSingle> incoming = new ArrayList<>();
        for (long id : cs.getVotersOutgoingList()) {
            result = install(scratch, new Changer(scratch, lastIndex).simple(List.of(ConfChanges.addNode(id))));
            incoming.add(ConfChanges.removeNode(id));
        }
        cs.getVotersList().forEach(id -> incoming.add(ConfChanges.addNode(id)));
        cs.getLearnersList().forEach(id -> incoming.add(ConfChanges.addLearner(id)));
        cs.getLearnersNextList().forEach(id -> incoming.add(ConfChanges.addLearner(id)));
        if (cs.getVotersOutgoingCount() == 0) {
            // Not joint: one simple change at a time, each adding a single voter or learner.
            for (ConfChangeSingle cc : incoming) {
                result = install(scratch, new Changer(scratch, lastIndex).simple(List.of(cc)));
            }
        } else {
            result = install(scratch, new Changer(scratch, lastIndex).enterJoint(cs.getAutoLeave(), incoming));
        }
        if (!result.config().equals(expected)) {
            throw new IllegalStateException("restoring " + expected + " produced " + result.config());
        }
        return result;
    }

    private static Changer.Result install(ProgressTracker scratch, Changer.Result result) {
        scratch.reset(result.config(), result.progress());
        return result;
    }

    /** The config {@code cs} describes, if it is a legal one: replaying the changes must arrive there. */
    private static TrackerConfig validate(ConfState cs) {
        requireDistinct("voters", cs.getVotersList());
        requireDistinct("learners", cs.getLearnersList());
        requireDistinct("voters_outgoing", cs.getVotersOutgoingList());
        requireDistinct("learners_next", cs.getLearnersNextList());
        try {
            JointConfig voters = new JointConfig(
                MajorityConfig.of(cs.getVotersList()), MajorityConfig.of(cs.getVotersOutgoingList()));
            return new TrackerConfig(voters, cs.getLearnersList(), cs.getLearnersNextList(), cs.getAutoLeave());
        } catch (IllegalArgumentException e) {
            throw new ConfChangeException(e.getMessage());
        }
    }

    private static void requireDistinct(String field, List<Long> ids) {
        Set<Long> seen = new HashSet<>();
        for (Long id : ids) {
            if (!seen.add(id)) {
                throw new ConfChangeException("duplicate id " + id + " in " + field);
            }
        }
    }
}
