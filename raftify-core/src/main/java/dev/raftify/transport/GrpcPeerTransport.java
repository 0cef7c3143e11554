package dev.raftify.transport;

import dev.raftify.Config;
import dev.raftify.proto.eraftpb.Message;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gRPC transport to peers: one {@link PeerSender} (thread, queue, stream) per peer. */
public final class GrpcPeerTransport implements RaftTransport {
    private static final Logger log = LoggerFactory.getLogger(GrpcPeerTransport.class);

    private final long selfId;
    private final Config config;
    private final TransportEvents events;
    private final Map<Long, PeerSender> senders = new ConcurrentHashMap<>();
    private volatile Map<Long, String> peers = Map.of();
    private volatile boolean closed;

    public GrpcPeerTransport(long selfId, Config config, TransportEvents events) {
        this.selfId = selfId;
        this.config = config;
        this.events = events;
    }

    @Override
    public void send(List<Message> messages) {
        for (Message m : messages) {
            PeerSender s = sender(m.getTo());
            if (s == null) {
                events.reportUnreachable(m.getTo());
                continue;
            }
            s.enqueue(m);
        }
    }

    private PeerSender sender(long peer) {
        PeerSender s = senders.get(peer);
        if (s != null || closed) {
            return s;
        }
        String addr = peers.get(peer);
        if (addr == null) {
            return null;
        }
        return senders.computeIfAbsent(peer, p -> {
            PeerSender created = new PeerSender(selfId, p, addr,
                    Channels.open(addr, config.clusterId(), config.tls(), config.maxGrpcMessageSize()), events,
                    config.snapshotChunkSize());
            created.start();
            return created;
        });
    }

    @Override
    public synchronized void updatePeers(Map<Long, String> newPeers) {
        Map<Long, String> copy = new HashMap<>(newPeers);
        copy.remove(selfId);
        // A peer that moved or left gets a fresh sender on next use.
        for (Map.Entry<Long, PeerSender> e : senders.entrySet()) {
            String addr = copy.get(e.getKey());
            if (addr == null || !addr.equals(e.getValue().address())) {
                PeerSender old = senders.remove(e.getKey());
                if (old != null) {
                    old.close();
                }
            }
        }
        peers = Map.copyOf(copy);
        log.debug("node {}: peers {}", selfId, peers);
    }

    @Override
    public void close() {
        closed = true;
        for (PeerSender s : senders.values()) {
            s.close();
        }
        senders.clear();
    }
}
