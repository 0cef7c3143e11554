package dev.raftify.raft.sim;

/** A safety or liveness property failed; the simulation adds the seed, step and replay command. */
final class InvariantViolation extends RuntimeException {
    final String invariant;

    InvariantViolation(String invariant, String detail) {
        super(invariant + ": " + detail);
        this.invariant = invariant;
    }
}
