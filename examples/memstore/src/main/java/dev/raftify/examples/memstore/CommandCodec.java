package dev.raftify.examples.memstore;

import dev.raftify.LogEntryCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * memstore's log-entry encoding, hand-rolled rather than protobuf: two commands do not need a schema compiler,
 * and the leading magic byte lets {@link MemStoreFormatter} tell our entries from another application's (a
 * protobuf parser accepts almost any bytes as some message with unknown fields).
 *
 * <pre>
 *   byte    magic 0x6D ('m')
 *   byte    op: 1 = Put, 2 = Cas
 *   varint  key (unsigned LEB128)
 *   Put:    string value
 *   Cas:    string expected, string new
 *   string = varint byte length, then that many bytes of UTF-8
 * </pre>
 *
 * Decoding is strict (no trailing bytes, valid UTF-8), so a foreign entry is rejected rather than misread.
 */
public final class CommandCodec implements LogEntryCodec<Command> {
    static final byte MAGIC = 0x6D;
    static final byte OP_PUT = 1;
    static final byte OP_CAS = 2;

    public static final CommandCodec INSTANCE = new CommandCodec();

    @Override
    public byte[] encode(Command command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        out.write(MAGIC);
        if (command instanceof Command.Put p) {
            out.write(OP_PUT);
            writeVarint(out, p.key());
            writeString(out, p.value());
        } else if (command instanceof Command.Cas c) {
            out.write(OP_CAS);
            writeVarint(out, c.key());
            writeString(out, c.expected());
            writeString(out, c.newValue());
        }
        return out.toByteArray();
    }

    @Override
    public Command decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.remaining() < 2 || in.get() != MAGIC) {
            throw new IllegalArgumentException("not a memstore command");
        }
        byte op = in.get();
        long key = readVarint(in);
        Command c = switch (op) {
            case OP_PUT -> new Command.Put(key, readString(in));
            case OP_CAS -> new Command.Cas(key, readString(in), readString(in));
            default -> throw new IllegalArgumentException("unknown memstore operation " + op);
        };
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " trailing bytes after a memstore command");
        }
        return c;
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarint(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!in.hasRemaining()) {
                throw new IllegalArgumentException("truncated memstore command");
            }
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("malformed varint in memstore command");
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeVarint(out, b.length);
        out.writeBytes(b);
    }

    private static String readString(ByteBuffer in) {
        long len = readVarint(in);
        if (len < 0 || len > in.remaining()) {
            throw new IllegalArgumentException("truncated memstore command");
        }
        ByteBuffer slice = in.slice().limit((int) len);
        in.position(in.position() + (int) len);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("memstore command holds invalid UTF-8", e);
        }
    }
}
