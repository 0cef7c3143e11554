package dev.raftify.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftify.proto.eraftpb.ConfChange;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.EntryType;
import dev.raftify.raft.confchange.ConfChanges;

/** Membership changes as log entries: {@code EntryConfChange} holds a ConfChange, {@code EntryConfChangeV2} a V2. */
public final class ConfChangeCodec {
    private ConfChangeCodec() {}

    /** An entry (index and term unset) carrying {@code cc}. */
    public static Entry encode(ConfChangeV2 cc) {
        return Entry.newBuilder().setEntryType(EntryType.EntryConfChangeV2).setData(cc.toByteString()).build();
    }

    /** An entry (index and term unset) carrying a single-step {@code cc}. */
    public static Entry encode(ConfChange cc) {
        return Entry.newBuilder().setEntryType(EntryType.EntryConfChange).setData(cc.toByteString()).build();
    }

    /**
     * The membership change an entry carries, as a V2 change (a V1 change becomes a single-step V2), or null for
     * a normal entry.
     *
     * @throws IllegalArgumentException if the entry's data is not a valid change
     */
    public static ConfChangeV2 decode(Entry e) {
        try {
            return switch (e.getEntryType()) {
                case EntryConfChange -> ConfChanges.toV2(ConfChange.parseFrom(e.getData()));
                case EntryConfChangeV2 -> ConfChangeV2.parseFrom(e.getData());
                default -> null;
            };
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalArgumentException(
                    "entry " + e.getIndex() + " of type " + e.getEntryType() + " does not hold a valid change", ex);
        }
    }
}
