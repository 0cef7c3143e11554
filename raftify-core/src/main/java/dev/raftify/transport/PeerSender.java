package dev.raftify.transport;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.service.InstallSnapshotResponse;
import dev.raftify.proto.service.MessageBatch;
import dev.raftify.proto.service.RaftServiceGrpc;
import dev.raftify.proto.service.SendMessagesResponse;
import dev.raftify.proto.service.SnapshotChunk;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one peer's messages: a thread that drains a queue into batches and writes them, in order, to one
 * long-lived {@code SendMessages} stream. A broken stream is reopened on the next batch after a backoff; what
 * cannot be sent meanwhile is dropped and reported unreachable (Raft retransmits). Snapshots go through
 * {@code InstallSnapshot} in bounded chunks.
 */
final class PeerSender implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PeerSender.class);
    private static final int MAX_BATCH = 512;
    private static final int QUEUE_CAPACITY = 16_384;
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final long selfId;
    private final long peerId;
    private final String address;
    private final ManagedChannel channel;
    private final TransportEvents events;
    private final int chunkSize;
    private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
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
                sendSnapshot(m);
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

    private void sendSnapshot(Message m) {
        Snapshot snap = m.getSnapshot();
        ByteString data = snap.getData();
        Message header = m.toBuilder().setSnapshot(snap.toBuilder().setData(ByteString.EMPTY)).build();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<SnapshotChunk> out = RaftServiceGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.MINUTES)
                .installSnapshot(new StreamObserver<>() {
                    @Override
                    public void onNext(InstallSnapshotResponse value) {}

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        boolean ok = false;
        try {
            out.onNext(SnapshotChunk.newBuilder().setMessage(header).setLast(data.isEmpty()).build());
            for (int off = 0; off < data.size(); off += chunkSize) {
                int end = Math.min(data.size(), off + chunkSize);
                out.onNext(SnapshotChunk.newBuilder().setData(data.substring(off, end)).setLast(end == data.size())
                        .build());
            }
            out.onCompleted();
            done.get(10, TimeUnit.MINUTES);
            ok = true;
            log.info("node {}: sent snapshot at index {} ({} bytes) to node {}", selfId,
                    snap.getMetadata().getIndex(), data.size(), peerId);
        } catch (Exception e) {
            out.onError(e);
            log.info("node {}: sending snapshot at index {} to node {} failed: {}", selfId,
                    snap.getMetadata().getIndex(), peerId, e.toString());
        }
        events.reportSnapshot(peerId, ok);
    }

    void close() {
        closed = true;
        thread.interrupt();
        resetStream();
        channel.shutdownNow();
    }
}
