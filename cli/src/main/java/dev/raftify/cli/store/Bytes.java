package dev.raftify.cli.store;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Showing application bytes to people: as text when they are printable UTF-8, else as hex. */
public final class Bytes {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Bytes() {
    }

    /** The bytes as text if they are valid UTF-8 with no control characters other than tab and newlines. */
    public static String printable(byte[] data) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                return null;
            }
        }
        return s;
    }

    /** Tabs and newlines shown as {@code \t}, {@code \n}, {@code \r}: a table row stays one logical line. */
    public static String escapeLineBreaks(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    /** Lower-case hex with a {@code 0x} prefix. */
    public static String hex(byte[] data, int offset, int length) {
        StringBuilder sb = new StringBuilder(2 + 2 * length).append("0x");
        for (int i = offset; i < offset + length; i++) {
            sb.append(HEX[(data[i] >> 4) & 0xf]).append(HEX[data[i] & 0xf]);
        }
        return sb.toString();
    }

    public static String hex(byte[] data) {
        return hex(data, 0, data.length);
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 3.0 MiB}. */
    public static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
