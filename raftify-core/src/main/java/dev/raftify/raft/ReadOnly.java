package dev.raftify.raft;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The leader's pending read index requests in safe mode. Each request records the commit index when it arrived
 * and waits for a quorum to acknowledge a heartbeat carrying its context; then it and every request queued before
 * it are answered (an acknowledgement of a later heartbeat confirms leadership for the earlier ones too).
 */
final class ReadOnly {

    static final class ReadIndexStatus {
        final Message request;
        final long index;
        // Sorted so that vote counting iterates deterministically.
        final Map<Long, Boolean> acks = new TreeMap<>();

        ReadIndexStatus(Message request, long index) {
            this.request = request;
            this.index = index;
        }
    }

    private final ReadOnlyOption option;
    private final Map<ByteString, ReadIndexStatus> pending = new HashMap<>();
    private final ArrayDeque<ByteString> queue = new ArrayDeque<>();

    ReadOnly(ReadOnlyOption option) {
        this.option = option;
    }

    ReadOnlyOption option() {
        return option;
    }

    /** Registers a request that arrived when the commit index was {@code index}. */
    void addRequest(long index, Message m) {
        ByteString ctx = m.getEntries(0).getData();
        if (pending.containsKey(ctx)) {
            return;
        }
        pending.put(ctx, new ReadIndexStatus(m, index));
        queue.addLast(ctx);
    }

    /** Records that {@code id} acknowledged the heartbeat for {@code ctx}; returns the acks so far, or null. */
    Map<Long, Boolean> recvAck(long id, ByteString ctx) {
        ReadIndexStatus rs = pending.get(ctx);
        if (rs == null) {
            return null;
        }
        rs.acks.put(id, true);
        return rs.acks;
    }

    /** Removes and returns the requests up to and including the one for {@code ctx}. */
    List<ReadIndexStatus> advance(ByteString ctx) {
        if (!pending.containsKey(ctx)) {
            return List.of();
        }
        List<ReadIndexStatus> out = new ArrayList<>();
        while (!queue.isEmpty()) {
            ByteString c = queue.pollFirst();
            ReadIndexStatus rs = pending.remove(c);
            if (rs == null) {
                throw new IllegalStateException("read index queue and pending map disagree");
            }
            out.add(rs);
            if (c.equals(ctx)) {
                break;
            }
        }
        return out;
    }

    /** The context of the newest pending request, or null: a heartbeat carries it to confirm all of them. */
    ByteString lastPendingRequestCtx() {
        return queue.peekLast();
    }

    int pendingCount() {
        return queue.size();
    }
}
