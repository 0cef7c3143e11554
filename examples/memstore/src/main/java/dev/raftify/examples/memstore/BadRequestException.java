package dev.raftify.examples.memstore;

/** The request is malformed (a path segment that is not a key, bad percent-encoding, an unknown option): 400. */
final class BadRequestException extends IllegalArgumentException {
    BadRequestException(String message) {
        super(message);
    }
}
