package dev.raftify;

/** The base of every error a Raftify operation completes with. */
public class RaftifyException extends RuntimeException {
    public RaftifyException(String message) {
        super(message);
    }

    public RaftifyException(String message, Throwable cause) {
        super(message, cause);
    }
}
