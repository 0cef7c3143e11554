package dev.raftify.raft.tracker;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.raft.quorum.JointConfig;
import dev.raftify.raft.quorum.MajorityConfig;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An immutable cluster membership: the voters (possibly joint), the learners, the outgoing voters that become
 * learners when the joint config is left, and whether it is left automatically.
 *
 * <p>The constructor rejects memberships that cannot be reached by configuration changes (a learner that also
 * votes, for instance); {@code dev.raftify.raft.confchange} reports the same problems with precise messages
 * before they get here.
 */
public final class TrackerConfig {

    private static final TrackerConfig EMPTY = new TrackerConfig(JointConfig.empty(), List.of(), List.of(), false);

    private final JointConfig voters;
    private final SortedSet<Long> learners;
    private final SortedSet<Long> learnersNext;
    private final boolean autoLeave;

    /**
     * @param voters       the voters; joint while its outgoing half is non-empty
     * @param learners     the learners: never voters in either half
     * @param learnersNext voters of the outgoing half that become learners once the joint config is left; only
     *                     while joint, and never incoming voters or learners
     * @param autoLeave    whether the joint config is left without an explicit request; only while joint
     * @throws IllegalArgumentException when the combination is not a legal membership
     */
    public TrackerConfig(JointConfig voters, Collection<Long> learners, Collection<Long> learnersNext,
                         boolean autoLeave) {
        this.voters = Objects.requireNonNull(voters, "voters");
        this.learners = sortedIds(learners);
        this.learnersNext = sortedIds(learnersNext);
        this.autoLeave = autoLeave;
        validate();
    }

    /** The membership without any node: where a node starts before it learns its configuration. */
    public static TrackerConfig empty() {
        return EMPTY;
    }

    private void validate() {
        for (long id : learners) {
            if (voters.contains(id)) {
                throw new IllegalArgumentException("learner " + id + " can't be a voter in " + voters);
            }
        }
        for (long id : learnersNext) {
            if (!voters.outgoing().contains(id)) {
                throw new IllegalArgumentException(
                    "learner_next " + id + " must be an outgoing voter, outgoing is " + voters.outgoing());
            }
            if (voters.incoming().contains(id)) {
                throw new IllegalArgumentException(
                    "learner_next " + id + " can't be an incoming voter in " + voters.incoming());
            }
            if (learners.contains(id)) {
                throw new IllegalArgumentException("learner_next " + id + " can't also be a learner");
            }
        }
        if (!voters.isJoint() && autoLeave) {
            throw new IllegalArgumentException("auto_leave must be false when not joint");
        }
    }

    public JointConfig voters() {
        return voters;
    }

    /** The learners, ascending; unmodifiable. */
    public SortedSet<Long> learners() {
        return learners;
    }

    /** The outgoing voters that turn into learners when the joint config is left, ascending; unmodifiable. */
    public SortedSet<Long> learnersNext() {
        return learnersNext;
    }

    /** Whether the joint config is to be left automatically, without the application asking. */
    public boolean autoLeave() {
        return autoLeave;
    }

    public boolean isJoint() {
        return voters.isJoint();
    }

    /** This membership in the form that is stored in snapshots and reported to the application, ids ascending. */
    public ConfState toConfState() {
        return ConfState.newBuilder()
            .addAllVoters(voters.incoming().ids())
            .addAllLearners(learners)
            .addAllVotersOutgoing(voters.outgoing().ids())
            .addAllLearnersNext(learnersNext)
            .setAutoLeave(autoLeave)
            .build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackerConfig other
            && voters.equals(other.voters)
            && learners.equals(other.learners)
            && learnersNext.equals(other.learnersNext)
            && autoLeave == other.autoLeave;
    }

    @Override
    public int hashCode() {
        return Objects.hash(voters, learners, learnersNext, autoLeave);
    }

    /** As etcd prints it, e.g. {@code voters=(1 2 3)&&(1 2) learners=(4) learners_next=(5) autoleave}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("voters=").append(voters);
        if (!learners.isEmpty()) {
            sb.append(" learners=").append(MajorityConfig.format(learners));
        }
        if (!learnersNext.isEmpty()) {
            sb.append(" learners_next=").append(MajorityConfig.format(learnersNext));
        }
        if (autoLeave) {
            sb.append(" autoleave");
        }
        return sb.toString();
    }

    private static SortedSet<Long> sortedIds(Collection<Long> ids) {
        TreeSet<Long> set = new TreeSet<>();
        for (Long id : Objects.requireNonNull(ids, "ids")) {
            if (id == null || id == 0) {
                throw new IllegalArgumentException("node id must be non-zero, got " + id);
            }
            set.add(id);
        }
        return Collections.unmodifiableSortedSet(set);
    }
}
