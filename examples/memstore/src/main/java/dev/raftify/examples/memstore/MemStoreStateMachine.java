package dev.raftify.examples.memstore;

import dev.raftify.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicated key-value map. Raftify applies commands from its apply thread; HTTP threads read concurrently
 * (stale reads directly, linearizable reads after the ReadIndex barrier), hence a concurrent map.
 */
public final class MemStoreStateMachine implements StateMachine {
    /** Snapshot header: format marker and version, so a foreign or future snapshot fails loudly. */
    private static final int SNAPSHOT_MAGIC = 0x6D656D31; // "mem1"
    private static final byte[] EMPTY = new byte[0];

    /** Replaced whole on restore, so that a concurrent reader never sees a half-restored map. */
    private volatile Map<Long, String> map = new ConcurrentHashMap<>();

    public Optional<String> get(long key) {
        return Optional.ofNullable(map.get(key));
    }

    public int size() {
        return map.size();
    }

    @Override
    public byte[] apply(long index, byte[] command) {
        Command c = CommandCodec.INSTANCE.decode(command);
        if (c instanceof Command.Put p) {
            map.put(p.key(), p.value());
            return EMPTY;
        }
        Command.Cas cas = (Command.Cas) c;
        String current = map.get(cas.key());
        if (cas.expected().equals(current)) {
            map.put(cas.key(), cas.newValue());
            return CasResult.ofSwapped().encode();
        }
        return CasResult.ofMismatch(current).encode();
    }

    @Override
    public void snapshot(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        // Sorted, so that equal states give byte-identical snapshots on every node.
        Map<Long, String> sorted = new TreeMap<>(map);
        d.writeInt(SNAPSHOT_MAGIC);
        d.writeInt(sorted.size());
        for (Map.Entry<Long, String> e : sorted.entrySet()) {
            byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
            d.writeLong(e.getKey());
            d.writeInt(v.length);
            d.write(v);
        }
        d.flush();
    }

    @Override
    public void restore(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int magic = d.readInt();
        if (magic != SNAPSHOT_MAGIC) {
            throw new IOException("not a memstore snapshot (header " + Integer.toHexString(magic) + ")");
        }
        int n = d.readInt();
        Map<Long, String> restored = new ConcurrentHashMap<>(Math.max(16, n * 2));
        for (int i = 0; i < n; i++) {
            long key = d.readLong();
            byte[] v = new byte[d.readInt()];
            d.readFully(v);
            restored.put(key, new String(v, StandardCharsets.UTF_8));
        }
        map = restored;
    }
}
