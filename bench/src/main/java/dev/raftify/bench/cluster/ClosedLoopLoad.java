package dev.raftify.bench.cluster;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed loop of {@code inFlight} outstanding writes: each completion records its latency and sends the next
 * write at once, so exactly {@code inFlight} writes are in flight at any time (one client, sequential, when it
 * is 1). Latencies go to an HdrHistogram {@link Recorder}, read per measurement interval.
 */
final class ClosedLoopLoad {
    private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final WriteClient client;
    private final int inFlight;
    private final byte[][] commands;
    private final Recorder recorder = new Recorder(MAX_LATENCY_NANOS, 3);
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicInteger outstanding = new AtomicInteger();
    // A failed write is retried after a pause rather than from its own callback: a client that fails at once
    // (no leader) would otherwise recurse and spin.
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-load-retry");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;

    ClosedLoopLoad(WriteClient client, int inFlight, byte[][] commands) {
        this.client = client;
        this.inFlight = inFlight;
        this.commands = commands;
    }

    void start() {
        for (int i = 0; i < inFlight; i++) {
            outstanding.incrementAndGet();
            send();
        }
    }

    private void send() {
        if (stopping) {
            outstanding.decrementAndGet();
            return;
        }
        byte[] command = commands[(int) (next.getAndIncrement() % commands.length)];
        long start = System.nanoTime();
        client.write(command, ok -> {
            if (ok) {
                recorder.recordValue(Math.min(System.nanoTime() - start, MAX_LATENCY_NANOS));
                send();
            } else {
                errors.incrementAndGet();
                retries.schedule(this::send, 1, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** The latencies of the writes completed since the last call (the first call starts the first interval). */
    Histogram interval() {
        return recorder.getIntervalHistogram();
    }

    long errors() {
        return errors.get();
    }

    /** Stops sending and waits (up to {@code timeoutMillis}) for the writes in flight to complete. */
    boolean stop(long timeoutMillis) throws InterruptedException {
        stopping = true;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (outstanding.get() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        retries.shutdownNow();
        return outstanding.get() == 0;
    }
}
