package dev.raftify.raft.confchange;

import dev.raftify.raft.tracker.ProgressTracker;

/** Builds trackers for the configuration-change tests. */
final class Trackers {

    static final int MAX_INFLIGHT = 16;
    static final long MAX_INFLIGHT_BYTES = 1024;

    private Trackers() {
    }

    static ProgressTracker empty() {
        return new ProgressTracker(MAX_INFLIGHT, MAX_INFLIGHT_BYTES);
    }

    /** A tracker whose membership is built by the given simple changes, one at a time ("v1 v2 l3"). */
    static ProgressTracker of(String simpleChanges) {
        ProgressTracker t = empty();
        ConfChanges.parse(simpleChanges).forEach(cc -> install(t, new Changer(t, 1).simple(java.util.List.of(cc))));
        return t;
    }

    static ProgressTracker install(ProgressTracker t, Changer.Result result) {
        t.reset(result.config(), result.progress());
        return t;
    }
}
