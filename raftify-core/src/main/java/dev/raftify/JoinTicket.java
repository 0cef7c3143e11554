package dev.raftify;

import java.util.Map;

/**
 * What a node needs to join a running cluster: the id reserved for it, the leader, and the members' addresses.
 * Obtained with {@link Raft#requestId}.
 */
public record JoinTicket(long reservedId, long leaderId, String leaderAddress, Map<Long, String> peers) {
    public JoinTicket {
        peers = Map.copyOf(peers);
    }
}
