package dev.raftify.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftify.proto.service.EntryContext;
import dev.raftify.proto.service.InternalCommand;

/** Reads and writes the {@link EntryContext} the engine stores in every entry it proposes. */
final class EntryContexts {
    private EntryContexts() {}

    static ByteString of(long originNode, long requestId, InternalCommand kind) {
        return EntryContext.newBuilder().setOriginNode(originNode).setRequestId(requestId).setInternal(kind)
                .build().toByteString();
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
