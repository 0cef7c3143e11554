package dev.raftify.examples.memstore;

import java.util.Objects;

/** A memstore write, as it travels through the Raft log. Keys are non-negative (raftify's {@code u64} keys). */
public sealed interface Command {

    /** The key this command writes. */
    long key();

    /** Sets {@code key} to {@code value}. */
    record Put(long key, String value) implements Command {
        public Put {
            requireKey(key);
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "Put { key: " + Long.toUnsignedString(key) + ", value: " + quote(value) + " }";
        }
    }

    /** Sets {@code key} to {@code newValue} only if it currently holds {@code expected}. */
    record Cas(long key, String expected, String newValue) implements Command {
        public Cas {
            requireKey(key);
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(newValue, "newValue");
        }

        @Override
        public String toString() {
            return "Cas { key: " + Long.toUnsignedString(key) + ", expected: " + quote(expected) + ", new: "
                    + quote(newValue) + " }";
        }
    }

    private static void requireKey(long key) {
        if (key < 0) {
            throw new IllegalArgumentException("keys are non-negative, got " + key);
        }
    }

    /** A string literal in Rust's Debug style, so the CLI renders entries as raftify's memstore does. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u{%x}", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
