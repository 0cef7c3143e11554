package dev.raftify.transport;

import dev.raftify.proto.eraftpb.Message;
import dev.raftify.storage.SnapshotReader;
import java.util.List;
import java.util.Map;

/**
 * Carries Raft messages to peers. Implementations never block the caller (the Raft thread): they queue, batch
 * and send in the background, and drop what cannot be delivered (Raft tolerates loss), reporting it.
 */
public interface RaftTransport extends AutoCloseable {

    /**
     * Sends each message to its {@code to} peer. Messages to one peer arrive in order, or not at all. A MsgSnapshot
     * goes through {@link #sendSnapshot} instead.
     */
    void send(List<Message> messages);

    /**
     * Sends a MsgSnapshot to its {@code to} peer, in order with the messages sent before and after it, streaming the
     * snapshot's data from {@code data} (which the transport closes when done). The outcome is reported with
     * {@link TransportEvents#reportSnapshot}.
     */
    void sendSnapshot(Message message, SnapshotReader data);

    /** The current address of every peer; messages to unknown peers are dropped and reported unreachable. */
    void updatePeers(Map<Long, String> peers);

    /**
     * Forgets any reconnect backoff towards {@code peer}: the caller has reason to believe it is back (it just sent
     * us something, or a leader transfer targets it). Without this a peer that restarted could wait out a backoff
     * longer than the election timeout.
     */
    default void retryNow(long peer) {
    }

    @Override
    void close();
}
