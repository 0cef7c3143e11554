package dev.raftify.examples.memstore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What applying a {@link Command.Cas} returns to the proposer: whether it swapped, and if not, the value the key
 * held ({@code null} when absent). Encoded as one status byte (1 swapped, 0 key absent, 2 mismatch followed by the
 * current value in UTF-8).
 */
public record CasResult(boolean swapped, String current) {
    private static final byte SWAPPED = 1;
    private static final byte ABSENT = 0;
    private static final byte MISMATCH = 2;

    static CasResult ofSwapped() {
        return new CasResult(true, null);
    }

    static CasResult ofMismatch(String current) {
        return new CasResult(false, current);
    }

    byte[] encode() {
        if (swapped) {
            return new byte[] {SWAPPED};
        }
        if (current == null) {
            return new byte[] {ABSENT};
        }
        byte[] v = current.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[v.length + 1];
        out[0] = MISMATCH;
        System.arraycopy(v, 0, out, 1, v.length);
        return out;
    }

    static CasResult decode(byte[] b) {
        if (b.length == 0) {
            throw new IllegalArgumentException("empty CAS result");
        }
        return switch (b[0]) {
            case SWAPPED -> ofSwapped();
            case ABSENT -> ofMismatch(null);
            case MISMATCH -> ofMismatch(new String(Arrays.copyOfRange(b, 1, b.length), StandardCharsets.UTF_8));
            default -> throw new IllegalArgumentException("unknown CAS result status " + b[0]);
        };
    }
}
