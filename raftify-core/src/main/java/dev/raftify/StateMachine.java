package dev.raftify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The application's replicated state. Raftify calls it from one thread (the apply thread), in log order, with
 * the same entries on every node; it must be deterministic.
 */
public interface StateMachine {

    /**
     * Applies a committed command.
     *
     * @param index the entry's log index (increasing; useful for idempotence)
     * @param command the bytes that were proposed
     * @return the result handed back to whoever proposed it (may be empty, never null)
     * @throws Exception to report a failed command; the entry still counts as applied on every node, and the
     *     proposer's future fails with {@link ApplyException}
     */
    byte[] apply(long index, byte[] command) throws Exception;

    /**
     * Writes the whole current state to {@code out}: what {@link #restore} needs to rebuild it. Called on the
     * apply thread between two {@link #apply} calls, so no entry is half applied. The stream goes (buffered) to the
     * snapshot's file, and the snapshot is stored, sent to followers in chunks and restored from files, never held
     * in memory whole: a state machine that writes its state in pieces can be larger than the heap.
     */
    void snapshot(OutputStream out) throws IOException;

    /**
     * Replaces the whole state with one written by {@link #snapshot}: {@code in} yields exactly those bytes, streamed
     * from the snapshot's file, and ends where they end.
     */
    void restore(InputStream in) throws IOException;
}
