package dev.raftify.raft.sim;

/** A seed failed: the message names the seed, the step, the invariant and the command that replays it. */
public final class SimulationFailure extends AssertionError {
    private final long seed;
    private final String invariant;

    SimulationFailure(long seed, int steps, String where, String invariant, String detail, String options,
            Throwable cause) {
        super("Simulation seed " + seed + " failed " + where + ": " + invariant + ": " + detail
                + "\n  options: " + options
                + "\n  replay: " + replayCommand(seed, steps), cause);
        this.seed = seed;
        this.invariant = invariant;
    }

    /** The one-line command that replays one seed (add -Draftify.sim.trace=true to print what happens). */
    public static String replayCommand(long seed, int steps) {
        return "./mvnw -B -pl raftify-core -am test -Dtest=SimulationTest -Draftify.sim.seed=" + seed
                + " -Draftify.sim.steps=" + steps + " -Dsurefire.failIfNoSpecifiedTests=false";
    }

    public long seed() {
        return seed;
    }

    public String invariant() {
        return invariant;
    }
}
