package dev.raftify.bench.cluster;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * The benchmark's write: an 8-byte key followed by the value. Both engines' state machines decode it the same way
 * and keep the latest value per key, so their apply work is the same.
 */
final class KvCommand {
    private KvCommand() {}

    /**
     * {@code count} distinct commands (keys 0..count-1, random values of {@code valueSize} bytes), cycled by the load
     * generator: building commands is then no part of what is measured, and the state stays bounded.
     */
    static byte[][] pregenerate(int count, int valueSize, long seed) {
        Random random = new Random(seed);
        byte[][] commands = new byte[count][];
        for (int i = 0; i < count; i++) {
            byte[] c = new byte[8 + valueSize];
            random.nextBytes(c);
            ByteBuffer.wrap(c).putLong(0, i);
            commands[i] = c;
        }
        return commands;
    }

    static long key(byte[] command) {
        return ByteBuffer.wrap(command).getLong(0);
    }
}
