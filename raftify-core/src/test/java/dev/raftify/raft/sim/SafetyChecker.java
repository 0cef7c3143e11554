package dev.raftify.raft.sim;

import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.EntryType;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.raft.RaftInspector;
import dev.raftify.raft.RawNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The global history of one run, and the Raft safety properties checked against it as it grows. Every check is
 * incremental (it looks only at what changed), so all of them can run after every simulated step:
 *
 * <ul>
 *   <li><b>election safety</b>: at most one leader per term (from roles, and from who sends appends);
 *       and no node grants two votes in one term (from vote responses, and from its persisted hard state);
 *   <li><b>log matching</b>: every entry written to any node's disk is registered by (index, term) with its
 *       content and the term of the entry before it. If two logs share (index, term), the entries agree and so
 *       do their predecessors' terms, and by induction the logs agree on every earlier entry;
 *   <li><b>state machine safety</b>: entries covered by any node's commit index, and entries applied by any
 *       node, form one sequence; after each apply, and after each snapshot restore, the node's state equals the
 *       state of that sequence's prefix (compared by digest);
 *   <li><b>leader completeness</b>: every entry known committed before a term began is in the log of that
 *       term's leader;
 *   <li>the persisted term, vote and commit index never go back.
 * </ul>
 */
final class SafetyChecker {

    private record LogRecord(long term, long prevTerm, Entry entry, LogRecord next) {}

    private final SimStats stats;

    private final TreeMap<Long, Long> leaderOfTerm = new TreeMap<>();
    /** (term, voter) packed into one key, to the candidate it granted its vote to. */
    private final Map<Long, Long> votes = new HashMap<>();
    /** Log index to the (term, predecessor term, content) of every entry ever persisted at that index. */
    private final ArrayList<LogRecord> logRegistry = new ArrayList<>();

    // The known committed sequence, by index; index 0 is empty, index 1 the bootstrap snapshot.
    private final ArrayList<Entry> committed = new ArrayList<>();
    private long[] commitTerm = new long[256];
    private long[] prefixDigest = new long[256];
    private long[] prefixWrites = new long[256];
    private long[] lastWriteAt = new long[256];
    private final Map<Long, Long> indexOfWrite = new HashMap<>();

    SafetyChecker(SimStats stats, long bootstrapIndex, long bootstrapTerm) {
        this.stats = stats;
        committed.add(Entry.getDefaultInstance());
        for (long i = 1; i <= bootstrapIndex; i++) {
            // The bootstrap snapshot stands for entries nobody applies one by one; they carry no writes.
            append(Entry.newBuilder().setIndex(i).setTerm(bootstrapTerm).build(), bootstrapTerm);
        }
    }

    private static InvariantViolation violation(String invariant, String detail) {
        return new InvariantViolation(invariant, detail);
    }

    // ---------------------------------------------------------------- election safety

    /** {@code id} acts as the leader of {@code term} ({@code evidence} says how we know). */
    void leader(long term, long id, String evidence) {
        stats.invariantChecks++;
        Long prev = leaderOfTerm.putIfAbsent(term, id);
        if (prev == null) {
            stats.leadersElected++;
        } else if (prev != id) {
            throw violation("election safety", "nodes " + prev + " and " + id + " both lead term " + term
                    + " (" + evidence + ")");
        }
    }

    /** {@code voter} granted its vote in {@code term} to {@code candidate}. */
    void voteGranted(long term, long voter, long candidate) {
        stats.invariantChecks++;
        Long prev = votes.putIfAbsent(term * 1024 + voter, candidate);
        if (prev != null && prev != candidate) {
            throw violation("election safety", "node " + voter + " granted its vote in term " + term + " to both "
                    + prev + " and " + candidate);
        }
    }

    /** Checks that a node's durable term, vote and commit index moved only forward. */
    void persisted(long node, HardState before, HardState after) {
        stats.invariantChecks++;
        if (after.getTerm() < before.getTerm()) {
            throw violation("durable state", "node " + node + " persisted term " + after.getTerm() + " after "
                    + before.getTerm());
        }
        if (after.getTerm() == before.getTerm() && before.getVote() != 0 && after.getVote() != before.getVote()) {
            throw violation("election safety", "node " + node + " persisted a second vote in term "
                    + after.getTerm() + ": " + before.getVote() + " then " + after.getVote());
        }
        if (after.getCommit() < before.getCommit()) {
            throw violation("commit index monotonic", "node " + node + " persisted commit " + after.getCommit()
                    + " after " + before.getCommit());
        }
    }

    /** Leader {@code node} of {@code term} advanced its commit index to {@code index}, an entry of {@code entryTerm}. */
    void leaderCommitRule(long node, long term, long entryTerm, long index) {
        stats.invariantChecks++;
        if (entryTerm != term) {
            throw violation("leader commit rule", "leader " + node + " of term " + term + " advanced its commit index"
                    + " to " + index + ", an entry of term " + entryTerm + " (Raft 5.4.2: only entries of the"
                    + " leader's term are committed by counting replicas)");
        }
    }

    // ---------------------------------------------------------------- log matching

    /**
     * {@code node} is persisting {@code ents}, which follow an entry of term {@code prevTerm} in its log.
     */
    void appended(long node, long prevTerm, List<Entry> ents) {
        long prev = prevTerm;
        for (Entry e : ents) {
            stats.invariantChecks++;
            int i = (int) e.getIndex();
            while (logRegistry.size() <= i) {
                logRegistry.add(null);
            }
            LogRecord head = logRegistry.get(i);
            LogRecord found = null;
            for (LogRecord r = head; r != null; r = r.next) {
                if (r.term == e.getTerm()) {
                    found = r;
                    break;
                }
            }
            if (found == null) {
                logRegistry.set(i, new LogRecord(e.getTerm(), prev, e, head));
            } else if (found.prevTerm != prev || !found.entry.equals(e)) {
                throw violation("log matching", "node " + node + " persists entry " + e.getIndex() + "/" + e.getTerm()
                        + " after an entry of term " + prev + " with " + describe(e) + ", but another log has "
                        + e.getIndex() + "/" + e.getTerm() + " after term " + found.prevTerm + " with "
                        + describe(found.entry));
            }
            prev = e.getTerm();
        }
    }

    // ---------------------------------------------------------------- the committed sequence

    /** The highest index known to be committed. */
    long knownCommitted() {
        return committed.size() - 1;
    }

    /** The number of writes in the committed sequence up to {@code index}. */
    long writesUpTo(long index) {
        return prefixWrites[(int) index];
    }

    /** The last write in the committed sequence at or before {@code index}, or 0. */
    long lastWriteUpTo(long index) {
        return lastWriteAt[(int) index];
    }

    /** The index of write {@code w} in the committed sequence, or -1 if it is not known committed. */
    long indexOfWrite(long w) {
        return indexOfWrite.getOrDefault(w, -1L);
    }

    /**
     * {@code node} (now in {@code observerTerm}) considers {@code e} committed. The first observer's term is an
     * upper bound of the term in which it was committed, which is what leader completeness needs.
     */
    void committed(long node, Entry e, long observerTerm) {
        stats.invariantChecks++;
        long index = e.getIndex();
        if (index < committed.size()) {
            Entry known = committed.get((int) index);
            if (!known.equals(e)) {
                throw violation("state machine safety", "node " + node + " has " + describe(e)
                        + " committed at index " + index + ", but " + describe(known) + " was committed there");
            }
        } else if (index == committed.size()) {
            append(e, observerTerm);
        } else {
            throw violation("state machine safety", "node " + node + " commits index " + index
                    + " while the committed sequence is only known up to " + knownCommitted());
        }
    }

    /** {@code node} applied {@code e}; {@code sm} is its state after doing so. */
    void applied(long node, Entry e, long observerTerm, StateMachine sm) {
        committed(node, e, observerTerm);
        sameState(node, e.getIndex(), sm, "applying entry " + e.getIndex());
    }

    /** {@code node}'s state machine, at {@code index}, must be the committed sequence's state there. */
    void sameState(long node, long index, StateMachine sm, String how) {
        stats.invariantChecks++;
        if (index > knownCommitted()) {
            throw violation("state machine safety", "node " + node + " has a state at index " + index + " (after "
                    + how + ") beyond the known committed sequence (" + knownCommitted() + ")");
        }
        int i = (int) index;
        if (sm.digest() != prefixDigest[i] || sm.writeCount() != prefixWrites[i]) {
            throw violation("state machine safety", "node " + node + " after " + how + " holds " + sm.writeCount()
                    + " writes (digest " + Long.toHexString(sm.digest()) + "), but the committed sequence up to "
                    + index + " holds " + prefixWrites[i] + " (digest " + Long.toHexString(prefixDigest[i]) + ")");
        }
    }

    private void append(Entry e, long observerTerm) {
        int i = committed.size();
        if (i >= prefixDigest.length) {
            int n = prefixDigest.length * 2;
            commitTerm = Arrays.copyOf(commitTerm, n);
            prefixDigest = Arrays.copyOf(prefixDigest, n);
            prefixWrites = Arrays.copyOf(prefixWrites, n);
            lastWriteAt = Arrays.copyOf(lastWriteAt, n);
        }
        committed.add(e);
        commitTerm[i] = observerTerm;
        long w = writeOf(e);
        if (i == 0) {
            return;
        }
        prefixDigest[i] = w == 0 ? prefixDigest[i - 1] : StateMachine.fold(prefixDigest[i - 1], w);
        prefixWrites[i] = prefixWrites[i - 1] + (w == 0 ? 0 : 1);
        lastWriteAt[i] = w == 0 ? lastWriteAt[i - 1] : w;
        if (w != 0) {
            stats.entriesCommitted++;
            // A write may legitimately commit twice: the network duplicated a proposal forwarded to the leader
            // (clients retry too). The state machine counts both, as the global sequence does.
            indexOfWrite.putIfAbsent(w, (long) i);
        }
    }

    // ---------------------------------------------------------------- leader completeness

    /**
     * Checks that leader {@code node} of {@code term} holds every committed entry from index {@code from} on that
     * was committed before its term; returns where to continue next time.
     */
    long leaderCompleteness(long node, RawNode raw, long term, long from) {
        long known = knownCommitted();
        // Entries the leader compacted are covered by its snapshot, which holds only committed state.
        long i = Math.max(from, RaftInspector.firstIndex(raw));
        long last = RaftInspector.lastIndex(raw);
        for (; i <= known; i++) {
            if (commitTerm[(int) i] >= term) {
                continue;
            }
            stats.invariantChecks++;
            Entry e = committed.get((int) i);
            long t = i > last ? -1 : RaftInspector.termAt(raw, i);
            if (t != e.getTerm()) {
                throw violation("leader completeness", "leader " + node + " of term " + term + " lacks "
                        + describe(e) + " committed by term " + commitTerm[(int) i] + " (its log has "
                        + (t < 0 ? "no entry" : "term " + t) + " at " + i + ", last index " + last + ")");
            }
        }
        return known + 1;
    }

    // ---------------------------------------------------------------- read index

    /**
     * A read index answer reached {@code node} for a read that {@code requester} began when the committed
     * sequence was known up to {@code required}: the read index must cover all of it.
     */
    void readIndexAnswered(long node, long requester, long readIndex, long required) {
        stats.invariantChecks++;
        if (node != requester) {
            throw violation("read index", "node " + node + " got the answer to a read that node " + requester
                    + " began");
        }
        if (readIndex < required) {
            throw violation("read index linearizability", "node " + node + " got read index " + readIndex
                    + ", but index " + required + " was already committed when the read began");
        }
    }

    /**
     * {@code node} serves a read at {@code readIndex} from {@code sm}: it must reflect the {@code writesBefore}
     * writes committed before the read began, the last of which was {@code lastWrite}.
     */
    void readServed(long node, StateMachine sm, long writesBefore, long lastWrite, long readIndex) {
        stats.invariantChecks++;
        if (sm.writeCount() < writesBefore || (lastWrite != 0 && !sm.contains(lastWrite))) {
            throw violation("read index linearizability", "node " + node + " serves a read at index " + readIndex
                    + " from a state with " + sm.writeCount() + " writes (applied " + sm.appliedIndex()
                    + "), missing writes committed before the read began (" + writesBefore + " writes, the last "
                    + lastWrite + ")");
        }
    }

    /** Every entry of a stored log must be one the registry saw being persisted (none bypassed the checks). */
    void registered(long node, List<Entry> ents) {
        for (Entry e : ents) {
            stats.invariantChecks++;
            int i = (int) e.getIndex();
            LogRecord r = i < logRegistry.size() ? logRegistry.get(i) : null;
            while (r != null && r.term != e.getTerm()) {
                r = r.next;
            }
            if (r == null || !r.entry.equals(e)) {
                throw violation("log matching", "node " + node + " stores " + describe(e)
                        + ", which never went through a Ready");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The write id an entry carries (its first 8 bytes), or 0 for an empty or membership entry. */
    static long writeOf(Entry e) {
        if (e.getEntryType() != EntryType.EntryNormal || e.getData().size() < 8) {
            return 0;
        }
        long w = 0;
        for (int k = 0; k < 8; k++) {
            w = (w << 8) | (e.getData().byteAt(k) & 0xff);
        }
        return w;
    }

    static String describe(Entry e) {
        String what = switch (e.getEntryType()) {
            case EntryNormal -> writeOf(e) == 0 ? "empty" : "write " + writeOf(e);
            default -> "membership change";
        };
        return "[" + e.getIndex() + "/" + e.getTerm() + " " + what + "]";
    }
}
