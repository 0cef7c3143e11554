package dev.raftify.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.service.InstallSnapshotResponse;
import dev.raftify.proto.service.MessageBatch;
import dev.raftify.proto.service.RaftServiceGrpc;
import dev.raftify.proto.service.SendMessagesResponse;
import dev.raftify.proto.service.SnapshotChunk;
import dev.raftify.storage.SnapshotReader;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one peer's messages: a thread that drains a queue into batches and writes them, in order, to one
 * long-lived {@code SendMessages} stream. A broken stream is reopened on the next batch after a backoff; what
 * cannot be sent meanwhile is dropped and reported unreachable (Raft retransmits). Snapshots go through
 * {@code InstallSnapshot} in bounded chunks, streamed from the snapshot's file at the pace gRPC's flow control
 * allows, so a snapshot of any size moves in flat memory.
 */
final class PeerSender implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PeerSender.class);
    private static final int MAX_BATCH = 512;
    private static final int QUEUE_CAPACITY = 16_384;
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** A snapshot transfer fails when the peer takes no data (or does not answer at the end) for this long. */
    static final long SNAPSHOT_STALL_NANOS = TimeUnit.MINUTES.toNanos(2);

    private final long selfId;
    private final long peerId;
    private final String address;
    private final ManagedChannel channel;
    private final TransportEvents events;
    private final int chunkSize;
    private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    /** The data of each MsgSnapshot in {@link #queue}, in the same order. */
    private final Queue<SnapshotReader> snapshotData = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    private ClientCallStreamObserver<MessageBatch> stream;
    private volatile boolean streamBroken;
    private boolean everOpened;
    private long backoffNanos;
    private long nextAttemptNanos;
    private volatile boolean loggedDown;
    private volatile boolean loggedRefusal;
    /** Set by other threads to cut a reconnect backoff short; the sender thread acts on it. */
    private volatile boolean retryRequested;

    PeerSender(long selfId, long peerId, String address, ManagedChannel channel, TransportEvents events,
            int chunkSize) {
        this.selfId = selfId;
        this.peerId = peerId;
        this.address = address;
        this.channel = channel;
        this.events = events;
        this.chunkSize = chunkSize;
        this.thread = new Thread(this, "raftify-send-" + selfId + "-to-" + peerId);
        this.thread.setDaemon(true);
    }

    String address() {
        return address;
    }

    void start() {
        thread.start();
    }

    void enqueue(Message m) {
        if (!queue.offer(m)) {
            // The peer is not keeping up (or down): Raft will resend what matters.
            events.reportUnreachable(peerId);
        }
    }

    /** Queues a MsgSnapshot whose data streams from {@code data} (closed once sent or dropped). */
    void enqueueSnapshot(Message m, SnapshotReader data) {
        snapshotData.add(data);
        if (closed || !queue.offer(m)) {
            // Not queued, so the sender thread never reaches it: it is still ours to drop.
            if (snapshotData.remove(data)) {
                data.close();
            }
            events.reportSnapshot(peerId, false);
        }
    }

    @Override
    public void run() {
        List<Message> batch = new ArrayList<>();
        while (!closed) {
            Message first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            sendAll(batch);
            batch.clear();
        }
    }

    private void sendAll(List<Message> batch) {
        List<Message> plain = new ArrayList<>(batch.size());
        for (Message m : batch) {
            if (m.getMsgType() == MessageType.MsgSnapshot) {
                flush(plain);
                // Only enqueueSnapshot queues a MsgSnapshot, each with its data, in the same order.
                sendSnapshot(m, snapshotData.remove());
            } else {
                plain.add(m);
            }
        }
        flush(plain);
    }

    private void flush(List<Message> msgs) {
        if (msgs.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        if (retryRequested) {
            retryRequested = false;
            nextAttemptNanos = 0;
        }
        if (now < nextAttemptNanos) {
            msgs.clear();
            events.reportUnreachable(peerId);
            return;
        }
        try {
            ensureStream();
            stream.onNext(MessageBatch.newBuilder().setSenderId(selfId).addAllMessages(msgs).build());
            if (streamBroken) {
                throw new IllegalStateException("stream to node " + peerId + " broke");
            }
            backoffNanos = 0;
        } catch (RuntimeException e) {
            resetStream();
            backoffNanos = backoffNanos == 0 ? TimeUnit.MILLISECONDS.toNanos(50)
                    : Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
            nextAttemptNanos = System.nanoTime() + backoffNanos;
            if (!loggedDown) {
                log.info("node {}: cannot reach node {} at {}: {}", selfId, peerId, address, e.getMessage());
                loggedDown = true;
            }
            events.reportUnreachable(peerId);
        }
        msgs.clear();
    }

    /** The peer is believed to be back: the next message is sent at once, whatever the backoff said. */
    void retryNow() {
        retryRequested = true;
    }

    private void ensureStream() {
        if (stream != null && !streamBroken) {
            return;
        }
        if (everOpened) {
            // gRPC's own reconnect backoff grows to minutes; a peer that restarted should be reached at once.
            channel.resetConnectBackoff();
        }
        everOpened = true;
        streamBroken = false;
        ClientResponseObserver<MessageBatch, SendMessagesResponse> responses = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<MessageBatch> requestStream) {
                // gRPC buffers writes while it connects; only readiness says the peer is really reachable again.
                requestStream.setOnReadyHandler(() -> {
                    if (loggedDown) {
                        loggedDown = false;
                        log.info("node {}: connection to node {} at {} restored", selfId, peerId, address);
                    }
                });
            }

            @Override
            public void onNext(SendMessagesResponse value) {}

            @Override
            public void onError(Throwable t) {
                streamBroken = true;
                if (closed) {
                    return;
                }
                Status s = Status.fromThrowable(t);
                if (s.getCode() == Status.Code.FAILED_PRECONDITION && !loggedRefusal) {
                    // The peer refuses us for good (e.g. this node was removed); say so once, loudly.
                    loggedRefusal = true;
                    log.warn("node {}: node {} at {} refuses our messages: {}", selfId, peerId, address,
                            s.getDescription());
                } else {
                    log.debug("node {}: stream to node {} failed: {}", selfId, peerId, t.toString());
                }
            }

            @Override
            public void onCompleted() {
                streamBroken = true;
            }
        };
        stream = (ClientCallStreamObserver<MessageBatch>) RaftServiceGrpc.newStub(channel).sendMessages(responses);
    }

    private void resetStream() {
        if (stream != null) {
            try {
                stream.cancel("resetting broken stream", null);
            } catch (RuntimeException ignored) {
                // Already gone.
            }
        }
        stream = null;
    }

    /**
     * Streams a snapshot through one {@code InstallSnapshot} call: a first chunk with the MsgSnapshot and the data's
     * size and CRC-32C, then the data in chunks of at most {@code chunkSize} bytes, each written only once gRPC says
     * the stream is ready for more, so that no more than about one chunk is ever buffered. The data's own checksum
     * is verified at its end, before the last chunk is acknowledged; the receiver verifies it again.
     */
    private void sendSnapshot(Message m, SnapshotReader data) {
        Snapshot snap = m.getSnapshot();
        long index = snap.getMetadata().getIndex();
        // The local reference to the data means nothing to the peer: it receives the data itself.
        Message header = m.toBuilder().setSnapshot(snap.toBuilder().setData(ByteString.EMPTY)).build();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Object readiness = new Object();
        ClientResponseObserver<SnapshotChunk, InstallSnapshotResponse> responses = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<SnapshotChunk> requestStream) {
                requestStream.setOnReadyHandler(() -> wake(readiness));
            }

            @Override
            public void onNext(InstallSnapshotResponse value) {}

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
                wake(readiness);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
                wake(readiness);
            }
        };
        long start = System.nanoTime();
        long total = data.size();
        boolean ok = false;
        ClientCallStreamObserver<SnapshotChunk> call = null;
        try (data) {
            call = (ClientCallStreamObserver<SnapshotChunk>) RaftServiceGrpc.newStub(channel)
                    .installSnapshot(responses);
            InputStream in = data.stream();
            awaitReady(call, done, readiness);
            call.onNext(SnapshotChunk.newBuilder().setMessage(header).setTotalSize(total)
                    .setCrc32C(data.crc32c()).setLast(total == 0).build());
            long sent = 0;
            while (sent < total) {
                int n = (int) Math.min(chunkSize, total - sent);
                byte[] chunk = in.readNBytes(n);
                if (chunk.length < n) {
                    throw new IOException("the snapshot's data ended after " + (sent + chunk.length) + " of its "
                            + total + " bytes");
                }
                sent += n;
                awaitReady(call, done, readiness);
                // A fresh array per chunk, so wrapping it without a copy is safe.
                call.onNext(SnapshotChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(chunk))
                        .setLast(sent == total).build());
            }
            if (in.read() >= 0) {
                throw new IOException("the snapshot's data is longer than its recorded " + total + " bytes");
            }
            call.onCompleted();
            done.get(SNAPSHOT_STALL_NANOS, TimeUnit.NANOSECONDS);
            ok = true;
            log.info("node {}: sent snapshot at index {} ({} bytes) to node {} in {} ms", selfId, index, total,
                    peerId, (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel(call, "the sender is closing", e);
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            cancel(call, "snapshot transfer failed", cause);
            log.info("node {}: sending snapshot at index {} to node {} failed: {}", selfId, index, peerId,
                    cause.toString());
        }
        events.reportSnapshot(peerId, ok);
    }

    private static void wake(Object monitor) {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** Waits until gRPC takes more data: its flow control is what keeps a large snapshot out of memory. */
    private void awaitReady(ClientCallStreamObserver<SnapshotChunk> call, CompletableFuture<Void> done,
            Object readiness) throws Exception {
        long deadline = System.nanoTime() + SNAPSHOT_STALL_NANOS;
        synchronized (readiness) {
            while (!call.isReady()) {
                if (done.isDone()) {
                    done.get();
                    throw new IOException("node " + peerId + " ended the snapshot transfer early");
                }
                if (closed) {
                    throw new InterruptedException("sender closed");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("node " + peerId + " took no snapshot data for "
                            + TimeUnit.NANOSECONDS.toSeconds(SNAPSHOT_STALL_NANOS) + " s");
                }
                readiness.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    private static void cancel(ClientCallStreamObserver<SnapshotChunk> call, String why, Throwable cause) {
        if (call != null) {
            try {
                call.cancel(why, cause);
            } catch (RuntimeException ignored) {
                // Already over.
            }
        }
    }

    void close() {
        closed = true;
        thread.interrupt();
        resetStream();
        channel.shutdownNow();
        SnapshotReader data;
        while ((data = snapshotData.poll()) != null) {
            data.close();
        }
    }
}
