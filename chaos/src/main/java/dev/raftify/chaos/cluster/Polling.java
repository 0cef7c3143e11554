package dev.raftify.chaos.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waiting for a condition about the cluster: every wait has a deadline and says whether it was met. */
public final class Polling {
    private Polling() {}

    /** Checks {@code condition} every {@code every} until it holds (true) or {@code within} has passed (false). */
    public static boolean until(Duration within, Duration every, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(every.toMillis()); // polling interval of a bounded wait, not a hoped-for delay
        }
    }
}
