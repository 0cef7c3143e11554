package dev.raftify.raft;

import com.google.protobuf.ByteString;

/**
 * The answer to a read index request: once this node has applied {@code index}, a read of its state machine
 * reflects every write committed before the request began.
 *
 * @param index the read index
 * @param requestCtx the context the caller passed to {@code readIndex}, to match answers to requests
 */
public record ReadState(long index, ByteString requestCtx) {}
