package dev.raftify.raft.quorum;

import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An immutable pair of majority configs, both of which must agree: the configuration used during joint consensus.
 *
 * <p>Outside joint consensus the outgoing half is empty, and an empty half neither blocks a commit (its committed
 * index is {@link Long#MAX_VALUE}) nor an election (it always wins), so a non-joint config behaves as its incoming
 * half alone.
 */
public final class JointConfig {

    private static final JointConfig EMPTY = new JointConfig(MajorityConfig.empty(), MajorityConfig.empty());

    private final MajorityConfig incoming;
    private final MajorityConfig outgoing;
    private final SortedSet<Long> ids;

    public JointConfig(MajorityConfig incoming, MajorityConfig outgoing) {
        if (incoming == null || outgoing == null) {
            throw new IllegalArgumentException("both halves are required (use MajorityConfig.empty())");
        }
        this.incoming = incoming;
        this.outgoing = outgoing;
        TreeSet<Long> union = new TreeSet<>(incoming.ids());
        union.addAll(outgoing.ids());
        this.ids = Collections.unmodifiableSortedSet(union);
    }

    /** A non-joint config of the given voters. */
    public static JointConfig of(MajorityConfig incoming) {
        return new JointConfig(incoming, MajorityConfig.empty());
    }

    /** The config without voters. */
    public static JointConfig empty() {
        return EMPTY;
    }

    /** The new configuration (the only one outside joint consensus). */
    public MajorityConfig incoming() {
        return incoming;
    }

    /** The configuration being left during joint consensus; empty otherwise. */
    public MajorityConfig outgoing() {
        return outgoing;
    }

    /** Whether this is a joint configuration, that is, whether the outgoing half has voters. */
    public boolean isJoint() {
        return !outgoing.isEmpty();
    }

    /** Whether there is exactly one voter and no joint consensus: that voter decides alone. */
    public boolean isSingleton() {
        return incoming.size() == 1 && outgoing.isEmpty();
    }

    /** The voters of both halves, ascending; unmodifiable. */
    public SortedSet<Long> ids() {
        return ids;
    }

    /** Whether {@code id} is a voter in either half. */
    public boolean contains(long id) {
        return incoming.contains(id) || outgoing.contains(id);
    }

    /** The largest index committed by both halves (each by its own majority). */
    public long committedIndex(AckedIndexer acked) {
        return Math.min(incoming.committedIndex(acked), outgoing.committedIndex(acked));
    }

    /** WON when both halves won, LOST when either lost, PENDING otherwise. */
    public VoteResult voteResult(Map<Long, Boolean> votes) {
        VoteResult in = incoming.voteResult(votes);
        VoteResult out = outgoing.voteResult(votes);
        if (in == VoteResult.LOST || out == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        if (in == VoteResult.WON && out == VoteResult.WON) {
            return VoteResult.WON;
        }
        return VoteResult.PENDING;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JointConfig other && incoming.equals(other.incoming) && outgoing.equals(other.outgoing);
    }

    @Override
    public int hashCode() {
        return 31 * incoming.hashCode() + outgoing.hashCode();
    }

    /** {@code (1 2 3)&&(1 2)} while joint, {@code (1 2 3)} otherwise. */
    @Override
    public String toString() {
        return isJoint() ? incoming + "&&" + outgoing : incoming.toString();
    }
}
