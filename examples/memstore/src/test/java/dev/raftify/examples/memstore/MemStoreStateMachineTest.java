package dev.raftify.examples.memstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class MemStoreStateMachineTest {
    private static byte[] put(long k, String v) {
        return CommandCodec.INSTANCE.encode(new Command.Put(k, v));
    }

    private static CasResult cas(MemStoreStateMachine sm, long index, long k, String expected, String newValue) {
        return CasResult.decode(sm.apply(index, CommandCodec.INSTANCE.encode(new Command.Cas(k, expected, newValue))));
    }

    @Test
    void putAndCompareAndSwap() {
        MemStoreStateMachine sm = new MemStoreStateMachine();
        assertThat(sm.apply(1, put(1, "a"))).isEmpty();
        assertThat(sm.get(1)).contains("a");
        assertThat(cas(sm, 2, 1, "a", "b")).isEqualTo(new CasResult(true, null));
        assertThat(sm.get(1)).contains("b");
        assertThat(cas(sm, 3, 1, "a", "c")).isEqualTo(new CasResult(false, "b"));
        assertThat(sm.get(1)).contains("b");
        assertThat(cas(sm, 4, 9, "a", "c")).isEqualTo(new CasResult(false, null));
        assertThat(sm.get(9)).isEmpty();
    }

    @Test
    void malformedCommandFailsTheApply() {
        MemStoreStateMachine sm = new MemStoreStateMachine();
        assertThatThrownBy(() -> sm.apply(1, new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void snapshotRestoresTheSameStateAndIsDeterministic() throws IOException {
        MemStoreStateMachine a = new MemStoreStateMachine();
        MemStoreStateMachine b = new MemStoreStateMachine();
        for (int i = 0; i < 100; i++) {
            a.apply(i + 1, put(i, "v" + i + "é"));
            b.apply(i + 1, put(99 - i, "v" + (99 - i) + "é"));
        }
        ByteArrayOutputStream sa = new ByteArrayOutputStream();
        ByteArrayOutputStream sb = new ByteArrayOutputStream();
        a.snapshot(sa);
        b.snapshot(sb);
        // Same contents, different insertion order: byte-identical snapshots.
        assertThat(sa.toByteArray()).isEqualTo(sb.toByteArray());

        MemStoreStateMachine c = new MemStoreStateMachine();
        c.apply(1, put(500, "gone after restore"));
        c.restore(new ByteArrayInputStream(sa.toByteArray()));
        assertThat(c.size()).isEqualTo(100);
        assertThat(c.get(42)).contains("v42é");
        assertThat(c.get(500)).isEmpty();
    }

    @Test
    void restoreRefusesAForeignSnapshot() {
        MemStoreStateMachine sm = new MemStoreStateMachine();
        assertThatThrownBy(() -> sm.restore(new ByteArrayInputStream(new byte[] {0, 0, 0, 1, 0, 0, 0, 0})))
                .isInstanceOf(IOException.class).hasMessageContaining("not a memstore snapshot");
    }
}
