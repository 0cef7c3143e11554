package dev.raftify.cluster;

import dev.raftify.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** A tiny key-value state machine for engine tests: commands are {@code "key=value"}; apply returns the old value. */
final class KvStateMachine implements StateMachine {
    final Map<String, String> map = new ConcurrentHashMap<>();
    volatile long lastApplied;

    static byte[] put(String k, String v) {
        return (k + "=" + v).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] apply(long index, byte[] command) {
        String s = new String(command, StandardCharsets.UTF_8);
        int eq = s.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("not a key=value command: " + s);
        }
        String old = map.put(s.substring(0, eq), s.substring(eq + 1));
        lastApplied = index;
        return old == null ? new byte[0] : old.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void snapshot(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        Map<String, String> sorted = new TreeMap<>(map);
        d.writeInt(sorted.size());
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            d.writeUTF(e.getKey());
            d.writeUTF(e.getValue());
        }
        d.flush();
    }

    @Override
    public void restore(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int n = d.readInt();
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put(d.readUTF(), d.readUTF());
        }
        map.clear();
        map.putAll(m);
    }
}
