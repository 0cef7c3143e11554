package dev.raftify.chaos.check;

/** What a check concluded. */
public enum Verdict {
    /** A linearization exists. */
    LINEARIZABLE,
    /** No order of the operations explains their results: a consistency violation. */
    VIOLATION,
    /** The search ran out of its step or time budget before deciding. */
    UNKNOWN
}
