package dev.raftify.node;

import dev.raftify.proto.service.Peer;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The address of every member, and of every node that reserved an id to join. Persisted with each change in
 * the same storage transaction as the membership change that caused it, and carried in snapshots, so a
 * restarted node never needs its peers listed again. Immutable: each change makes a new book.
 */
final class PeerBook {
    private final TreeMap<Long, String> addresses;

    PeerBook(Map<Long, String> addresses) {
        this.addresses = new TreeMap<>(addresses);
    }

    static PeerBook of(List<Peer> peers) {
        TreeMap<Long, String> m = new TreeMap<>();
        for (Peer p : peers) {
            m.put(p.getNodeId(), p.getAddress());
        }
        return new PeerBook(m);
    }

    Map<Long, String> asMap() {
        return Collections.unmodifiableMap(addresses);
    }

    String address(long id) {
        return addresses.get(id);
    }

    boolean contains(long id) {
        return addresses.containsKey(id);
    }

    long maxId() {
        return addresses.isEmpty() ? 0 : addresses.lastKey();
    }

    PeerBook with(long id, String address) {
        if (address.equals(addresses.get(id))) {
            return this;
        }
        TreeMap<Long, String> m = new TreeMap<>(addresses);
        m.put(id, address);
        return new PeerBook(m);
    }

    PeerBook without(long id) {
        if (!addresses.containsKey(id)) {
            return this;
        }
        TreeMap<Long, String> m = new TreeMap<>(addresses);
        m.remove(id);
        return new PeerBook(m);
    }

    List<Peer> toPeers() {
        return addresses.entrySet().stream()
                .map(e -> Peer.newBuilder().setNodeId(e.getKey()).setAddress(e.getValue()).build())
                .toList();
    }

    @Override
    public String toString() {
        return addresses.toString();
    }
}
