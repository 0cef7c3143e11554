package dev.raftify.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftify.proto.service.EntryContext;
import dev.raftify.proto.service.InternalCommand;

/** Reads and writes the {@link EntryContext} the engine stores in every entry it proposes. */
final class EntryContexts {
    private EntryContexts() {}

    static ByteString of(long originNode, long session, long requestId, InternalCommand kind) {
        return EntryContext.newBuilder().setOriginNode(originNode).setSession(session).setRequestId(requestId)
                .setInternal(kind).build().toByteString();
    }

    /**
     * The request id of an entry this very process proposed, else 0. An entry of the same node's earlier run
     * (replayed after a restart) carries another session, and its request id may be one this run handed out
     * again: matching on the id alone once acknowledged a new write with an old entry's result.
     */
    static long requestIdIfMine(EntryContext ctx, long nodeId, long session) {
        return ctx.getOriginNode() == nodeId && ctx.getSession() == session ? ctx.getRequestId() : 0;
    }

    /**
     * The context of an entry, or the default (no origin, application command) for an entry without one (a new
     * leader's empty entry, or an entry written by another tool).
     */
    static EntryContext parse(ByteString context) {
        if (context.isEmpty()) {
            return EntryContext.getDefaultInstance();
        }
        try {
            return EntryContext.parseFrom(context);
        } catch (InvalidProtocolBufferException e) {
            // Not ours: treat it as an application command nobody here is waiting for.
            return EntryContext.getDefaultInstance();
        }
    }
}
