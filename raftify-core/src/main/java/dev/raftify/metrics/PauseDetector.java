package dev.raftify.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when the JVM stops this process (GC pauses, safepoint stalls, a starved machine): a thread that parks for
 * a short interval and measures how much longer it actually slept. On the JVM, a pause longer than the election
 * timeout makes followers elect a new leader for nothing, so such pauses are logged with that comparison.
 */
public final class PauseDetector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PauseDetector.class);
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final long nodeId;
    private final long warnMillis;
    private final long electionTimeoutMillis;
    private final RaftMetrics metrics;
    private final Thread thread;
    private volatile boolean closed;

    public PauseDetector(long nodeId, long electionTimeoutMillis, RaftMetrics metrics) {
        this.nodeId = nodeId;
        this.electionTimeoutMillis = electionTimeoutMillis;
        // Warn at half the election timeout: that is where pauses start to threaten leadership.
        this.warnMillis = Math.max(50, electionTimeoutMillis / 2);
        this.metrics = metrics;
        this.thread = new Thread(this::run, "raftify-pause-detector-" + nodeId);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        long before = System.nanoTime();
        while (!closed) {
            LockSupport.parkNanos(INTERVAL_NANOS);
            long now = System.nanoTime();
            long pausedMillis = (now - before - INTERVAL_NANOS) / 1_000_000;
            before = now;
            if (pausedMillis >= warnMillis) {
                metrics.pauseDetected(pausedMillis);
                log.warn("node {}: the JVM paused for {} ms (garbage collection or a starved machine?); pauses "
                        + "longer than the election timeout ({} ms) cause needless elections", nodeId, pausedMillis,
                        electionTimeoutMillis);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
