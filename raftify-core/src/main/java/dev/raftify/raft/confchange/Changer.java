package dev.raftify.raft.confchange;

import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.raft.tracker.Progress;
import dev.raftify.raft.tracker.ProgressTracker;
import dev.raftify.raft.tracker.TrackerConfig;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Computes the membership that results from a configuration change, from a tracker's current membership. It
 * reads the tracker and never modifies it: the result holds a new config and copies of the progresses, which the
 * caller installs with {@link ProgressTracker#reset}. A change that breaks a rule throws
 * {@link ConfChangeException} instead.
 *
 * <p>Three operations exist, as in etcd: {@link #simple} changes at most one voter and is safe without joint
 * consensus; {@link #enterJoint} makes the current voters the outgoing half and applies any number of changes to
 * the incoming half; {@link #leaveJoint} drops the outgoing half.
 */
public final class Changer {

    /** The membership after a change, and the progress of each member (new members start probing). */
    public record Result(TrackerConfig config, SortedMap<Long, Progress> progress) {

        public Result {
            Objects.requireNonNull(config, "config");
            progress = Collections.unmodifiableSortedMap(new TreeMap<>(progress));
        }
    }

    private final ProgressTracker tracker;
    private final long lastIndex;

    /**
     * @param tracker   the current membership and progresses
     * @param lastIndex the leader's last log index: nodes added by the change are probed from there
     */
    public Changer(ProgressTracker tracker, long lastIndex) {
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        this.lastIndex = lastIndex;
    }

    /** Applies a change the way it asks to be applied: leaving, entering joint consensus, or simply. */
    public Result apply(ConfChangeV2 cc) {
        if (ConfChanges.leaveJoint(cc)) {
            return leaveJoint();
        }
        if (ConfChanges.enterJoint(cc)) {
            return enterJoint(ConfChanges.autoLeave(cc), cc.getChangesList());
        }
        return simple(cc.getChangesList());
    }

    /**
     * Enters joint consensus: the current voters become the outgoing half, and {@code changes} apply to the
     * incoming half. Voters that turn learner are staged in learners_next until the joint config is left.
     *
     * @param autoLeave whether the joint config is to be left without the application asking
     */
    public Result enterJoint(boolean autoLeave, List<ConfChangeSingle> changes) {
        Draft draft = start();
        if (draft.isJoint()) {
            throw new ConfChangeException("config is already joint");
        }
        if (draft.incoming.isEmpty()) {
            // Bootstrapping adds voters to an empty config with simple changes; a joint half without voters would
            // decide nothing.
            throw new ConfChangeException("can't make a zero-voter config joint");
        }
        draft.outgoing.addAll(draft.incoming);
        draft.apply(changes);
        draft.autoLeave = autoLeave;
        return draft.toResult();
    }

    /** Leaves joint consensus: the incoming half alone decides, and staged learners become learners. */
    public Result leaveJoint() {
        Draft draft = start();
        if (!draft.isJoint()) {
            throw new ConfChangeException("can't leave a non-joint config");
        }
        draft.leaveJoint();
        return draft.toResult();
    }

    /**
     * Applies {@code changes} without joint consensus. Any two majorities of configs that differ by one voter
     * intersect, which is what makes this safe; so at most one voter may be added or removed, while learners may
     * change freely.
     */
    public Result simple(List<ConfChangeSingle> changes) {
        Draft draft = start();
        if (draft.isJoint()) {
            throw new ConfChangeException("can't apply simple config change in joint config");
        }
        draft.apply(changes);
        if (symmetricDifference(tracker.config().voters().incoming().ids(), draft.incoming) > 1) {
            throw new ConfChangeException("more than one voter changed without entering joint config");
        }
        return draft.toResult();
    }

    private static int symmetricDifference(Set<Long> a, Set<Long> b) {
        int n = 0;
        for (Long id : a) {
            n += b.contains(id) ? 0 : 1;
        }
        for (Long id : b) {
            n += a.contains(id) ? 0 : 1;
        }
        return n;
    }

    private Draft start() {
        Draft draft = new Draft(tracker, lastIndex);
        draft.checkInvariants();
        return draft;
    }
}
