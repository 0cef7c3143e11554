package dev.raftify.examples.memstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftify.LogEntryFormatter;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class CommandCodecTest {
    private final CommandCodec codec = CommandCodec.INSTANCE;

    @Test
    void roundTripsBothCommands() {
        for (Command c : new Command[] {new Command.Put(0, ""), new Command.Put(1, "hello"),
                new Command.Put(Long.MAX_VALUE, "ünïcödé ✓ 𝄞"), new Command.Cas(42, "a", "b"),
                new Command.Cas(300, "", "x/y z")}) {
            assertThat(codec.decode(codec.encode(c))).isEqualTo(c);
        }
    }

    @Test
    void encodingIsCompact() {
        // magic, op, varint key, varint length, 5 bytes
        assertThat(codec.encode(new Command.Put(1, "hello"))).hasSize(9);
    }

    @Test
    void rejectsWhatIsNotOurs() {
        assertThatThrownBy(() -> codec.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.decode("1=hello".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] good = codec.encode(new Command.Put(1, "hello"));
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> codec.decode(trailing)).hasMessageContaining("trailing");
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        assertThatThrownBy(() -> codec.decode(truncated)).hasMessageContaining("truncated");
        byte[] badUtf8 = {CommandCodec.MAGIC, CommandCodec.OP_PUT, 1, 1, (byte) 0xFF};
        assertThatThrownBy(() -> codec.decode(badUtf8)).hasMessageContaining("UTF-8");
        byte[] badOp = {CommandCodec.MAGIC, 9, 1};
        assertThatThrownBy(() -> codec.decode(badOp)).hasMessageContaining("unknown");
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButIllegalArgument() {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(12)];
            r.nextBytes(b);
            if (b.length > 0 && r.nextBoolean()) {
                b[0] = CommandCodec.MAGIC;
            }
            try {
                codec.decode(b);
            } catch (IllegalArgumentException expected) {
                // fine: rejected
            }
        }
    }

    @Test
    void formatterRendersEntriesLikeRaftify() {
        MemStoreFormatter f = new MemStoreFormatter();
        assertThat(f.format(codec.encode(new Command.Put(1, "hello")))).contains("Put { key: 1, value: \"hello\" }");
        assertThat(f.format(codec.encode(new Command.Cas(1, "a", "b"))))
                .contains("Cas { key: 1, expected: \"a\", new: \"b\" }");
        assertThat(f.format(codec.encode(new Command.Put(2, "say \"hi\"\n\\"))))
                .contains("Put { key: 2, value: \"say \\\"hi\\\"\\n\\\\\" }");
        assertThat(f.format("not ours".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void formatterIsRegisteredForTheCli() {
        assertThat(ServiceLoader.load(LogEntryFormatter.class).stream().map(ServiceLoader.Provider::type))
                .contains(MemStoreFormatter.class);
    }
}
