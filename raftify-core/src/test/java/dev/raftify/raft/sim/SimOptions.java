package dev.raftify.raft.sim;

import dev.raftify.raft.RaftConfig;
import java.util.Random;

/**
 * The shape of one simulated run, drawn from its seed: cluster size, Raft settings, and how often each fault
 * and each kind of request happens. Drawing them per seed, rather than fixing them, lets thousands of seeds
 * cover calm and hostile networks, tiny and large message limits, with and without pre-vote and check-quorum.
 * Rates are per step (one step is one tick of logical time).
 */
final class SimOptions {
    /** Upper bounds that keep a run small and its cost predictable. */
    static final int MAX_VOTERS = 5;
    static final int MAX_NODES = 9;

    int initialVoters;
    int electionTick;
    int heartbeatTick;
    boolean preVote;
    boolean checkQuorum;
    long maxSizePerMsg;
    int maxInflightMsgs;
    long maxCommittedSizePerReady;
    long maxUncommittedSize;

    // Network. Latency is in ticks; a delayed message takes up to maxDelay more, so it overtakes nothing
    // earlier but is overtaken by later ones.
    int minLatency;
    int latencySpread;
    int maxDelay;
    double dropRate;
    double duplicateRate;
    double delayRate;
    double unreachableReportRate;

    // Node and partition faults.
    double crashRate;
    /** Chance that a newly elected leader crashes within 12 ticks: leader churn with half-replicated logs. */
    double newLeaderCrashRate;
    double readyCrashRate;
    double restartRate;
    double partitionRate;
    double healRate;
    double tickSkipRate;

    // Workload.
    double proposeRate;
    double batchRate;
    int maxPadding;
    double readRate;
    double confChangeRate;
    double transferRate;
    double snapshotRate;
    double requestSnapshotRate;
    double asyncApplyRate;

    static SimOptions draw(Random r) {
        SimOptions o = new SimOptions();
        int[] sizes = {1, 2, 3, 3, 3, 4, 5, 5};
        o.initialVoters = sizes[r.nextInt(sizes.length)];
        o.electionTick = 8 + r.nextInt(8);
        o.heartbeatTick = 1 + r.nextInt(3);
        o.preVote = r.nextInt(4) != 0;
        o.checkQuorum = r.nextInt(4) != 0;
        // Large, small, or 0: one entry per append, which lets a new leader's old entries reach a quorum before
        // its own empty entry does (the Figure 8 situation).
        int msgSize = r.nextInt(4);
        o.maxSizePerMsg = msgSize < 2 ? 1024 * 1024 : msgSize == 2 ? 32 + r.nextInt(224) : 0;
        o.maxInflightMsgs = r.nextBoolean() ? 256 : 1 + r.nextInt(8);
        o.maxCommittedSizePerReady = r.nextInt(10) < 7 ? Long.MAX_VALUE : 64 + r.nextInt(448);
        // Flow control on some seeds: a leader refuses proposals beyond this many uncommitted bytes.
        o.maxUncommittedSize = r.nextBoolean() ? Long.MAX_VALUE : 256 + r.nextInt(4096);

        o.minLatency = 1;
        o.latencySpread = r.nextInt(3);
        o.maxDelay = 5 + r.nextInt(21);
        o.dropRate = r.nextInt(5) == 0 ? 0 : r.nextDouble() * 0.1;
        o.duplicateRate = r.nextInt(3) == 0 ? 0 : r.nextDouble() * 0.05;
        o.delayRate = r.nextDouble() * 0.1;
        o.unreachableReportRate = 0.1 + r.nextDouble() * 0.4;

        o.crashRate = r.nextDouble() * 0.006;
        o.newLeaderCrashRate = r.nextInt(3) == 0 ? 0 : r.nextDouble() * 0.3;
        o.readyCrashRate = r.nextDouble() * 0.01;
        o.restartRate = 0.02 + r.nextDouble() * 0.08;
        o.partitionRate = r.nextDouble() * 0.01;
        o.healRate = 0.005 + r.nextDouble() * 0.025;
        o.tickSkipRate = r.nextDouble() * 0.05;

        o.proposeRate = 0.1 + r.nextDouble() * 0.4;
        o.batchRate = r.nextDouble() * 0.2;
        o.maxPadding = r.nextBoolean() ? 0 : r.nextInt(64);
        o.readRate = 0.02 + r.nextDouble() * 0.08;
        o.confChangeRate = r.nextDouble() * 0.02;
        o.transferRate = r.nextDouble() * 0.01;
        o.snapshotRate = r.nextDouble() * 0.03;
        o.requestSnapshotRate = r.nextDouble() * 0.003;
        o.asyncApplyRate = r.nextDouble() * 0.5;
        return o;
    }

    /** The Raft settings every node of this run uses. */
    RaftConfig raftConfig(long id, long applied) {
        return RaftConfig.builder(id)
                .electionTick(electionTick)
                .heartbeatTick(heartbeatTick)
                .preVote(preVote)
                .checkQuorum(checkQuorum)
                .maxSizePerMsg(maxSizePerMsg)
                .maxInflightMsgs(maxInflightMsgs)
                .maxCommittedSizePerReady(maxCommittedSizePerReady)
                .maxUncommittedSize(maxUncommittedSize)
                .applied(applied)
                .build();
    }

    /**
     * Ticks within which a healed cluster must have a leader and have committed a fresh write: twenty of the
     * longest election timeouts (an election, perhaps after failed pre-vote rounds or split votes, and finishing a
     * membership change under way), plus a round trip (at most {@code 2 * (minLatency + latencySpread)} ticks) for
     * every entry a quorum still has to receive: with one small entry per message and one message in flight,
     * catching up a long uncommitted tail is a round trip per entry.
     *
     * @param backlog entries appended somewhere but not known committed when the faults healed
     */
    int livenessBoundTicks(long backlog) {
        return 20 * maxElectionTimeout() + (int) Math.min(1_000_000, 2L * (minLatency + latencySpread) * backlog);
    }

    int maxElectionTimeout() {
        return 2 * electionTick;
    }

    @Override
    public String toString() {
        return "voters=" + initialVoters + " election=" + electionTick + " heartbeat=" + heartbeatTick
                + " preVote=" + preVote + " checkQuorum=" + checkQuorum + " maxSizePerMsg=" + maxSizePerMsg
                + " maxInflight=" + maxInflightMsgs + " maxUncommitted=" + maxUncommittedSize + String.format(
                        " drop=%.3f dup=%.3f delay=%.3f crash=%.4f newLeaderCrash=%.3f readyCrash=%.4f partition=%.4f",
                        dropRate, duplicateRate, delayRate, crashRate, newLeaderCrashRate, readyCrashRate,
                        partitionRate);
    }
}
