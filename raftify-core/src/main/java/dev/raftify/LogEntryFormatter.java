package dev.raftify;

import java.util.Optional;

/**
 * Renders an application's log entries readably for {@code raftify-cli describe logs}. Applications register an
 * implementation with Java's {@link java.util.ServiceLoader} (a file
 * {@code META-INF/services/dev.raftify.LogEntryFormatter} naming the class); the CLI tries each one found on its
 * classpath in turn.
 */
public interface LogEntryFormatter {
    /** A one-line rendering of a normal entry's data, or empty if this formatter does not recognize it. */
    Optional<String> format(byte[] data);
}
