package dev.raftify;

import dev.raftify.metrics.RaftMetrics;
import dev.raftify.node.NodeRuntime;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.service.ChangeConfigArgs;
import dev.raftify.proto.service.Error;
import dev.raftify.proto.service.Peer;
import dev.raftify.proto.service.RaftServiceGrpc;
import dev.raftify.proto.service.RequestIdArgs;
import dev.raftify.proto.service.RequestIdResponse;
import dev.raftify.storage.MutableStorage;
import dev.raftify.storage.lmdb.LmdbOptions;
import dev.raftify.storage.lmdb.LmdbStorage;
import dev.raftify.transport.Channels;
import dev.raftify.transport.FaultInjector;
import dev.raftify.transport.GrpcPeerTransport;
import dev.raftify.transport.GrpcRaftServer;
import dev.raftify.transport.RaftServiceImpl;
import dev.raftify.transport.RaftTransport;
import dev.raftify.transport.TransportEvents;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A Raftify node: storage, state machine, consensus and transport, ready to start. Build one with
 * {@link #builder(long, String)}:
 *
 * <pre>{@code
 * try (Raft raft = Raft.builder(1, "127.0.0.1:60061")
 *         .dataDir(Path.of("data/node-1"))
 *         .stateMachine(myStateMachine)
 *         .initialMembers(Map.of(1L, "127.0.0.1:60061", 2L, "127.0.0.1:60062", 3L, "127.0.0.1:60063"))
 *         .build()) {
 *     raft.start();
 *     byte[] result = raft.node().propose(command).get();
 * }
 * }</pre>
 *
 * <p>A node restarted on an existing data directory needs neither initial members nor a join ticket: its
 * membership and peer addresses are stored.
 */
public final class Raft implements AutoCloseable {
    private final NodeRuntime runtime;
    private final RaftNode node;
    private final GrpcRaftServer server;
    private final RaftTransport transport;
    private final MutableStorage storage;
    private final boolean ownsStorage;
    private final Config config;
    private volatile boolean closed;

    private Raft(Builder b) throws IOException {
        this.config = b.config;
        this.ownsStorage = b.storage == null;
        this.storage = b.storage != null ? b.storage
                : LmdbStorage.open(b.dataDir, LmdbOptions.defaults().withMapSize(config.lmdbMapSize()));
        try {
            // The transport and the runtime refer to each other: the transport reports deliveries to the node.
            AtomicReference<NodeRuntime> ref = new AtomicReference<>();
            TransportEvents events = new TransportEvents() {
                @Override
                public void reportUnreachable(long peer) {
                    NodeRuntime r = ref.get();
                    if (r != null) {
                        r.reportUnreachable(peer);
                    }
                }

                @Override
                public void reportSnapshot(long peer, boolean success) {
                    NodeRuntime r = ref.get();
                    if (r != null) {
                        r.reportSnapshot(peer, success);
                    }
                }
            };
            this.transport = new GrpcPeerTransport(b.nodeId, config, events, b.faultInjector);
            Map<Long, String> bootstrap = new HashMap<>(b.initialMembers);
            this.runtime = new NodeRuntime(b.nodeId, b.raftAddress, config, storage, b.stateMachine, transport,
                    bootstrap, b.joinTicket == null ? Map.of() : b.joinTicket.peers(), b.random, b.metrics,
                    b.callbackExecutor);
            ref.set(runtime);
            this.server = new GrpcRaftServer(b.raftAddress, config,
                    new RaftServiceImpl(runtime, b.faultInjector));
            this.node = new RaftNode(runtime);
        } catch (IOException | RuntimeException e) {
            if (ownsStorage) {
                storage.close();
            }
            throw e;
        }
    }

    public static Builder builder(long nodeId, String raftAddress) {
        return new Builder(nodeId, raftAddress);
    }

    /**
     * Asks a running cluster, through any member at {@code peerAddress}, to reserve a node id for a node that will
     * serve Raft at {@code raftAddress} (raftify's {@code Raft::request_id}). Follows a redirect to the leader.
     *
     * @throws RaftifyException if the cluster cannot be reached or refuses
     */
    public static JoinTicket requestId(String raftAddress, String peerAddress, Config config) {
        RequestIdResponse r = callLeader(peerAddress, config, config.confChangeTimeout().toMillis(),
                "reserve an id", stub -> stub.requestId(RequestIdArgs.newBuilder().setRaftAddress(raftAddress).build()),
                resp -> resp.hasTicket() ? null : resp.getError());
        Map<Long, String> peers = new HashMap<>();
        for (Peer p : r.getTicket().getPeersList()) {
            peers.put(p.getNodeId(), p.getAddress());
        }
        return new JoinTicket(r.getTicket().getReservedId(), r.getTicket().getLeaderId(),
                r.getTicket().getLeaderAddress(), peers);
    }

    /**
     * Calls the leader through {@code start}, following at most a few NOT_LEADER redirects.
     *
     * @param errorOf the response's error, or null when it succeeded
     * @throws RaftifyException if the cluster cannot be reached, refuses, or no leader is found
     */
    private static <R> R callLeader(String start, Config config, long deadlineMillis, String what,
            Function<RaftServiceGrpc.RaftServiceBlockingStub, R> call, Function<R, Error> errorOf) {
        String target = start;
        for (int hop = 0; hop < 3; hop++) {
            ManagedChannel ch = Channels.open(target, config.clusterId(), config.tls(), config.maxGrpcMessageSize());
            try {
                R r = call.apply(RaftServiceGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS));
                Error e = errorOf.apply(r);
                if (e == null) {
                    return r;
                }
                if (e.getCode() == Error.Code.NOT_LEADER && !e.getLeaderAddress().isEmpty()) {
                    target = e.getLeaderAddress();
                    continue;
                }
                throw new RaftifyException("cannot " + what + " through " + target + ": " + e.getMessage());
            } catch (StatusRuntimeException e) {
                throw new RaftifyException("cannot reach " + target + " to " + what + ": "
                        + e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
            } finally {
                ch.shutdownNow();
            }
        }
        throw new RaftifyException("no leader found from " + start + " to " + what + " after following redirects");
    }

    /** Starts serving and participating. */
    public Raft start() throws IOException {
        server.start();
        runtime.start();
        return this;
    }

    /**
     * Joins the cluster this node's ticket came from: asks the leader to add this node as a voter (or a learner)
     * and completes once the change is applied there.
     */
    public CompletableFuture<ConfState> joinCluster(JoinTicket ticket, boolean asLearner) {
        ConfChangeV2 cc = ConfChangeV2.newBuilder().addChanges(ConfChangeSingle.newBuilder()
                .setChangeType(asLearner ? ConfChangeType.AddLearnerNode : ConfChangeType.AddNode)
                .setNodeId(runtime.id())).build();
        ChangeConfigArgs args = ChangeConfigArgs.newBuilder().setConfChange(cc)
                .addAddresses(Peer.newBuilder().setNodeId(runtime.id()).setAddress(runtime.address())).build();
        return CompletableFuture.supplyAsync(() -> callLeader(ticket.leaderAddress(), config,
                config.confChangeTimeout().toMillis() + 1000, "join the cluster", stub -> stub.changeConfig(args),
                r -> r.hasConfState() ? null : r.getError()).getConfState());
    }

    public RaftNode node() {
        return node;
    }

    /** The port the gRPC server listens on (useful when the address asked for port 0). */
    public int port() {
        return server.port();
    }

    public Config config() {
        return config;
    }

    /**
     * Stops gracefully: a leader hands leadership over first; every pending request completes (with
     * {@link NodeClosedException} if it had not finished); then the server, the peer connections and the storage
     * close.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            runtime.close();
        } finally {
            server.close();
            transport.close();
            if (ownsStorage) {
                storage.close();
            }
        }
    }

    /** Builds a {@link Raft}. */
    public static final class Builder {
        private final long nodeId;
        private final String raftAddress;
        private Path dataDir;
        private MutableStorage storage;
        private StateMachine stateMachine;
        private Config config = Config.defaults();
        private Map<Long, String> initialMembers = Map.of();
        private JoinTicket joinTicket;
        private Random random = new Random();
        private RaftMetrics metrics = RaftMetrics.NOOP;
        private java.util.concurrent.Executor callbackExecutor = java.util.concurrent.ForkJoinPool.commonPool();
        private FaultInjector faultInjector;

        private Builder(long nodeId, String raftAddress) {
            if (nodeId <= 0) {
                throw new IllegalArgumentException("node id must be positive, got " + nodeId);
            }
            this.nodeId = nodeId;
            this.raftAddress = Objects.requireNonNull(raftAddress, "raftAddress");
        }

        /** Stores the node's log and metadata in LMDB under {@code dir} (created if missing). */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /**
         * Uses this storage instead of opening LMDB (tests, custom stores); the caller closes it. Unless it overrides
         * {@link MutableStorage#newSnapshotWriter} and {@link MutableStorage#openSnapshot}, snapshots are then held
         * in memory.
         */
        public Builder storage(MutableStorage s) {
            this.storage = s;
            return this;
        }

        public Builder stateMachine(StateMachine sm) {
            this.stateMachine = sm;
            return this;
        }

        public Builder config(Config c) {
            this.config = c;
            return this;
        }

        /**
         * The initial members (all voters) with their addresses, this node among them: used only when the store
         * is new. A single-member map bootstraps a one-node cluster.
         */
        public Builder initialMembers(Map<Long, String> members) {
            this.initialMembers = Map.copyOf(members);
            return this;
        }

        /** Starts as a node joining through this ticket (see {@link Raft#requestId} and {@link #joinCluster}). */
        public Builder joinTicket(JoinTicket ticket) {
            this.joinTicket = ticket;
            return this;
        }

        /** The randomness behind election timeouts (seed it for reproducible tests). */
        public Builder random(Random r) {
            this.random = r;
            return this;
        }

        /**
         * Where the node reports its metrics, for example {@code new MicrometerRaftMetrics(registry, nodeId)}
         * (Micrometer is an optional dependency). Default: none.
         */
        public Builder metrics(RaftMetrics m) {
            this.metrics = Objects.requireNonNull(m, "metrics");
            return this;
        }

        /**
         * Where the futures that {@link RaftNode} returns are completed, and so where their dependent stages run
         * unless you choose an executor for them. Default: {@link java.util.concurrent.ForkJoinPool#commonPool()},
         * which keeps your callbacks off the node's own threads. A direct executor ({@code Runnable::run}) saves a
         * thread hand-off per request, but then every callback runs on the Raft or apply thread and must be short
         * and never block: a blocking callback stalls the node.
         */
        public Builder callbackExecutor(java.util.concurrent.Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * For fault-injection tests only: the node's transport drops Raft traffic with the peers {@code faults}
         * blocks (simulated partitions). Default: none, and then the transport checks nothing.
         */
        public Builder faultInjector(FaultInjector faults) {
            this.faultInjector = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /**
         * Opens the storage and prepares the node; call {@link Raft#start()} next.
         *
         * @throws IllegalArgumentException if something required is missing or inconsistent
         * @throws IOException if the storage cannot be opened or the state machine cannot restore its snapshot
         */
        public Raft build() throws IOException {
            if (stateMachine == null) {
                throw new IllegalArgumentException("a state machine is required");
            }
            if ((dataDir == null) == (storage == null)) {
                throw new IllegalArgumentException("give exactly one of dataDir and storage");
            }
            if (joinTicket != null && !initialMembers.isEmpty()) {
                throw new IllegalArgumentException("a joining node takes no initial members");
            }
            if (joinTicket != null && joinTicket.reservedId() != nodeId) {
                throw new IllegalArgumentException("the join ticket reserved id " + joinTicket.reservedId()
                        + ", not " + nodeId);
            }
            return new Raft(this);
        }
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
