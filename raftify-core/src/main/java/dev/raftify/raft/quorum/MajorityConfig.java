package dev.raftify.raft.quorum;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * An immutable set of voters that decides by simple majority: more than half of them.
 *
 * <p>Ids are kept sorted (as signed longs) so that everything derived from a config iterates in one order.
 * Node id 0 means "no node" in Raft and is rejected.
 */
public final class MajorityConfig {

    private static final MajorityConfig EMPTY = new MajorityConfig(new TreeSet<>());

    private final SortedSet<Long> ids;

    private MajorityConfig(TreeSet<Long> ids) {
        this.ids = Collections.unmodifiableSortedSet(ids);
    }

    /** A config of the given voters; duplicates collapse. */
    public static MajorityConfig of(long... ids) {
        TreeSet<Long> set = new TreeSet<>();
        for (long id : ids) {
            set.add(checkId(id));
        }
        return set.isEmpty() ? EMPTY : new MajorityConfig(set);
    }

    /** A config of the given voters; duplicates collapse. */
    public static MajorityConfig of(Collection<Long> ids) {
        TreeSet<Long> set = new TreeSet<>();
        for (Long id : ids) {
            set.add(checkId(id));
        }
        return set.isEmpty() ? EMPTY : new MajorityConfig(set);
    }

    /** The config without voters. */
    public static MajorityConfig empty() {
        return EMPTY;
    }

    private static long checkId(Long id) {
        if (id == null || id == 0) {
            throw new IllegalArgumentException("node id must be non-zero, got " + id);
        }
        return id;
    }

    /** The voters, ascending; unmodifiable. */
    public SortedSet<Long> ids() {
        return ids;
    }

    public int size() {
        return ids.size();
    }

    public boolean isEmpty() {
        return ids.isEmpty();
    }

    public boolean contains(long id) {
        return ids.contains(id);
    }

    /**
     * The largest index that a majority of the voters acknowledged.
     *
     * <p>An empty config returns {@link Long#MAX_VALUE}: it places no constraint, so that the minimum taken over
     * the two halves of a joint config is decided by the non-empty half.
     */
    public long committedIndex(AckedIndexer acked) {
        int n = ids.size();
        if (n == 0) {
            return Long.MAX_VALUE;
        }
        long[] indexes = new long[n];
        int i = 0;
        for (long id : ids) {
            indexes[i++] = acked.ackedIndex(id);
        }
        Arrays.sort(indexes);
        // Sorted ascending, the entries from position n - quorum upwards are the quorum voters with the highest
        // indexes; the smallest of those is acknowledged by all of them, hence by a quorum.
        int quorum = n / 2 + 1;
        return indexes[n - quorum];
    }

    /**
     * Counts the votes of this config's voters. A voter absent from {@code votes} has not voted yet; entries for
     * non-voters are ignored. An empty config wins, so that it never blocks the other half of a joint config.
     */
    public VoteResult voteResult(Map<Long, Boolean> votes) {
        int n = ids.size();
        if (n == 0) {
            return VoteResult.WON;
        }
        int granted = 0;
        int missing = 0;
        for (Long id : ids) {
            Boolean vote = votes.get(id);
            if (vote == null) {
                missing++;
            } else if (vote) {
                granted++;
            }
        }
        int quorum = n / 2 + 1;
        if (granted >= quorum) {
            return VoteResult.WON;
        }
        if (granted + missing >= quorum) {
            return VoteResult.PENDING;
        }
        return VoteResult.LOST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MajorityConfig other && ids.equals(other.ids);
    }

    @Override
    public int hashCode() {
        return ids.hashCode();
    }

    /** The voters in parentheses, ascending and space-separated, as in {@code (1 2 3)}. */
    @Override
    public String toString() {
        return format(ids);
    }

    /** Formats any id set the way configs print, so learner sets can print alike. */
    public static String format(Collection<Long> ids) {
        StringJoiner joiner = new StringJoiner(" ", "(", ")");
        for (Long id : ids) {
            joiner.add(Long.toString(id));
        }
        return joiner.toString();
    }
}
