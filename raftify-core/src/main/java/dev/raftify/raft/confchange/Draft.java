package dev.raftify.raft.confchange;

import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.raft.quorum.JointConfig;
import dev.raftify.raft.quorum.MajorityConfig;
import dev.raftify.raft.tracker.Progress;
import dev.raftify.raft.tracker.ProgressTracker;
import dev.raftify.raft.tracker.TrackerConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A membership being edited: copies of a tracker's id sets and progresses that the {@link Changer} rewrites,
 * checks, and turns into a {@link Changer.Result}. The tracker it was copied from is never touched.
 */
final class Draft {

    final TreeSet<Long> incoming;
    final TreeSet<Long> outgoing;
    final TreeSet<Long> learners;
    final TreeSet<Long> learnersNext;
    boolean autoLeave;
    final TreeMap<Long, Progress> progress = new TreeMap<>();

    private final long lastIndex;
    private final int maxInflightMsgs;
    private final long maxInflightBytes;

    Draft(ProgressTracker tracker, long lastIndex) {
        TrackerConfig cfg = tracker.config();
        this.incoming = new TreeSet<>(cfg.voters().incoming().ids());
        this.outgoing = new TreeSet<>(cfg.voters().outgoing().ids());
        this.learners = new TreeSet<>(cfg.learners());
        this.learnersNext = new TreeSet<>(cfg.learnersNext());
        this.autoLeave = cfg.autoLeave();
        tracker.progress().forEach((id, pr) -> progress.put(id, pr.copy()));
        this.lastIndex = lastIndex;
        this.maxInflightMsgs = tracker.maxInflightMsgs();
        this.maxInflightBytes = tracker.maxInflightBytes();
    }

    boolean isJoint() {
        return !outgoing.isEmpty();
    }

    /** Applies the changes in order; the last change of a node decides its fate. */
    void apply(List<ConfChangeSingle> changes) {
        for (ConfChangeSingle cc : changes) {
            // Node id 0 marks a change the application decided not to apply (etcd zeroes vetoed changes).
            if (cc.getNodeId() == 0) {
                continue;
            }
            switch (cc.getChangeType()) {
                case AddNode -> makeVoter(cc.getNodeId());
                case AddLearnerNode -> makeLearner(cc.getNodeId());
                case RemoveNode -> remove(cc.getNodeId());
                default -> throw new ConfChangeException("unexpected conf change type " + cc.getChangeTypeValue());
            }
        }
        if (incoming.isEmpty()) {
            throw new ConfChangeException("removed all voters");
        }
    }

    private void makeVoter(long id) {
        Progress pr = progress.get(id);
        if (pr == null) {
            addNew(id, false);
            return;
        }
        pr.setLearner(false);
        learners.remove(id);
        learnersNext.remove(id);
        incoming.add(id);
    }

    private void makeLearner(long id) {
        Progress pr = progress.get(id);
        if (pr == null) {
            addNew(id, true);
            return;
        }
        if (pr.isLearner()) {
            return;
        }
        // Stop it voting in the incoming config, but keep what the leader knows of its log.
        remove(id);
        progress.put(id, pr);
        // A node that still votes in the outgoing config can only turn learner once the joint config is left.
        if (outgoing.contains(id)) {
            learnersNext.add(id);
        } else {
            pr.setLearner(true);
            learners.add(id);
        }
    }

    private void remove(long id) {
        if (!progress.containsKey(id)) {
            return;
        }
        incoming.remove(id);
        learners.remove(id);
        learnersNext.remove(id);
        // An outgoing voter keeps replicating (and voting) until the joint config is left.
        if (!outgoing.contains(id)) {
            progress.remove(id);
        }
    }

    private void addNew(long id, boolean learner) {
        if (learner) {
            learners.add(id);
        } else {
            incoming.add(id);
        }
        // Probing from the last index means one append tells whether the new node already has the whole log (it
        // may have been seeded out of band); a node with an empty log rejects it and the probe walks back.
        Progress pr = new Progress(Math.max(lastIndex, 1), maxInflightMsgs, maxInflightBytes);
        pr.setLearner(learner);
        // Counted as active, so that a check-quorum right after the change does not depose the leader before the
        // new node had a chance to answer.
        pr.setRecentActive(true);
        progress.put(id, pr);
    }

    /** Moves the staged learners in, drops nodes that only the outgoing config held, and ends joint consensus. */
    void leaveJoint() {
        for (long id : learnersNext) {
            learners.add(id);
            progress.get(id).setLearner(true);
        }
        learnersNext.clear();
        for (long id : outgoing) {
            if (!incoming.contains(id) && !learners.contains(id)) {
                progress.remove(id);
            }
        }
        outgoing.clear();
        autoLeave = false;
    }

    /** Checks the rules every membership obeys, so that no change can build (or start from) a broken one. */
    void checkInvariants() {
        for (TreeSet<Long> ids : List.of(incoming, outgoing, learners, learnersNext)) {
            for (long id : ids) {
                if (!progress.containsKey(id)) {
                    throw new ConfChangeException("no progress for " + id);
                }
            }
        }
        for (long id : learnersNext) {
            if (!outgoing.contains(id)) {
                throw new ConfChangeException(id + " is in learners_next, but not an outgoing voter");
            }
            if (incoming.contains(id)) {
                throw new ConfChangeException(id + " is in learners_next and an incoming voter");
            }
            if (progress.get(id).isLearner()) {
                throw new ConfChangeException(id + " is in learners_next, but is already marked as learner");
            }
        }
        for (long id : learners) {
            if (outgoing.contains(id)) {
                throw new ConfChangeException(id + " is in learners and an outgoing voter");
            }
            if (incoming.contains(id)) {
                throw new ConfChangeException(id + " is in learners and an incoming voter");
            }
            if (!progress.get(id).isLearner()) {
                throw new ConfChangeException(id + " is in learners, but is not marked as learner");
            }
        }
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            boolean voter = incoming.contains(e.getKey()) || outgoing.contains(e.getKey());
            if (voter && e.getValue().isLearner()) {
                throw new ConfChangeException(e.getKey() + " is a voter, but is marked as learner");
            }
        }
        if (!isJoint()) {
            if (!learnersNext.isEmpty()) {
                throw new ConfChangeException("learners_next must be empty when not joint");
            }
            if (autoLeave) {
                throw new ConfChangeException("auto_leave must be false when not joint");
            }
        }
    }

    /** The checked membership, as an immutable config and its progresses. */
    Changer.Result toResult() {
        checkInvariants();
        JointConfig voters = new JointConfig(MajorityConfig.of(incoming), MajorityConfig.of(outgoing));
        return new Changer.Result(new TrackerConfig(voters, learners, learnersNext, autoLeave), progress);
    }
}
