package dev.raftify.storage;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.HardState;
import java.util.Objects;

/** The persisted state a node restarts from: its term, vote and commit index, and the membership. */
public record RaftState(HardState hardState, ConfState confState) {
    public RaftState {
        Objects.requireNonNull(hardState, "hardState");
        Objects.requireNonNull(confState, "confState");
    }

    /** True when nothing was ever persisted, that is, a brand-new node. */
    public boolean isInitialized() {
        return !confState.equals(ConfState.getDefaultInstance());
    }
}
