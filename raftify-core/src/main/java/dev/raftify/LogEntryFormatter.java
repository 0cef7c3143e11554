package dev.raftify;

import java.util.Optional;

/**
 * Renders an application's log entry data for people, for example in {@code raftify-cli describe logs}.
 *
 * <p>Applications register an implementation in {@code META-INF/services/dev.raftify.LogEntryFormatter}; tools
 * load every registered formatter with {@link java.util.ServiceLoader} and use the first one that recognizes the
 * data.
 */
public interface LogEntryFormatter {

    /**
     * @param data the data of a normal log entry, as the application proposed it
     * @return a one-line, human-readable rendering, or empty if this formatter does not recognize the data
     */
    Optional<String> format(byte[] data);
}
