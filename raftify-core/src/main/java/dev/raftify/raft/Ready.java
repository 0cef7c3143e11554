package dev.raftify.raft;

import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.Snapshot;
import java.util.List;

/**
 * Everything the consensus core asks its caller to do, taken with {@link RawNode#ready()}. The caller must, in
 * this order:
 *
 * <ol>
 *   <li>send {@link #messages()} at once: the leader's replication traffic, which may go out before the leader's
 *       own write (thesis §10.2.1; the leader counts itself toward a quorum only once its write is reported);
 *   <li>persist, atomically and durably: {@link #snapshot()} (if any), then {@link #entries()} (truncating any
 *       conflicting suffix of the stored log first), then {@link #hardState()} (if any);
 *   <li>only then send {@link #persistedMessages()}: votes and acknowledgements, which promise what is on disk;
 *   <li>apply {@link #snapshot()} (if any) to the state machine, then {@link #committedEntries()} in order;
 *       the committed entries are all persisted on this node already, so applying them may start before step 2
 *       of this same Ready (the runtime does, unless the Ready carries a snapshot, which must be stored and
 *       restored first) and run concurrently with the next Ready;
 *       {@link #readStates()} become servable once the state machine has applied their index;
 *   <li>call {@link RawNode#advance(Ready)} (or {@link RawNode#advanceAppend(Ready)} now and
 *       {@link RawNode#advanceApply(long)} once applying is done).
 * </ol>
 *
 * <p>Only one Ready is outstanding at a time: {@link RawNode#ready()} refuses to hand out another before the
 * previous one was advanced.
 */
public final class Ready {
    private final long number;
    private final SoftState softState;
    private final HardState hardState;
    private final List<ReadState> readStates;
    private final List<Entry> entries;
    private final Snapshot snapshot;
    private final List<Entry> committedEntries;
    private final List<Message> messages;
    private final List<Message> persistedMessages;
    private final boolean mustSync;

    Ready(long number, SoftState softState, HardState hardState, List<ReadState> readStates, List<Entry> entries,
            Snapshot snapshot, List<Entry> committedEntries, List<Message> messages, List<Message> persistedMessages,
            boolean mustSync) {
        this.number = number;
        this.softState = softState;
        this.hardState = hardState;
        this.readStates = List.copyOf(readStates);
        this.entries = List.copyOf(entries);
        this.snapshot = snapshot;
        this.committedEntries = List.copyOf(committedEntries);
        this.messages = List.copyOf(messages);
        this.persistedMessages = List.copyOf(persistedMessages);
        this.mustSync = mustSync;
    }

    /** A sequence number, increasing by one per Ready. */
    public long number() {
        return number;
    }

    /** The new leader and role, or null if unchanged. Not persisted. */
    public SoftState softState() {
        return softState;
    }

    /** The new term, vote and commit index to persist, or null if unchanged. */
    public HardState hardState() {
        return hardState;
    }

    /** Answers to read index requests. */
    public List<ReadState> readStates() {
        return readStates;
    }

    /** Entries to append to stable storage. */
    public List<Entry> entries() {
        return entries;
    }

    /** A snapshot from the leader to persist and apply, or null. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Committed, persisted entries to apply to the state machine, in order. */
    public List<Entry> committedEntries() {
        return committedEntries;
    }

    /**
     * Messages to send now, before persisting. Empty when this Ready carries a new term or vote: nothing may be
     * sent in a term that is not durable yet, so then every message is in {@link #persistedMessages()}.
     */
    public List<Message> messages() {
        return messages;
    }

    /** Messages to send only after this Ready's state is persisted. */
    public List<Message> persistedMessages() {
        return persistedMessages;
    }

    /**
     * Whether the write must be synced to disk before {@link #persistedMessages()} go out: true when the term,
     * vote or entries changed. (A commit-index-only change may be written lazily: a lost commit index is
     * re-learned from the leader.)
     */
    public boolean mustSync() {
        return mustSync;
    }

    @Override
    public String toString() {
        return "Ready{#" + number + ", soft=" + softState + ", hs=" + (hardState == null ? "-" : hardState.getTerm()
                + "/" + hardState.getVote() + "/" + hardState.getCommit()) + ", entries=" + entries.size()
                + ", snapshot=" + (snapshot == null ? "-" : snapshot.getMetadata().getIndex())
                + ", committed=" + committedEntries.size() + ", msgs=" + messages.size()
                + ", persistedMsgs=" + persistedMessages.size() + ", readStates=" + readStates.size() + "}";
    }
}
