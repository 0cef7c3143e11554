package dev.raftify.examples.memstore;

import dev.raftify.LogEntryFormatter;
import java.util.Optional;

/**
 * Renders memstore's log entries for {@code raftify-cli describe logs}, e.g. {@code Put { key: 1, value: "hello" }}.
 * Registered in {@code META-INF/services/dev.raftify.LogEntryFormatter}; the CLI finds it when the memstore jar is
 * on its classpath.
 */
public final class MemStoreFormatter implements LogEntryFormatter {

    @Override
    public Optional<String> format(byte[] data) {
        try {
            return Optional.of(CommandCodec.INSTANCE.decode(data).toString());
        } catch (IllegalArgumentException e) {
            // Not ours (or corrupt): let the CLI try another formatter or fall back to raw bytes.
            return Optional.empty();
        }
    }
}
