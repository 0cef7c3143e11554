package dev.raftify.bench.cluster;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The benchmark's key-value state machine for SOFAJRaft: the latest value per key, in memory, as {@link RaftifyKv}.
 * JRaft calls {@link #onApply} on its single state machine thread with the committed entries in log order. No
 * snapshots are configured, so a restarted member rebuilds the map by replaying its log.
 */
final class JRaftKv extends StateMachineAdapter {
    private final Map<Long, byte[]> values = new HashMap<>();

    @Override
    public void onApply(Iterator it) {
        while (it.hasNext()) {
            // A copy, as Raftify's apply receives one: on the leader the buffer is the one the task carried.
            ByteBuffer data = it.getData().duplicate();
            byte[] command = new byte[data.remaining()];
            data.get(command);
            values.put(KvCommand.key(command), command);
            Closure done = it.done();
            if (done != null) {
                // Only on the leader, for the entries it proposed: this sends the write's reply.
                done.run(Status.OK());
            }
            it.next();
        }
    }
}
