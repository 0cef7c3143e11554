package dev.raftify.raft.tracker;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.raft.quorum.VoteResult;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The membership and, for every member, its {@link Progress}; plus the votes of the current election. The
 * membership changes only by installing the result of a configuration change with {@link #reset}.
 */
public final class ProgressTracker {

    private final int maxInflightMsgs;
    private final long maxInflightBytes;
    private TrackerConfig config = TrackerConfig.empty();
    private SortedMap<Long, Progress> progress = Collections.unmodifiableSortedMap(new TreeMap<>());
    private final TreeMap<Long, Boolean> votes = new TreeMap<>();

    /**
     * An empty tracker.
     *
     * @param maxInflightMsgs  the inflight window of each progress, in appends (at least 1)
     * @param maxInflightBytes the inflight window of each progress, in bytes; 0 for no byte limit
     */
    public ProgressTracker(int maxInflightMsgs, long maxInflightBytes) {
        if (maxInflightMsgs < 1) {
            throw new IllegalArgumentException("maxInflightMsgs must be at least 1, got " + maxInflightMsgs);
        }
        if (maxInflightBytes < 0) {
            throw new IllegalArgumentException("maxInflightBytes must not be negative, got " + maxInflightBytes);
        }
        this.maxInflightMsgs = maxInflightMsgs;
        this.maxInflightBytes = maxInflightBytes;
    }

    public TrackerConfig config() {
        return config;
    }

    /** Every member's progress, by ascending id; the map is unmodifiable, the progresses are not. */
    public SortedMap<Long, Progress> progress() {
        return progress;
    }

    /** The progress of {@code id}, or null if it is not a member. */
    public Progress get(long id) {
        return progress.get(id);
    }

    /**
     * Installs a new membership and the progress of its members (normally the result of a configuration change).
     * The map is copied; the progresses are taken as they are.
     *
     * @throws IllegalArgumentException when the progresses are not exactly those of the voters and learners, or
     *                                  their learner flags disagree with the config
     */
    public void reset(TrackerConfig config, SortedMap<Long, Progress> progress) {
        Objects.requireNonNull(config, "config");
        TreeSet<Long> members = new TreeSet<>(config.voters().ids());
        members.addAll(config.learners());
        if (!members.equals(progress.keySet())) {
            throw new IllegalArgumentException(
                "progress for " + progress.keySet() + " does not match the members " + members + " of " + config);
        }
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            boolean learner = config.learners().contains(e.getKey());
            if (e.getValue().isLearner() != learner) {
                throw new IllegalArgumentException(
                    "progress of " + e.getKey() + " has learner=" + !learner + " but config is " + config);
            }
        }
        this.config = config;
        this.progress = Collections.unmodifiableSortedMap(new TreeMap<>(progress));
    }

    /** The membership as stored in snapshots. */
    public ConfState confState() {
        return config.toConfState();
    }

    /** Whether one voter decides alone: a single voter and no joint config. */
    public boolean isSingleton() {
        return config.voters().isSingleton();
    }

    /**
     * The largest index replicated to a quorum of voters, judged by their match indexes. {@link Long#MAX_VALUE}
     * when there are no voters at all.
     */
    public long committed() {
        return config.voters().committedIndex(id -> {
            Progress pr = progress.get(id);
            return pr == null ? 0 : pr.matchIndex();
        });
    }

    /** Whether the voters heard from recently form a quorum. Learners do not count. */
    public boolean quorumActive() {
        Map<Long, Boolean> active = new TreeMap<>();
        for (long id : config.voters().ids()) {
            Progress pr = progress.get(id);
            if (pr != null) {
                active.put(id, pr.isRecentActive());
            }
        }
        return config.voters().voteResult(active) == VoteResult.WON;
    }

    /** Whether {@code ids} include a quorum of the voters (for example, the acknowledgements of a read index). */
    public boolean hasQuorum(Set<Long> ids) {
        Map<Long, Boolean> granted = new TreeMap<>();
        for (Long id : ids) {
            granted.put(id, true);
        }
        return config.voters().voteResult(granted) == VoteResult.WON;
    }

    /** Records {@code id}'s vote in the current election; a node's later votes are ignored. */
    public void recordVote(long id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    /** Counts the voters' votes recorded so far; votes of non-voters are ignored. */
    public TallyResult tallyVotes() {
        int granted = 0;
        int rejected = 0;
        for (long id : config.voters().ids()) {
            Boolean vote = votes.get(id);
            if (vote != null) {
                if (vote) {
                    granted++;
                } else {
                    rejected++;
                }
            }
        }
        return new TallyResult(granted, rejected, config.voters().voteResult(votes));
    }

    /** Forgets every vote: a new election starts. */
    public void resetVotes() {
        votes.clear();
    }

    /** The votes recorded so far, by ascending id; unmodifiable. */
    public SortedMap<Long, Boolean> votes() {
        return Collections.unmodifiableSortedMap(votes);
    }

    /** The voters of both halves, ascending. */
    public SortedSet<Long> voterIds() {
        return config.voters().ids();
    }

    /** The learners, ascending (not the outgoing voters staged to become learners). */
    public SortedSet<Long> learnerIds() {
        return config.learners();
    }

    /** Whether {@code id} votes in either half of the config. */
    public boolean isVoter(long id) {
        return config.voters().contains(id);
    }

    public int maxInflightMsgs() {
        return maxInflightMsgs;
    }

    public long maxInflightBytes() {
        return maxInflightBytes;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(config.toString());
        progress.forEach((id, pr) -> sb.append('\n').append(id).append(": ").append(pr));
        return sb.toString();
    }
}
