package dev.raftify.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.raftify.ApplyException;
import dev.raftify.LeaderTransferException;
import dev.raftify.NodeClosedException;
import dev.raftify.NotLeaderException;
import dev.raftify.ProposalDroppedException;
import dev.raftify.node.NodeRuntime;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.service.ChangeConfigArgs;
import dev.raftify.proto.service.ChangeConfigResponse;
import dev.raftify.proto.service.CreateSnapshotArgs;
import dev.raftify.proto.service.CreateSnapshotResponse;
import dev.raftify.proto.service.DebugNodeArgs;
import dev.raftify.proto.service.DebugNodeResponse;
import dev.raftify.proto.service.Error;
import dev.raftify.proto.service.GetPeersArgs;
import dev.raftify.proto.service.GetPeersResponse;
import dev.raftify.proto.service.GetStatusArgs;
import dev.raftify.proto.service.InstallSnapshotResponse;
import dev.raftify.proto.service.JoinTicket;
import dev.raftify.proto.service.LeaveJointArgs;
import dev.raftify.proto.service.MessageBatch;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.Peer;
import dev.raftify.proto.service.ProposeArgs;
import dev.raftify.proto.service.ProposeResponse;
import dev.raftify.proto.service.RaftServiceGrpc;
import dev.raftify.proto.service.ReadIndexArgs;
import dev.raftify.proto.service.ReadIndexResponse;
import dev.raftify.proto.service.RequestIdArgs;
import dev.raftify.proto.service.RequestIdResponse;
import dev.raftify.proto.service.SendMessageResponse;
import dev.raftify.proto.service.SendMessagesResponse;
import dev.raftify.proto.service.SnapshotChunk;
import dev.raftify.proto.service.TransferLeaderArgs;
import dev.raftify.proto.service.TransferLeaderResponse;
import dev.raftify.storage.SnapshotWriter;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32C;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the RaftService for one node: peer traffic, client operations and inspection. Handlers run on gRPC's
 * event loop ({@link GrpcRaftServer} uses a direct executor), so none may block: each posts to the node and
 * answers from the returned future's callback.
 */
public final class RaftServiceImpl extends RaftServiceGrpc.RaftServiceImplBase {
    private static final Logger log = LoggerFactory.getLogger(RaftServiceImpl.class);

    private final NodeRuntime node;
    /** Null unless fault injection is on: then Raft traffic from blocked peers is dropped on arrival. */
    private final FaultInjector faults;
    /**
     * Writes received snapshot chunks to disk, off gRPC's event loop (a write, and above all the final fsync of a
     * large file, may take long). Threads end when idle.
     */
    private final ExecutorService snapshotIo;

    public RaftServiceImpl(NodeRuntime node) {
        this(node, null);
    }

    public RaftServiceImpl(NodeRuntime node, FaultInjector faults) {
        this.node = node;
        this.faults = faults;
        ThreadPoolExecutor io = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "raftify-snapshot-in-" + node.id());
                    t.setDaemon(true);
                    return t;
                });
        this.snapshotIo = io;
    }

    private boolean blockedByFault(long peer) {
        return faults != null && faults.blocks(peer);
    }

    private final Set<Long> refusalsLogged = ConcurrentHashMap.newKeySet();

    /**
     * Null when {@code sender} may talk to this node; else why not. A removed node that still runs with its old
     * data would otherwise keep campaigning with ever higher terms; its id is never reused, so refusing it is final.
     */
    private Status refusal(long sender) {
        if (!node.isRemoved(sender)) {
            return null;
        }
        if (refusalsLogged.add(sender)) {
            log.info("node {}: refusing Raft traffic from node {}: it was removed from the cluster", node.id(), sender);
        }
        return Status.FAILED_PRECONDITION.withDescription("node " + sender + " was removed from cluster '"
                + node.config().clusterId() + "' and node " + node.id() + " refuses its messages; to bring it back, "
                + "wipe its storage and join it as a new member (it gets a new id)");
    }

    // ---------------------------------------------------------------- membership

    @Override
    public void requestId(RequestIdArgs req, StreamObserver<RequestIdResponse> out) {
        if (req.getRaftAddress().isBlank()) {
            reply(out, RequestIdResponse.newBuilder().setError(invalid("raft_address is required")).build());
            return;
        }
        respond(out, node.reserveId(req.getRaftAddress()), t -> {
            JoinTicket.Builder b = JoinTicket.newBuilder().setReservedId(t.reservedId()).setLeaderId(t.leaderId())
                    .setLeaderAddress(t.leaderAddress());
            t.peers().forEach((id, addr) -> b.addPeers(Peer.newBuilder().setNodeId(id).setAddress(addr)));
            return RequestIdResponse.newBuilder().setTicket(b).build();
        }, e -> RequestIdResponse.newBuilder().setError(e).build());
    }

    @Override
    public void changeConfig(ChangeConfigArgs req, StreamObserver<ChangeConfigResponse> out) {
        Map<Long, String> addresses = new HashMap<>();
        for (Peer p : req.getAddressesList()) {
            addresses.put(p.getNodeId(), p.getAddress());
        }
        respond(out, node.changeConfig(req.getConfChange(), addresses),
                cs -> ChangeConfigResponse.newBuilder().setConfState(cs).build(),
                e -> ChangeConfigResponse.newBuilder().setError(e).build());
    }

    @Override
    public void leaveJoint(LeaveJointArgs req, StreamObserver<ChangeConfigResponse> out) {
        respond(out, node.changeConfig(ConfChangeV2.getDefaultInstance(), Map.of()),
                cs -> ChangeConfigResponse.newBuilder().setConfState(cs).build(),
                e -> ChangeConfigResponse.newBuilder().setError(e).build());
    }

    @Override
    public void getPeers(GetPeersArgs req, StreamObserver<GetPeersResponse> out) {
        GetPeersResponse.Builder b = GetPeersResponse.newBuilder().setLeaderId(node.lastStatus().getLeaderId());
        node.peers().forEach((id, addr) -> b.addPeers(Peer.newBuilder().setNodeId(id).setAddress(addr)));
        reply(out, b.build());
    }

    // ---------------------------------------------------------------- client operations

    @Override
    public void propose(ProposeArgs req, StreamObserver<ProposeResponse> out) {
        // Completed on the apply thread: the response is only queued for gRPC, and a hop to the callback
        // executor would add a thread wake-up to every remote write.
        respond(out, node.propose(req.getData(), true),
                r -> ProposeResponse.newBuilder().setData(ByteString.copyFrom(r)).build(),
                e -> ProposeResponse.newBuilder().setError(e).build());
    }

    @Override
    public void readIndex(ReadIndexArgs req, StreamObserver<ReadIndexResponse> out) {
        respond(out, node.readIndex(), i -> ReadIndexResponse.newBuilder().setReadIndex(i).build(),
                e -> ReadIndexResponse.newBuilder().setError(e).build());
    }

    @Override
    public void transferLeader(TransferLeaderArgs req, StreamObserver<TransferLeaderResponse> out) {
        respond(out, node.transferLeader(req.getTargetId()),
                id -> TransferLeaderResponse.newBuilder().setLeaderId(id).build(),
                e -> TransferLeaderResponse.newBuilder().setError(e).build());
    }

    @Override
    public void createSnapshot(CreateSnapshotArgs req, StreamObserver<CreateSnapshotResponse> out) {
        respond(out, node.makeSnapshot(), m -> CreateSnapshotResponse.newBuilder().setMetadata(m).build(),
                e -> CreateSnapshotResponse.newBuilder().setError(e).build());
    }

    // ---------------------------------------------------------------- inspection

    @Override
    public void debugNode(DebugNodeArgs req, StreamObserver<DebugNodeResponse> out) {
        node.status().whenComplete((s, err) -> {
            if (err != null) {
                out.onError(Status.UNAVAILABLE.withDescription(unwrap(err).getMessage()).asRuntimeException());
                return;
            }
            reply(out, DebugNodeResponse.newBuilder().setResultJson(toJson(s)).build());
        });
    }

    /** The node's status as JSON, as {@code DebugNode} and {@code RaftNode.inspect()} give it. */
    public static String toJson(NodeStatus s) {
        try {
            return JsonFormat.printer().includingDefaultValueFields().print(s);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("status cannot be printed as JSON", e);
        }
    }

    @Override
    public void getStatus(GetStatusArgs req, StreamObserver<NodeStatus> out) {
        node.status().whenComplete((s, err) -> {
            if (err != null) {
                out.onError(Status.UNAVAILABLE.withDescription(unwrap(err).getMessage()).asRuntimeException());
            } else {
                reply(out, s);
            }
        });
    }

    // ---------------------------------------------------------------- peer traffic

    @Override
    public void sendMessage(Message m, StreamObserver<SendMessageResponse> out) {
        Status refused = refusal(m.getFrom());
        if (refused != null) {
            out.onError(refused.asRuntimeException());
            return;
        }
        if (!blockedByFault(m.getFrom())) {
            node.receive(List.of(m));
        }
        reply(out, SendMessageResponse.getDefaultInstance());
    }

    @Override
    public StreamObserver<MessageBatch> sendMessages(StreamObserver<SendMessagesResponse> out) {
        return new StreamObserver<>() {
            /** Set once the stream was ended with an error: later batches already in flight are ignored. */
            private boolean ended;

            @Override
            public void onNext(MessageBatch batch) {
                if (ended) {
                    return;
                }
                for (Message m : batch.getMessagesList()) {
                    if (m.getFrom() != batch.getSenderId()) {
                        end(Status.INVALID_ARGUMENT.withDescription("message from node " + m.getFrom()
                                + " in a batch sent by node " + batch.getSenderId()));
                        return;
                    }
                }
                Status refused = refusal(batch.getSenderId());
                if (refused != null) {
                    end(refused);
                    return;
                }
                if (blockedByFault(batch.getSenderId())) {
                    // A simulated partition: the batch is lost on the wire; the stream stays up, as TCP would.
                    return;
                }
                node.peerIsUp(batch.getSenderId());
                node.receive(batch.getMessagesList());
            }

            @Override
            public void onError(Throwable t) {
                // The peer went away; it reconnects on its own.
            }

            private void end(Status status) {
                ended = true;
                out.onError(status.asRuntimeException());
            }

            @Override
            public void onCompleted() {
                if (ended) {
                    return;
                }
                out.onNext(SendMessagesResponse.getDefaultInstance());
                out.onCompleted();
            }
        };
    }

    /**
     * Receives a snapshot into a file of this node's store, chunk by chunk, in flat memory: each chunk is written on
     * an I/O thread and only then is the next one requested (manual flow control), so a sender can never have more
     * than about one chunk in flight. The size and CRC-32C the sender declared are checked at the end; then the file
     * is made durable and the MsgSnapshot handed to the node, which installs it or deletes it. A transfer that fails
     * or is abandoned deletes its file.
     */
    @Override
    public StreamObserver<SnapshotChunk> installSnapshot(StreamObserver<InstallSnapshotResponse> out) {
        ServerCallStreamObserver<InstallSnapshotResponse> call = (ServerCallStreamObserver<InstallSnapshotResponse>) out;
        call.disableAutoRequest();
        call.request(1);
        return new SnapshotReceiver(call);
    }

    /** One InstallSnapshot call. Its tasks run one at a time, in order, on {@link #snapshotIo}. */
    private final class SnapshotReceiver implements StreamObserver<SnapshotChunk> {
        private final ServerCallStreamObserver<InstallSnapshotResponse> call;
        private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
        // Touched only by the tasks.
        private Message header;
        private long declaredSize;
        private int declaredCrc;
        private SnapshotWriter writer;
        private final CRC32C crc = new CRC32C();
        private long received;
        private boolean over;

        SnapshotReceiver(ServerCallStreamObserver<InstallSnapshotResponse> call) {
            this.call = call;
        }

        private synchronized void enqueue(Runnable task) {
            tail = tail.thenRunAsync(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    fail(Status.INTERNAL.withDescription(e.toString()));
                }
            }, snapshotIo);
        }

        @Override
        public void onNext(SnapshotChunk chunk) {
            enqueue(() -> {
                if (over) {
                    return;
                }
                if (header == null && !start(chunk)) {
                    return;
                }
                ByteString data = chunk.getData();
                if (declaredSize > 0 && received + data.size() > declaredSize) {
                    fail(Status.INVALID_ARGUMENT.withDescription("snapshot data is longer than the " + declaredSize
                            + " bytes declared"));
                    return;
                }
                try {
                    for (ByteBuffer b : data.asReadOnlyByteBufferList()) {
                        crc.update(b.duplicate());
                    }
                    data.writeTo(writer.stream());
                } catch (IOException e) {
                    fail(Status.RESOURCE_EXHAUSTED.withDescription("cannot write the snapshot: " + e.getMessage()));
                    return;
                }
                received += data.size();
                call.request(1);
            });
        }

        /** The first chunk: the MsgSnapshot, and where its data goes. */
        private boolean start(SnapshotChunk chunk) {
            if (!chunk.hasMessage()) {
                fail(Status.INVALID_ARGUMENT.withDescription("the first snapshot chunk carries no message"));
                return false;
            }
            header = chunk.getMessage();
            Status refused = refusal(header.getFrom());
            if (refused != null) {
                fail(refused);
                return false;
            }
            if (blockedByFault(header.getFrom())) {
                fail(Status.UNAVAILABLE.withDescription("snapshot dropped by fault injection"));
                return false;
            }
            declaredSize = chunk.getTotalSize();
            declaredCrc = chunk.getCrc32C();
            try {
                writer = node.newIncomingSnapshot(declaredSize > 0 ? declaredSize : -1);
            } catch (NodeClosedException e) {
                fail(Status.UNAVAILABLE.withDescription(e.getMessage()));
                return false;
            } catch (IOException | RuntimeException e) {
                log.warn("node {}: cannot receive the snapshot at index {} from node {}: {}", node.id(),
                        header.getSnapshot().getMetadata().getIndex(), header.getFrom(), e.getMessage());
                fail(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()));
                return false;
            }
            return true;
        }

        @Override
        public void onError(Throwable t) {
            enqueue(() -> {
                if (!over) {
                    log.debug("node {}: snapshot transfer aborted: {}", node.id(), t.toString());
                }
                over = true;
                closeWriter();
            });
        }

        @Override
        public void onCompleted() {
            enqueue(() -> {
                if (over) {
                    return;
                }
                if (header == null) {
                    fail(Status.INVALID_ARGUMENT.withDescription("empty snapshot stream"));
                    return;
                }
                if (declaredSize > 0 && (received != declaredSize || (int) crc.getValue() != declaredCrc)) {
                    fail(Status.DATA_LOSS.withDescription("snapshot data of " + received + " bytes with CRC-32C "
                            + Integer.toHexString((int) crc.getValue()) + " does not match the declared "
                            + declaredSize + " bytes with CRC-32C " + Integer.toHexString(declaredCrc)));
                    return;
                }
                if (blockedByFault(header.getFrom())) {
                    fail(Status.UNAVAILABLE.withDescription("snapshot dropped by fault injection"));
                    return;
                }
                try {
                    ByteString sealed = writer.seal();
                    SnapshotWriter handedOver = writer;
                    writer = null;
                    node.receiveSnapshot(header, handedOver, sealed);
                } catch (IOException | RuntimeException e) {
                    fail(Status.INVALID_ARGUMENT.withDescription("cannot install the snapshot: " + e.getMessage()));
                    return;
                }
                over = true;
                log.info("node {}: received snapshot at index {} ({} bytes) from node {}", node.id(),
                        header.getSnapshot().getMetadata().getIndex(), received, header.getFrom());
                out().onNext(InstallSnapshotResponse.getDefaultInstance());
                out().onCompleted();
            });
        }

        private StreamObserver<InstallSnapshotResponse> out() {
            return call;
        }

        private void fail(Status s) {
            if (over) {
                return;
            }
            over = true;
            closeWriter();
            try {
                call.onError(s.asRuntimeException());
            } catch (RuntimeException ignored) {
                // The call is already closed (cancelled by the sender).
            }
        }

        private void closeWriter() {
            if (writer != null) {
                writer.close();
                writer = null;
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static <T, R> void respond(StreamObserver<R> out, CompletableFuture<T> f, Function<T, R> ok,
            Function<Error, R> err) {
        f.whenComplete((v, e) -> {
            try {
                reply(out, e == null ? ok.apply(v) : err.apply(toError(unwrap(e))));
            } catch (RuntimeException ex) {
                out.onError(Status.INTERNAL.withDescription(ex.toString()).asRuntimeException());
            }
        });
    }

    private static <R> void reply(StreamObserver<R> out, R value) {
        out.onNext(value);
        out.onCompleted();
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static Error invalid(String message) {
        return Error.newBuilder().setCode(Error.Code.INVALID_ARGUMENT).setMessage(message).build();
    }

    /** Maps an operation's exception to the protocol's error. */
    static Error toError(Throwable t) {
        Error.Builder b = Error.newBuilder().setMessage(t.getMessage() == null ? t.toString() : t.getMessage());
        if (t instanceof NotLeaderException nl) {
            b.setCode(Error.Code.NOT_LEADER).setLeaderId(nl.leaderId());
            if (nl.leaderAddress() != null) {
                b.setLeaderAddress(nl.leaderAddress());
            }
        } else if (t instanceof ProposalDroppedException pd) {
            b.setCode(pd.reason() == ProposalDroppedException.Reason.CONF_CHANGE_IN_PROGRESS
                    ? Error.Code.CONF_CHANGE_IN_PROGRESS : Error.Code.PROPOSAL_DROPPED);
        } else if (t instanceof TimeoutException) {
            b.setCode(Error.Code.TIMEOUT).setMessage("timed out waiting for the outcome");
        } else if (t instanceof NodeClosedException) {
            b.setCode(Error.Code.NODE_CLOSED);
        } else if (t instanceof IllegalArgumentException) {
            b.setCode(Error.Code.INVALID_ARGUMENT);
        } else if (t instanceof ApplyException) {
            b.setCode(Error.Code.APPLY_FAILED);
        } else if (t instanceof LeaderTransferException) {
            b.setCode(Error.Code.LEADER_TRANSFER_FAILED);
        } else {
            b.setCode(Error.Code.UNKNOWN);
        }
        return b.build();
    }
}
