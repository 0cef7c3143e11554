package dev.raftify.node;

import dev.raftify.proto.service.Peer;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The address of every member and of every node that reserved an id to join, plus the ids of removed nodes.
 * Persisted with each change in the same storage transaction as the membership change that caused it, and
 * carried in snapshots, so a restarted node never needs its peers listed again. Immutable: each change makes a
 * new book.
 *
 * <p>A removed node keeps a tombstone (stored as an empty address) for good: its id is never handed out again,
 * and its messages are refused, so a removed node still running with its old data cannot pass for a new member
 * or disturb elections. Removal is final because committing it puts it in every future leader's log.
 */
final class PeerBook {
    private static final String REMOVED = "";

    private final TreeMap<Long, String> entries;

    private PeerBook(TreeMap<Long, String> entries) {
        this.entries = entries;
    }

    /** A book from its stored form: id to address, an empty address marking a removed node. */
    static PeerBook fromStored(Map<Long, String> stored) {
        return new PeerBook(new TreeMap<>(stored));
    }

    static PeerBook of(List<Peer> peers) {
        TreeMap<Long, String> m = new TreeMap<>();
        for (Peer p : peers) {
            m.put(p.getNodeId(), p.getAddress());
        }
        return new PeerBook(m);
    }

    /** The stored form, tombstones included. */
    Map<Long, String> asStoredMap() {
        return Collections.unmodifiableMap(entries);
    }

    /** The addresses of members and reserved nodes (no removed ones). */
    Map<Long, String> asMap() {
        TreeMap<Long, String> live = new TreeMap<>();
        entries.forEach((id, addr) -> {
            if (!REMOVED.equals(addr)) {
                live.put(id, addr);
            }
        });
        return Collections.unmodifiableMap(live);
    }

    String address(long id) {
        String a = entries.get(id);
        return REMOVED.equals(a) ? null : a;
    }

    boolean contains(long id) {
        return address(id) != null;
    }

    boolean isRemoved(long id) {
        return REMOVED.equals(entries.get(id));
    }

    /** The highest id ever known, removed ones included: new ids are allocated above it. */
    long maxId() {
        return entries.isEmpty() ? 0 : entries.lastKey();
    }

    /** Records an address; a removed id keeps its tombstone (it never comes back). */
    PeerBook with(long id, String address) {
        if (isRemoved(id) || address.equals(entries.get(id))) {
            return this;
        }
        TreeMap<Long, String> m = new TreeMap<>(entries);
        m.put(id, address);
        return new PeerBook(m);
    }

    PeerBook removed(long id) {
        if (isRemoved(id)) {
            return this;
        }
        TreeMap<Long, String> m = new TreeMap<>(entries);
        m.put(id, REMOVED);
        return new PeerBook(m);
    }

    /** Members, reserved nodes and tombstones (empty address), as snapshots carry them. */
    List<Peer> toPeers() {
        return entries.entrySet().stream()
                .map(e -> Peer.newBuilder().setNodeId(e.getKey()).setAddress(e.getValue()).build())
                .toList();
    }

    /** Members and reserved nodes only. */
    List<Peer> toLivePeers() {
        return asMap().entrySet().stream()
                .map(e -> Peer.newBuilder().setNodeId(e.getKey()).setAddress(e.getValue()).build())
                .toList();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
