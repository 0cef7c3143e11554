package dev.raftify;

/**
 * Encodes an application's commands to the bytes stored in the log, and back (raftify's
 * {@code AbstractLogEntry::encode/decode}).
 *
 * @param <T> the command type
 */
public interface LogEntryCodec<T> {
    byte[] encode(T command);

    /** @throws IllegalArgumentException if {@code bytes} is not a valid command */
    T decode(byte[] bytes);
}
