package dev.raftify.raft.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Checks the quorum arithmetic against definitions written the slow, obvious way. */
class QuorumPropertiesTest {

    private static long bruteForceCommitted(Set<Long> voters, Map<Long, Long> acked) {
        if (voters.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long best = 0;
        for (long candidate : acked.values()) {
            long ackers = voters.stream().filter(v -> acked.getOrDefault(v, 0L) >= candidate).count();
            if (ackers > voters.size() / 2) {
                best = Math.max(best, candidate);
            }
        }
        return best;
    }

    private static VoteResult bruteForceVote(Set<Long> voters, Map<Long, Boolean> votes) {
        int n = voters.size();
        if (n == 0) {
            return VoteResult.WON;
        }
        long granted = voters.stream().filter(v -> Boolean.TRUE.equals(votes.get(v))).count();
        long rejected = voters.stream().filter(v -> Boolean.FALSE.equals(votes.get(v))).count();
        if (granted > n / 2) {
            return VoteResult.WON;
        }
        if (rejected >= n - n / 2) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    @Property
    void committedIndexIsTheLargestIndexAMajorityAcked(
        @ForAll @Size(max = 9) Set<@LongRange(min = 1, max = 12) Long> voters,
        @ForAll @Size(max = 12) Map<@LongRange(min = 1, max = 12) Long, @LongRange(max = 20) Long> acked) {
        MajorityConfig config = MajorityConfig.of(voters);
        assertThat(config.committedIndex(id -> acked.getOrDefault(id, 0L)))
            .isEqualTo(bruteForceCommitted(voters, acked));
    }

    @Property
    void committedIndexIsMonotonicInAckedIndexes(
        @ForAll @Size(max = 9) Set<@LongRange(min = 1, max = 12) Long> voters,
        @ForAll @Size(max = 12) Map<@LongRange(min = 1, max = 12) Long, @LongRange(max = 20) Long> acked,
        @ForAll @LongRange(min = 1, max = 12) long bumped,
        @ForAll @LongRange(min = 1, max = 10) long by) {
        MajorityConfig config = MajorityConfig.of(voters);
        long before = config.committedIndex(id -> acked.getOrDefault(id, 0L));
        long after = config.committedIndex(id -> acked.getOrDefault(id, 0L) + (id == bumped ? by : 0));
        assertThat(after).isGreaterThanOrEqualTo(before);
    }

    @Property
    void voteResultCountsAMajority(
        @ForAll @Size(max = 9) Set<@LongRange(min = 1, max = 12) Long> voters,
        @ForAll @Size(max = 12) Map<@LongRange(min = 1, max = 12) Long, Boolean> votes) {
        assertThat(MajorityConfig.of(voters).voteResult(votes)).isEqualTo(bruteForceVote(voters, votes));
    }

    @Property
    void jointCommittedIndexIsTheMinimumOfItsHalves(
        @ForAll @Size(max = 7) Set<@LongRange(min = 1, max = 10) Long> in,
        @ForAll @Size(max = 7) Set<@LongRange(min = 1, max = 10) Long> out,
        @ForAll @Size(max = 10) Map<@LongRange(min = 1, max = 10) Long, @LongRange(max = 20) Long> acked) {
        JointConfig joint = new JointConfig(MajorityConfig.of(in), MajorityConfig.of(out));
        long committed = joint.committedIndex(id -> acked.getOrDefault(id, 0L));
        assertThat(committed).isEqualTo(Math.min(bruteForceCommitted(in, acked), bruteForceCommitted(out, acked)));
        // Entries up to the joint commit are held by a majority of each half.
        if (committed != Long.MAX_VALUE && committed > 0) {
            for (Set<Long> half : List.of(in, out)) {
                long holders = half.stream().filter(v -> acked.getOrDefault(v, 0L) >= committed).count();
                assertThat(half.isEmpty() || holders > half.size() / 2).isTrue();
            }
        }
    }

    @Property
    void jointVoteNeedsBothHalves(
        @ForAll @Size(max = 7) Set<@LongRange(min = 1, max = 10) Long> in,
        @ForAll @Size(max = 7) Set<@LongRange(min = 1, max = 10) Long> out,
        @ForAll @Size(max = 10) Map<@LongRange(min = 1, max = 10) Long, Boolean> votes) {
        VoteResult a = bruteForceVote(in, votes);
        VoteResult b = bruteForceVote(out, votes);
        VoteResult expected = a == VoteResult.LOST || b == VoteResult.LOST ? VoteResult.LOST
            : a == VoteResult.WON && b == VoteResult.WON ? VoteResult.WON : VoteResult.PENDING;
        assertThat(new JointConfig(MajorityConfig.of(in), MajorityConfig.of(out)).voteResult(votes))
            .isEqualTo(expected);
    }

    @Property
    void nonJointConfigBehavesAsItsIncomingHalf(
        @ForAll @Size(max = 7) Set<@LongRange(min = 1, max = 10) Long> voters,
        @ForAll @Size(max = 10) Map<@LongRange(min = 1, max = 10) Long, Boolean> votes) {
        MajorityConfig majority = MajorityConfig.of(voters);
        assertThat(JointConfig.of(majority).voteResult(votes)).isEqualTo(majority.voteResult(votes));
    }
}
