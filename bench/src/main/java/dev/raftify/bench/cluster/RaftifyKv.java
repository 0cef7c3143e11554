package dev.raftify.bench.cluster;

import dev.raftify.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

/** The benchmark's key-value state machine for Raftify: the latest value per key, in memory. */
final class RaftifyKv implements StateMachine {
    private static final byte[] OK = new byte[0];

    // Only the apply thread touches the map (apply, snapshot and restore all run there).
    private final Map<Long, byte[]> values = new HashMap<>();

    @Override
    public byte[] apply(long index, byte[] command) {
        values.put(KvCommand.key(command), command);
        return OK;
    }

    @Override
    public void snapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(values.size());
        for (byte[] command : values.values()) {
            data.writeInt(command.length);
            data.write(command);
        }
        data.flush();
    }

    @Override
    public void restore(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        values.clear();
        int n = data.readInt();
        for (int i = 0; i < n; i++) {
            byte[] command = new byte[data.readInt()];
            data.readFully(command);
            values.put(KvCommand.key(command), command);
        }
    }
}
