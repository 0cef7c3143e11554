package dev.raftify.cli.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftify.proto.service.Peer;
import dev.raftify.proto.service.SnapshotData;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a stored snapshot's data holds. The engine stores a {@link SnapshotData} (the peer address book and the
 * state machine's bytes); a store written without the engine may hold the state machine's bytes alone. Bytes are
 * taken as a SnapshotData only when they decode as one with no unknown field and encode back to exactly the same
 * bytes, so arbitrary application bytes are not mistaken for one.
 *
 * @param wrapped whether the data is a SnapshotData
 * @param peers the address book carried by the snapshot (empty when not wrapped)
 * @param stateMachine the state machine's bytes
 */
public record SnapshotContent(boolean wrapped, Map<Long, String> peers, ByteString stateMachine) {

    public static SnapshotContent of(ByteString data) {
        if (!data.isEmpty()) {
            try {
                SnapshotData sd = SnapshotData.parseFrom(data);
                if (sd.getUnknownFields().asMap().isEmpty() && sd.toByteString().equals(data)) {
                    Map<Long, String> peers = new TreeMap<>();
                    for (Peer p : sd.getPeersList()) {
                        peers.put(p.getNodeId(), p.getAddress());
                    }
                    return new SnapshotContent(true, peers, sd.getStateMachine());
                }
            } catch (InvalidProtocolBufferException e) {
                // Not a SnapshotData: the application's bytes as they are.
            }
        }
        return new SnapshotContent(false, Map.of(), data);
    }

    /** {@code 1.2 KiB (SnapshotData: 3 peers, state machine 1.1 KiB)}. */
    public String summary(long totalBytes) {
        if (totalBytes == 0) {
            return "none";
        }
        String size = Bytes.size(totalBytes);
        return wrapped ? size + " (SnapshotData: " + peers.size() + " peers, state machine "
                + Bytes.size(stateMachine.size()) + ")" : size + " (state machine bytes)";
    }
}
