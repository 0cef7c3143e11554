package dev.raftify.transport;

/** What a transport reports back to the node about deliveries. Called from transport threads. */
public interface TransportEvents {
    /** Messages to {@code peer} could not be delivered (connection failed or the queue overflowed). */
    void reportUnreachable(long peer);

    /** Sending a snapshot to {@code peer} finished, successfully or not. */
    void reportSnapshot(long peer, boolean success);
}
