package dev.raftify.raft.sim;

/** What happened in one run, or summed over many: the figures a simulation report quotes. */
final class SimStats {
    long runs;
    long steps;
    long invariantChecks;

    long messagesSent;
    long messagesDelivered;
    long faultDrops;
    long faultDuplicates;
    long faultDelays;
    long partitionDrops;
    long partitions;
    long crashes;
    long readyCrashes;
    long restarts;
    long tickSkips;
    long unreachableReports;

    long proposals;
    long proposalsDropped;
    long entriesCommitted;
    long readsStarted;
    long readsChecked;
    long confChangesProposed;
    long confChangesApplied;
    long nodesRemoved;
    long leaderTransfers;
    long snapshotsCreated;
    long snapshotsSent;
    long snapshotsApplied;
    long snapshotRequests;
    long leadersElected;

    long livenessChecks;
    long recoveryTicksMax;
    long recoveryTicksSum;
    /** The slowest recovery in election timeouts (ticks / electionTick), the unit the bound is set in. */
    double recoveryTimeoutsMax;

    /** The sum of faults of every kind injected. */
    long faultsInjected() {
        return faultDrops + faultDuplicates + faultDelays + partitions + crashes + readyCrashes + tickSkips;
    }

    void add(SimStats o) {
        runs += o.runs;
        steps += o.steps;
        invariantChecks += o.invariantChecks;
        messagesSent += o.messagesSent;
        messagesDelivered += o.messagesDelivered;
        faultDrops += o.faultDrops;
        faultDuplicates += o.faultDuplicates;
        faultDelays += o.faultDelays;
        partitionDrops += o.partitionDrops;
        partitions += o.partitions;
        crashes += o.crashes;
        readyCrashes += o.readyCrashes;
        restarts += o.restarts;
        tickSkips += o.tickSkips;
        unreachableReports += o.unreachableReports;
        proposals += o.proposals;
        proposalsDropped += o.proposalsDropped;
        entriesCommitted += o.entriesCommitted;
        readsStarted += o.readsStarted;
        readsChecked += o.readsChecked;
        confChangesProposed += o.confChangesProposed;
        confChangesApplied += o.confChangesApplied;
        nodesRemoved += o.nodesRemoved;
        leaderTransfers += o.leaderTransfers;
        snapshotsCreated += o.snapshotsCreated;
        snapshotsSent += o.snapshotsSent;
        snapshotsApplied += o.snapshotsApplied;
        snapshotRequests += o.snapshotRequests;
        leadersElected += o.leadersElected;
        livenessChecks += o.livenessChecks;
        recoveryTicksMax = Math.max(recoveryTicksMax, o.recoveryTicksMax);
        recoveryTicksSum += o.recoveryTicksSum;
        recoveryTimeoutsMax = Math.max(recoveryTimeoutsMax, o.recoveryTimeoutsMax);
    }

    /** A multi-line summary for test output and the long-run tool. */
    String summary() {
        return String.format(
                "runs=%,d steps=%,d invariantChecks=%,d%n"
                        + "faults=%,d (drops=%,d duplicates=%,d delays=%,d partitions=%,d partitionDrops=%,d "
                        + "crashes=%,d readyCrashes=%,d restarts=%,d tickSkips=%,d unreachableReports=%,d)%n"
                        + "messages sent=%,d delivered=%,d%n"
                        + "proposals=%,d dropped=%,d entriesCommitted=%,d reads started=%,d checked=%,d%n"
                        + "confChanges proposed=%,d applied=%,d nodesRemoved=%,d leaderTransfers=%,d "
                        + "leadersElected=%,d%n"
                        + "snapshots created=%,d sent=%,d applied=%,d requested=%,d%n"
                        + "liveness checks=%,d recovery ticks max=%,d mean=%.1f (max %.1f election timeouts)",
                runs, steps, invariantChecks,
                faultsInjected(), faultDrops, faultDuplicates, faultDelays, partitions, partitionDrops,
                crashes, readyCrashes, restarts, tickSkips, unreachableReports,
                messagesSent, messagesDelivered,
                proposals, proposalsDropped, entriesCommitted, readsStarted, readsChecked,
                confChangesProposed, confChangesApplied, nodesRemoved, leaderTransfers, leadersElected,
                snapshotsCreated, snapshotsSent, snapshotsApplied, snapshotRequests,
                livenessChecks, recoveryTicksMax, livenessChecks == 0 ? 0.0 : (double) recoveryTicksSum / livenessChecks,
                recoveryTimeoutsMax);
    }
}
