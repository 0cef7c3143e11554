package dev.raftify.examples.memstore;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splits and decodes request paths: {@code /store/1/hello%20world} → {@code [store, 1, hello world]}. */
final class PathSegments {
    private PathSegments() {}

    /**
     * The decoded segments of a raw (still percent-encoded) path. Values may hold any character, {@code /}
     * included, when percent-encoded; {@code +} stays a plus (it means space only in form bodies).
     */
    static List<String> split(String rawPath) {
        List<String> out = new ArrayList<>();
        if (rawPath == null || !rawPath.startsWith("/")) {
            throw new BadRequestException("the path must start with /");
        }
        int start = 1;
        while (start <= rawPath.length()) {
            int slash = rawPath.indexOf('/', start);
            int end = slash < 0 ? rawPath.length() : slash;
            out.add(decode(rawPath.substring(start, end)));
            start = end + 1;
        }
        return out;
    }

    static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            int c = segment.codePointAt(i);
            if (c != '%') {
                bytes.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(c) - 1;
                continue;
            }
            if (i + 2 >= segment.length()) {
                throw new BadRequestException("truncated percent-encoding in '" + segment + "'");
            }
            int hi = Character.digit(segment.charAt(i + 1), 16);
            int lo = Character.digit(segment.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                throw new BadRequestException("malformed percent-encoding in '" + segment + "'");
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadRequestException("'" + segment + "' does not decode to UTF-8 text");
        }
    }

    /** A key: a non-negative decimal integer that fits in 63 bits. */
    static long key(String s) {
        return number(s, "key");
    }

    /** A node id: a positive decimal integer. */
    static long nodeId(String s) {
        long id = number(s, "node id");
        if (id == 0) {
            throw new BadRequestException("node ids start at 1");
        }
        return id;
    }

    private static long number(String s, String what) {
        if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new BadRequestException(what + " must be a non-negative integer, got '" + s + "'");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new BadRequestException(what + " is too large: " + s);
        }
    }

    /** A value: any non-empty text. */
    static String value(String s, String what) {
        if (s.isEmpty()) {
            throw new BadRequestException(what + " must not be empty");
        }
        return s;
    }
}
