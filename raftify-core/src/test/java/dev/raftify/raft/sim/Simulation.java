package dev.raftify.raft.sim;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.EntryType;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.raft.ConfChangeCodec;
import dev.raftify.raft.ProposalDroppedException;
import dev.raftify.raft.RaftInspector;
import dev.raftify.raft.RawNode;
import dev.raftify.raft.ReadState;
import dev.raftify.raft.Ready;
import dev.raftify.raft.SnapshotStatus;
import dev.raftify.raft.StateRole;
import dev.raftify.storage.MemStorage;
import dev.raftify.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One deterministic simulated run: a cluster of {@link RawNode}s on {@link MemStorage}, driven by one thread
 * and one seed, over a {@link SimNetwork} that loses, duplicates, delays and partitions; nodes crash (also in
 * the middle of handling a Ready) and restart; proposals, read index requests, membership changes, leader
 * transfers, snapshots and compaction happen at random. After every step the {@link SafetyChecker} checks the
 * safety properties; at the end (and sometimes in the middle) all faults heal and the cluster must elect a
 * leader and commit a fresh write within a bounded number of ticks.
 *
 * <p>A step is one tick of logical time: faults and requests, a tick on every live node, delivery of the
 * messages due, handling every Ready as {@link Ready} prescribes, applying, then the checks. The only source of
 * randomness is {@code new Random(seed)}; node ids, messages and nodes are iterated in sorted order.
 */
public final class Simulation {

    /** A read index request: what was known committed when it began, which the answer must reflect. */
    record ReadRecord(long ctx, long node, long requiredIndex, long writesBefore, long lastWrite) {}

    /** Where in the handling of a Ready a node may crash. */
    private enum CrashPoint { BEFORE_SEND, BEFORE_PERSIST, AFTER_PERSIST, AFTER_SEND_PERSISTED, MID_APPLY }

    private static final long BOOTSTRAP_INDEX = 1;
    private static final long BOOTSTRAP_TERM = 1;

    private final long seed;
    private final int steps;
    private final boolean trace;
    private final Random random;
    private final SimOptions opts;
    private final SimStats stats = new SimStats();
    private final SimNetwork net;
    private final SafetyChecker check;
    private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    /** Read requests not yet answered, by context. */
    private final TreeMap<Long, ReadRecord> reads = new TreeMap<>();

    private long now;
    private int step;
    private String phase = "run";
    /** Off while checking liveness: no new faults, no new requests. */
    private boolean faults = true;
    private long nextNodeId;
    private long nextWrite = 1;
    private long nextReadCtx = 1;

    private Simulation(long seed, int steps, boolean trace) {
        this.seed = seed;
        this.steps = steps;
        this.trace = trace;
        this.random = new Random(seed);
        this.opts = SimOptions.draw(random);
        this.net = new SimNetwork(random, opts, stats);
        this.check = new SafetyChecker(stats, BOOTSTRAP_INDEX, BOOTSTRAP_TERM);
    }

    /**
     * Runs seed {@code seed} for {@code steps} steps.
     *
     * @return the run's figures
     * @throws SimulationFailure if an invariant failed or the core threw
     */
    public static SimStats run(long seed, int steps, boolean trace) {
        return new Simulation(seed, steps, trace).execute();
    }

    private SimStats execute() {
        try {
            bootstrap();
            if (trace) {
                log("options " + opts);
            }
            // A quarter of the runs also check liveness once in the middle, then carry on with faults.
            int midCheck = random.nextInt(4) == 0 ? steps / 4 + random.nextInt(Math.max(1, steps / 2)) : -1;
            for (step = 1; step <= steps; step++) {
                if (step == midCheck) {
                    checkLiveness("mid-run");
                }
                runStep();
                stats.steps++;
            }
            step = steps;
            checkLiveness("end of run");
            checkStoredLogsRegistered();
        } catch (InvariantViolation v) {
            throw new SimulationFailure(seed, steps, where(), v.invariant, v.getMessage(), opts.toString(), v);
        } catch (RuntimeException e) {
            throw new SimulationFailure(seed, steps, where(), "no exceptions",
                    "unexpected " + e, opts.toString(), e);
        }
        stats.runs = 1;
        return stats;
    }

    private String where() {
        return "at step " + step + " of " + steps + " (" + phase + ", time " + now + ")";
    }

    private void log(String s) {
        System.out.println("[t=" + now + " step=" + step + "] " + s);
    }

    // ---------------------------------------------------------------- nodes

    private void bootstrap() {
        // Every initial member starts from the same snapshot at index 1 holding the membership. Nodes added later
        // start empty and so can only be brought up to date with a snapshot, never by replaying a log that lacks
        // the bootstrap membership.
        ConfState.Builder cs = ConfState.newBuilder();
        for (long id = 1; id <= opts.initialVoters; id++) {
            cs.addVoters(id);
        }
        Snapshot boot = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                .setIndex(BOOTSTRAP_INDEX).setTerm(BOOTSTRAP_TERM).setConfState(cs)).build();
        for (long id = 1; id <= opts.initialVoters; id++) {
            MemStorage s = new MemStorage();
            s.applySnapshot(boot);
            SimNode n = new SimNode(id, s);
            nodes.put(id, n);
            start(n);
        }
        nextNodeId = opts.initialVoters + 1;
    }

    /** Starts (or restarts) a node from what its storage holds. */
    private void start(SimNode n) {
        Snapshot snap = n.storage.latestSnapshot();
        long index = snap.getMetadata().getIndex();
        n.sm = StateMachine.decode(index, snap.getData());
        if (index > 0) {
            check.sameState(n.id, index, n.sm, "restarting from its stored snapshot");
            if (!n.storage.confState().equals(snap.getMetadata().getConfState())) {
                throw new InvariantViolation("harness", "node " + n.id + " stored membership "
                        + n.storage.confState() + " differs from its snapshot's");
            }
        }
        n.appliedConf = n.storage.confState();
        n.raw = new RawNode(opts.raftConfig(n.id, index), n.storageView, new Random(random.nextLong()));
        n.incarnation++;
        // Its persisted commit index may cover entries committed in the very step it crashed, before any check
        // saw them: start below it, so the next check records them from this node's log.
        n.lastCommit = Math.min(RaftInspector.committed(n.raw), check.knownCommitted());
        n.completenessTerm = -1;
        if (trace) {
            log("start node " + n.id + " (incarnation " + n.incarnation + ", snapshot " + index + ", commit "
                    + n.lastCommit + ", last " + n.storage.lastIndex() + ")");
        }
    }

    private void crash(SimNode n, CrashPoint point) {
        if (point == null) {
            stats.crashes++;
        } else {
            stats.readyCrashes++;
        }
        if (trace) {
            log("crash node " + n.id + (point == null ? "" : " " + point));
        }
        n.crash();
    }

    private List<SimNode> liveNodes() {
        List<SimNode> out = new ArrayList<>();
        for (SimNode n : nodes.values()) {
            if (n.up()) {
                out.add(n);
            }
        }
        return out;
    }

    private SimNode randomLiveNode() {
        List<SimNode> live = liveNodes();
        return live.isEmpty() ? null : live.get(random.nextInt(live.size()));
    }

    /** The live node that leads in the highest term, or null. */
    private SimNode leader() {
        SimNode best = null;
        long bestTerm = -1;
        for (SimNode n : nodes.values()) {
            if (n.up() && RaftInspector.role(n.raw) == StateRole.LEADER && RaftInspector.term(n.raw) > bestTerm) {
                best = n;
                bestTerm = RaftInspector.term(n.raw);
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- one step

    private void runStep() {
        now++;
        serveSnapshotRequestsAndStopRemoved();
        if (faults) {
            injectFaults();
            issueRequests();
        }
        for (SimNode n : nodes.values()) {
            if (!n.up()) {
                continue;
            }
            if (faults && random.nextDouble() < opts.tickSkipRate) {
                // Clock drift: this node's timer falls behind by one tick.
                stats.tickSkips++;
                continue;
            }
            n.raw.tick();
        }
        deliverDueMessages();
        for (SimNode n : nodes.values()) {
            for (int round = 0; round < 4 && n.up() && n.raw.hasReady(); round++) {
                handleReady(n);
            }
        }
        for (SimNode n : nodes.values()) {
            if (n.up() && !n.applyQueue.isEmpty()) {
                // Asynchronous apply catches up by a random amount (all of it while checking liveness).
                int k = faults ? 1 + random.nextInt(n.applyQueue.size()) : n.applyQueue.size();
                applyQueued(n, k);
                n.raw.advanceApply(n.sm.appliedIndex());
                serveReads(n);
            }
        }
        observe();
    }

    private void serveSnapshotRequestsAndStopRemoved() {
        for (SimNode n : nodes.values()) {
            if (n.storageView.takeRequest() && n.up()) {
                // The core asked for a newer snapshot than the stored one: build it now, as a runtime would.
                snapshotAndCompact(n);
            }
            if (n.removedBy != null && !n.removed && inForce(n.removedBy, n.removedAt)) {
                n.removed = true;
                if (trace) {
                    log("node " + n.id + " was removed from the membership: stopping it");
                }
                n.crash();
            }
        }
    }

    /**
     * Whether a majority of {@code cs}'s voters (of both halves, if joint) applied it, at {@code index}. Only then may nodes it
     * removed shut down: until the new voters apply the change that removed them, those voters still hold
     * elections in the old membership, where the removed nodes' votes may be needed. (The change is applied,
     * and so takes effect, at different times on different nodes.)
     */
    private boolean inForce(ConfState cs, long index) {
        return majorityApplied(cs.getVotersList(), index) && majorityApplied(cs.getVotersOutgoingList(), index);
    }

    private boolean majorityApplied(List<Long> voters, long index) {
        int have = 0;
        for (long id : voters) {
            SimNode v = nodes.get(id);
            if (v != null && v.up() && v.sm.appliedIndex() >= index) {
                have++;
            }
        }
        return voters.isEmpty() || have > voters.size() / 2;
    }

    // ---------------------------------------------------------------- faults and requests

    private void injectFaults() {
        for (SimNode n : nodes.values()) {
            if (n.up() && n.crashAt != 0 && now >= n.crashAt) {
                crash(n, null);
            }
        }
        if (random.nextDouble() < opts.crashRate) {
            SimNode n = randomLiveNode();
            if (n != null) {
                crash(n, null);
            }
        }
        for (SimNode n : nodes.values()) {
            if (!n.up() && !n.removed && random.nextDouble() < opts.restartRate) {
                stats.restarts++;
                start(n);
            }
        }
        if (!net.partitioned()) {
            if (random.nextDouble() < opts.partitionRate) {
                stats.partitions++;
                List<Long> ids = new ArrayList<>();
                for (SimNode n : nodes.values()) {
                    if (!n.removed) {
                        ids.add(n.id);
                    }
                }
                if (random.nextBoolean()) {
                    net.randomSplit(ids);
                } else {
                    net.isolate(ids.get(random.nextInt(ids.size())));
                }
                if (trace) {
                    log("partition " + net.describePartition());
                }
            }
        } else if (random.nextDouble() < opts.healRate) {
            net.heal();
            if (trace) {
                log("heal partition");
            }
        }
    }

    private void issueRequests() {
        if (random.nextDouble() < opts.proposeRate) {
            propose();
        }
        if (random.nextDouble() < opts.readRate) {
            startRead();
        }
        if (random.nextDouble() < opts.confChangeRate) {
            changeMembership();
        }
        if (random.nextDouble() < opts.transferRate) {
            transferLeader();
        }
        if (random.nextDouble() < opts.snapshotRate) {
            compact();
        }
        if (random.nextDouble() < opts.requestSnapshotRate) {
            requestSnapshot();
        }
    }

    private ByteString payload(long write) {
        byte[] b = new byte[8 + (opts.maxPadding == 0 ? 0 : random.nextInt(opts.maxPadding + 1))];
        for (int k = 0; k < 8; k++) {
            b[k] = (byte) (write >>> (56 - 8 * k));
        }
        return ByteString.copyFrom(b);
    }

    private void propose() {
        SimNode leader = leader();
        SimNode n = leader != null && random.nextInt(10) < 7 ? leader : randomLiveNode();
        if (n == null) {
            return;
        }
        try {
            if (random.nextDouble() < opts.batchRate) {
                List<ByteString> batch = new ArrayList<>();
                int size = 2 + random.nextInt(3);
                for (int k = 0; k < size; k++) {
                    batch.add(payload(nextWrite++));
                }
                stats.proposals += size;
                n.raw.proposeBatch(batch);
            } else {
                stats.proposals++;
                n.raw.propose(ByteString.EMPTY, payload(nextWrite++));
            }
        } catch (ProposalDroppedException e) {
            stats.proposalsDropped++;
        }
    }

    private void startRead() {
        SimNode n = randomLiveNode();
        if (n == null) {
            return;
        }
        long ctx = nextReadCtx++;
        long known = check.knownCommitted();
        ReadRecord r = new ReadRecord(ctx, n.id, known, check.writesUpTo(known), check.lastWriteUpTo(known));
        try {
            n.raw.readIndex(ByteString.copyFrom(longBytes(ctx)));
            reads.put(ctx, r);
            stats.readsStarted++;
            if (trace) {
                log("node " + n.id + " starts read " + ctx + " (committed so far: " + known + ")");
            }
        } catch (ProposalDroppedException e) {
            // No leader known: the request fails at once and promises nothing.
        }
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int k = 0; k < 8; k++) {
            b[k] = (byte) (v >>> (56 - 8 * k));
        }
        return b;
    }

    private static long bytesLong(ByteString b) {
        long v = 0;
        for (int k = 0; k < b.size(); k++) {
            v = (v << 8) | (b.byteAt(k) & 0xff);
        }
        return v;
    }

    private void changeMembership() {
        SimNode leader = leader();
        if (leader == null) {
            return;
        }
        MembershipChanges.Proposal p;
        if (RaftInspector.isJoint(leader.raw)) {
            if (RaftInspector.autoLeave(leader.raw)) {
                return;
            }
            p = MembershipChanges.leaveJoint();
        } else {
            long live = nodes.values().stream().filter(n -> !n.removed).count();
            p = MembershipChanges.draw(random, RaftInspector.confState(leader.raw), () -> nextNodeId++,
                    live < SimOptions.MAX_NODES);
            if (p == null) {
                return;
            }
        }
        // New nodes start right away with empty storage; the leader brings them up with a snapshot.
        for (long id : p.newNodes()) {
            SimNode n = new SimNode(id, new MemStorage());
            nodes.put(id, n);
            start(n);
        }
        stats.confChangesProposed++;
        try {
            if (p.v1() != null) {
                leader.raw.proposeConfChange(ByteString.EMPTY, p.v1());
            } else {
                leader.raw.proposeConfChange(ByteString.EMPTY, p.v2());
            }
            if (trace) {
                log("leader " + leader.id + " proposes membership change " + p.describe());
            }
        } catch (ProposalDroppedException e) {
            // Refused: the new nodes were never referenced by any log, so they can go.
            for (long id : p.newNodes()) {
                nodes.remove(id);
            }
        }
    }

    private void transferLeader() {
        SimNode n = randomLiveNode();
        if (n == null) {
            return;
        }
        List<Long> voters = RaftInspector.confState(n.raw).getVotersList();
        if (voters.isEmpty()) {
            return;
        }
        long to = voters.get(random.nextInt(voters.size()));
        stats.leaderTransfers++;
        if (trace) {
            log("node " + n.id + " asks to transfer leadership to " + to);
        }
        n.raw.transferLeader(to);
    }

    /** Snapshots a random node's applied state and compacts its log, as a runtime does when the log grows. */
    private void compact() {
        SimNode n = randomLiveNode();
        if (n != null) {
            snapshotAndCompact(n);
        }
    }

    private void snapshotAndCompact(SimNode n) {
        long index = n.sm.appliedIndex();
        if (index <= n.storage.latestSnapshot().getMetadata().getIndex()) {
            return;
        }
        n.storage.createSnapshot(index, n.appliedConf, n.sm.encode());
        // The stored membership is the one a restart from this snapshot begins with; entries after it replay.
        n.storage.setConfState(n.appliedConf);
        stats.snapshotsCreated++;
        if (trace) {
            log("node " + n.id + " snapshots and compacts at " + index);
        }
    }

    private void requestSnapshot() {
        SimNode n = randomLiveNode();
        if (n == null || RaftInspector.role(n.raw) != StateRole.FOLLOWER || RaftInspector.leaderId(n.raw) == 0) {
            return;
        }
        stats.snapshotRequests++;
        n.raw.requestSnapshot();
    }

    // ---------------------------------------------------------------- network

    private void send(SimNode from, Message m) {
        switch (m.getMsgType()) {
            case MsgAppend, MsgHeartbeat -> check.leader(m.getTerm(), from.id, "it sends appends or heartbeats");
            case MsgSnapshot -> {
                check.leader(m.getTerm(), from.id, "it sends a snapshot");
                stats.snapshotsSent++;
            }
            case MsgRequestVoteResponse -> {
                if (!m.getReject()) {
                    check.voteGranted(m.getTerm(), from.id, m.getTo());
                }
            }
            default -> {
                // Nothing to check.
            }
        }
        net.send(now, m, from.incarnation);
    }

    private void deliverDueMessages() {
        for (SimNetwork.InFlight f : net.due(now)) {
            Message m = f.msg();
            SimNode to = nodes.get(m.getTo());
            SimNode from = nodes.get(m.getFrom());
            boolean delivered = false;
            if (!f.lost() && to != null && to.up()) {
                if (net.connected(m.getFrom(), m.getTo())) {
                    stepInto(to, m);
                    delivered = true;
                } else {
                    stats.partitionDrops++;
                }
            }
            boolean senderSame = from != null && from.up() && from.incarnation == f.senderIncarnation();
            if (m.getMsgType() == MessageType.MsgSnapshot) {
                // The transport tells the leader how the snapshot transfer ended.
                if (senderSame) {
                    from.raw.reportSnapshot(m.getTo(), delivered ? SnapshotStatus.FINISH : SnapshotStatus.FAILURE);
                }
            } else if (!delivered && senderSame && random.nextDouble() < opts.unreachableReportRate) {
                stats.unreachableReports++;
                from.raw.reportUnreachable(m.getTo());
            }
        }
    }

    private void stepInto(SimNode to, Message m) {
        try {
            to.raw.step(m);
            stats.messagesDelivered++;
        } catch (ProposalDroppedException e) {
            // A forwarded proposal the leader refused; the client would retry.
            stats.proposalsDropped++;
        } catch (IllegalArgumentException e) {
            // A response from a node that is no longer a member: a transport drops these.
            if (RaftInspector.isMember(to.raw, m.getFrom())) {
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- the Ready contract

    private void handleReady(SimNode n) {
        RawNode raw = n.raw;
        Ready rd = raw.ready();
        CrashPoint crash = faults && random.nextDouble() < opts.readyCrashRate
                ? CrashPoint.values()[random.nextInt(CrashPoint.values().length)]
                : null;
        if (crash == CrashPoint.BEFORE_SEND) {
            crash(n, crash);
            return;
        }
        if (rd.softState() != null && rd.softState().role() == StateRole.LEADER) {
            check.leader(RaftInspector.term(raw), n.id, "its Ready says so");
        }
        // 1. Messages that may leave before the write (the leader's appends).
        for (Message m : rd.messages()) {
            send(n, m);
        }
        if (crash == CrashPoint.BEFORE_PERSIST) {
            crash(n, crash);
            return;
        }
        // 2. One atomic write: snapshot, entries, hard state.
        if (!rd.entries().isEmpty()) {
            check.appended(n.id, termBefore(n, rd), rd.entries());
        }
        HardState before = n.storage.hardState();
        n.storage.write(new WriteBatch(rd.snapshot(), rd.entries(), rd.hardState(), null));
        check.persisted(n.id, before, n.storage.hardState());
        if (crash == CrashPoint.AFTER_PERSIST) {
            crash(n, crash);
            return;
        }
        // 3. Messages that promise what is on disk (votes, acknowledgements).
        for (Message m : rd.persistedMessages()) {
            send(n, m);
        }
        if (crash == CrashPoint.AFTER_SEND_PERSISTED) {
            crash(n, crash);
            return;
        }
        for (ReadState rs : rd.readStates()) {
            answered(n, rs);
        }
        // 4. Apply: the snapshot, then the committed entries, in order (after anything still queued).
        boolean nothingQueued = n.applyQueue.isEmpty();
        if (rd.snapshot() != null) {
            n.applyQueue.add(rd.snapshot());
        }
        n.applyQueue.addAll(rd.committedEntries());
        if (crash == CrashPoint.MID_APPLY) {
            applyQueued(n, random.nextInt(n.applyQueue.size() + 1));
            crash(n, crash);
            return;
        }
        // 5. Advance: all at once, or the append now and the apply later (asynchronous apply).
        if (faults && random.nextDouble() < opts.asyncApplyRate) {
            raw.advanceAppend(rd);
        } else if (nothingQueued) {
            applyQueued(n, Integer.MAX_VALUE);
            raw.advance(rd);
        } else {
            raw.advanceAppend(rd);
            applyQueued(n, Integer.MAX_VALUE);
            raw.advanceApply(n.sm.appliedIndex());
        }
        serveReads(n);
    }

    /** The term of the entry just before the Ready's entries, as it will be on disk after the write. */
    private long termBefore(SimNode n, Ready rd) {
        long prev = rd.entries().get(0).getIndex() - 1;
        if (rd.snapshot() != null && rd.snapshot().getMetadata().getIndex() == prev) {
            return rd.snapshot().getMetadata().getTerm();
        }
        try {
            return n.storage.term(prev);
        } catch (RuntimeException e) {
            throw new InvariantViolation("log matching", "node " + n.id + " persists entries from " + (prev + 1)
                    + " but its disk has no entry " + prev + " to follow (" + e.getMessage() + ")");
        }
    }

    private void applyQueued(SimNode n, int max) {
        for (int k = 0; k < max && !n.applyQueue.isEmpty(); k++) {
            Object item = n.applyQueue.poll();
            if (item instanceof Snapshot s) {
                applySnapshot(n, s);
            } else {
                applyEntry(n, (Entry) item);
            }
        }
    }

    private void applySnapshot(SimNode n, Snapshot s) {
        long index = s.getMetadata().getIndex();
        if (index <= n.sm.appliedIndex()) {
            throw new InvariantViolation("apply order", "node " + n.id + " got a snapshot at " + index
                    + " to apply after applying up to " + n.sm.appliedIndex());
        }
        n.sm = StateMachine.decode(index, s.getData());
        n.appliedConf = s.getMetadata().getConfState();
        stats.snapshotsApplied++;
        check.sameState(n.id, index, n.sm, "applying a snapshot from the leader");
        if (trace) {
            log("node " + n.id + " applies snapshot " + index + "/" + s.getMetadata().getTerm());
        }
    }

    private void applyEntry(SimNode n, Entry e) {
        long index = e.getIndex();
        if (index != n.sm.appliedIndex() + 1) {
            throw new InvariantViolation("apply order", "node " + n.id + " got entry " + index
                    + " to apply after applying up to " + n.sm.appliedIndex());
        }
        if (e.getEntryType() == EntryType.EntryNormal) {
            n.sm.apply(index, SafetyChecker.writeOf(e));
        } else {
            ConfChangeV2 cc = ConfChangeCodec.decode(e);
            ConfState before = n.appliedConf;
            ConfState after = n.raw.applyConfChange(cc);
            n.appliedConf = after;
            n.sm.apply(index, 0);
            stats.confChangesApplied++;
            if (trace) {
                log("node " + n.id + " applies membership change at " + index + ": " + after.getVotersList()
                        + (after.getVotersOutgoingCount() > 0 ? " & " + after.getVotersOutgoingList() : "")
                        + " learners " + after.getLearnersList());
            }
            scheduleRemovals(before, after, index);
            if (!MembershipChanges.members(before).containsAll(MembershipChanges.members(after))) {
                // As raftify does: snapshot right after a change that adds a node. A new node starts empty and
                // can only be caught up by a snapshot whose membership includes it; an older one (say the
                // bootstrap snapshot) it must refuse, and the leader would resend it forever.
                snapshotAndCompact(n);
            }
        }
        check.applied(n.id, e, RaftInspector.term(n.raw), n.sm);
    }

    /** Nodes that a committed change took out of the membership shut down once it is in force. */
    private void scheduleRemovals(ConfState before, ConfState after, long index) {
        TreeSet<Long> gone = MembershipChanges.members(before);
        gone.removeAll(MembershipChanges.members(after));
        for (long id : gone) {
            SimNode x = nodes.get(id);
            if (x != null && !x.removed && x.removedBy == null) {
                x.removedBy = after;
                x.removedAt = index;
                stats.nodesRemoved++;
            }
        }
    }

    // ---------------------------------------------------------------- reads

    private void answered(SimNode n, ReadState rs) {
        long ctx = bytesLong(rs.requestCtx());
        ReadRecord r = reads.remove(ctx);
        if (r == null) {
            if (ctx <= 0 || ctx >= nextReadCtx) {
                throw new InvariantViolation("read index", "node " + n.id + " got an answer for read " + ctx
                        + ", which nobody asked");
            }
            return; // a duplicate answer: the first one was checked
        }
        if (trace) {
            log("node " + n.id + " gets read index " + rs.index() + " for read " + ctx);
        }
        check.readIndexAnswered(n.id, r.node(), rs.index(), r.requiredIndex());
        n.answeredReads.add(new SimNode.AnsweredRead(rs, r));
    }

    /** Reads whose index the state machine has reached are served now: they must see every earlier write. */
    private void serveReads(SimNode n) {
        if (n.answeredReads.isEmpty()) {
            return;
        }
        long applied = n.sm.appliedIndex();
        n.answeredReads.removeIf(a -> {
            if (a.state().index() > applied) {
                return false;
            }
            stats.readsChecked++;
            check.readServed(n.id, n.sm, a.request().writesBefore(), a.request().lastWrite(), a.state().index());
            return true;
        });
    }

    // ---------------------------------------------------------------- checks after every step

    private void observe() {
        for (SimNode n : nodes.values()) {
            if (!n.up()) {
                continue;
            }
            RawNode raw = n.raw;
            long c = RaftInspector.committed(raw);
            stats.invariantChecks++;
            if (c < n.lastCommit) {
                throw new InvariantViolation("commit index monotonic", "node " + n.id + " commit index went from "
                        + n.lastCommit + " back to " + c);
            }
            boolean leader = RaftInspector.role(raw) == StateRole.LEADER;
            long term = RaftInspector.term(raw);
            if (c > n.lastCommit) {
                recordCommitted(n, n.lastCommit + 1, c);
                if (leader && n.completenessTerm == term) {
                    // It led this term at the previous check too, so it moved its commit index itself: Raft
                    // §5.4.2 lets a leader commit only by counting replicas of an entry of its own term.
                    check.leaderCommitRule(n.id, term, RaftInspector.termAt(raw, c), c);
                }
                n.lastCommit = c;
            }
            if (leader) {
                check.leader(term, n.id, "its role says so");
                if (n.completenessTerm != term) {
                    if (trace) {
                        log("node " + n.id + " leads term " + term + " (commit " + c + ", last "
                                + RaftInspector.lastIndex(raw) + ")");
                    }
                    n.completenessTerm = term;
                    if (faults && random.nextDouble() < opts.newLeaderCrashRate) {
                        n.crashAt = now + 1 + random.nextInt(12);
                    }
                    n.completenessFrom = 1;
                }
                n.completenessFrom = check.leaderCompleteness(n.id, raw, term, n.completenessFrom);
            }
        }
    }

    /** Entries {@code [lo, hi]} of {@code n}'s log became committed in its view. */
    private void recordCommitted(SimNode n, long lo, long hi) {
        long first = RaftInspector.firstIndex(n.raw);
        if (lo < first) {
            // Covered by a snapshot: that can only hold entries somebody applied, which are known committed.
            if (first - 1 > check.knownCommitted()) {
                throw new InvariantViolation("state machine safety", "node " + n.id + " commits up to " + hi
                        + " through a snapshot at " + (first - 1) + " beyond the known committed sequence ("
                        + check.knownCommitted() + ")");
            }
            lo = first;
        }
        if (lo > hi) {
            return;
        }
        long term = RaftInspector.term(n.raw);
        for (Entry e : RaftInspector.entries(n.raw, lo, hi + 1)) {
            check.committed(n.id, e, term);
        }
    }

    /** At the end, every entry on every disk must have gone through the log matching registry. */
    private void checkStoredLogsRegistered() {
        for (SimNode n : nodes.values()) {
            MemStorage s = n.storage;
            long first = s.firstIndex();
            long last = s.lastIndex();
            if (first <= last) {
                check.registered(n.id, s.entries(first, last + 1, Long.MAX_VALUE));
            }
        }
    }

    // ---------------------------------------------------------------- liveness

    /**
     * Heals every fault, restarts every crashed member, and requires that a leader commits a fresh write on a
     * quorum within {@link SimOptions#livenessBoundTicks} ticks.
     */
    private void checkLiveness(String label) {
        String savedPhase = phase;
        phase = "liveness check, " + label;
        faults = false;
        net.setReliable(true);
        net.heal();
        for (SimNode n : nodes.values()) {
            if (!n.up() && !n.removed) {
                stats.restarts++;
                start(n);
            }
        }
        if (trace) {
            log("liveness check (" + label + "): faults healed");
        }
        long backlog = 0;
        for (SimNode n : nodes.values()) {
            if (n.up()) {
                backlog = Math.max(backlog, RaftInspector.lastIndex(n.raw) - check.knownCommitted());
            }
        }
        int bound = opts.livenessBoundTicks(backlog);
        List<Long> probes = new ArrayList<>();
        long lastProposal = -1;
        for (int t = 1; t <= bound; t++) {
            SimNode leader = leader();
            if (leader != null) {
                try {
                    if (RaftInspector.isJoint(leader.raw) && !RaftInspector.autoLeave(leader.raw)) {
                        // The operator finishes an explicit joint change, as raftify's admin would.
                        if (lastProposal < 0 || now - lastProposal >= opts.electionTick) {
                            lastProposal = now;
                            leader.raw.proposeConfChange(ByteString.EMPTY, MembershipChanges.leaveJoint().v2());
                        }
                    } else if (lastProposal < 0 || now - lastProposal >= 4L * opts.electionTick) {
                        // A fresh write; proposed again if an earlier one was lost with a deposed leader.
                        lastProposal = now;
                        long w = nextWrite++;
                        probes.add(w);
                        leader.raw.propose(ByteString.EMPTY, payload(w));
                    }
                } catch (ProposalDroppedException e) {
                    // Try again later.
                }
            }
            runStep();
            for (long w : probes) {
                if (committedOnQuorum(w)) {
                    stats.livenessChecks++;
                    stats.recoveryTicksSum += t;
                    stats.recoveryTicksMax = Math.max(stats.recoveryTicksMax, t);
                    stats.recoveryTimeoutsMax = Math.max(stats.recoveryTimeoutsMax, (double) t / opts.electionTick);
                    if (trace) {
                        log("liveness check (" + label + ") passed after " + t + " ticks");
                    }
                    faults = true;
                    net.setReliable(false);
                    phase = savedPhase;
                    return;
                }
            }
        }
        throw new InvariantViolation("liveness", "no fresh write committed on a quorum within " + bound
                + " ticks after healing every fault (backlog " + backlog + " entries); " + describeCluster());
    }

    /** Whether write {@code w} is committed in the view of a quorum of the current leader's membership. */
    private boolean committedOnQuorum(long w) {
        long index = check.indexOfWrite(w);
        SimNode leader = leader();
        if (index < 0 || leader == null) {
            return false;
        }
        ConfState cs = RaftInspector.confState(leader.raw);
        return quorumCommitted(cs.getVotersList(), index) && quorumCommitted(cs.getVotersOutgoingList(), index);
    }

    private boolean quorumCommitted(List<Long> voters, long index) {
        int have = 0;
        for (long id : voters) {
            SimNode n = nodes.get(id);
            if (n != null && n.up() && n.lastCommit >= index) {
                have++;
            }
        }
        return voters.isEmpty() || have > voters.size() / 2;
    }

    private String describeCluster() {
        StringBuilder sb = new StringBuilder("nodes:");
        for (SimNode n : nodes.values()) {
            sb.append(' ').append(n.id).append('=');
            if (n.removed) {
                sb.append("removed");
            } else if (!n.up()) {
                sb.append("down");
            } else {
                sb.append(RaftInspector.role(n.raw)).append("/t").append(RaftInspector.term(n.raw))
                        .append("/c").append(RaftInspector.committed(n.raw))
                        .append("/l").append(RaftInspector.lastIndex(n.raw))
                        .append("/conf").append(RaftInspector.confState(n.raw).getVotersList());
                if (RaftInspector.isJoint(n.raw)) {
                    sb.append('&').append(RaftInspector.confState(n.raw).getVotersOutgoingList());
                }
                if (RaftInspector.role(n.raw) == StateRole.LEADER) {
                    sb.append(" progress").append(n.raw.status().progress());
                }
            }
        }
        return sb.toString();
    }
}
