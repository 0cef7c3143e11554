package dev.raftify.transport;

import dev.raftify.Config;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.storage.SnapshotReader;
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
    /** Null unless fault injection is on: the common path then costs one null check per message. */
    private final FaultInjector faults;
    private final Map<Long, PeerSender> senders = new ConcurrentHashMap<>();
    private volatile Map<Long, String> peers = Map.of();
    private volatile boolean closed;

    public GrpcPeerTransport(long selfId, Config config, TransportEvents events) {
        this(selfId, config, events, null);
    }

    /** With {@code faults} non-null, messages to the peers it blocks are dropped as a lost link would drop them. */
    public GrpcPeerTransport(long selfId, Config config, TransportEvents events, FaultInjector faults) {
        this.selfId = selfId;
        this.config = config;
        this.events = events;
        this.faults = faults;
    }

    @Override
    public void send(List<Message> messages) {
        for (Message m : messages) {
            if (m.getMsgType() == MessageType.MsgSnapshot) {
                // Its data has to come with it (sendSnapshot): a bare one cannot be streamed.
                log.warn("node {}: a snapshot for node {} was sent without its data; dropped", selfId, m.getTo());
                events.reportSnapshot(m.getTo(), false);
                continue;
            }
            if (faults != null && faults.blocks(m.getTo())) {
                dropForFault(m);
                continue;
            }
            PeerSender s = sender(m.getTo());
            if (s == null) {
                events.reportUnreachable(m.getTo());
                continue;
            }
            s.enqueue(m);
        }
    }

    @Override
    public void sendSnapshot(Message m, SnapshotReader data) {
        if (faults != null && faults.blocks(m.getTo())) {
            data.close();
            dropForFault(m);
            return;
        }
        PeerSender s = sender(m.getTo());
        if (s == null) {
            data.close();
            events.reportSnapshot(m.getTo(), false);
            return;
        }
        s.enqueueSnapshot(m, data);
    }

    /** Reports a dropped message exactly as a failed delivery is reported, so Raft reacts as it would to a cut link. */
    private void dropForFault(Message m) {
        if (m.getMsgType() == MessageType.MsgSnapshot) {
            events.reportSnapshot(m.getTo(), false);
        } else {
            events.reportUnreachable(m.getTo());
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
    public void retryNow(long peer) {
        PeerSender s = senders.get(peer);
        if (s != null) {
            s.retryNow();
        }
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
