package dev.raftify.bench.cluster;

import dev.raftify.bench.etcd.MaintenanceGrpc;
import dev.raftify.bench.etcd.StatusRequest;
import dev.raftify.bench.etcd.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An etcd 3.4 member: the etcd process itself, on loopback, with etcd's defaults for everything that touches
 * durability and timing (WAL fdatasync per Raft batch, heartbeat 100 ms, election timeout 1,000 ms, snapshot
 * count, GOMAXPROCS). Only its name, data directory, URLs and initial cluster are given. Restarted on its data
 * directory, etcd recovers from it and ignores the initial-cluster flags.
 *
 * <p>There is no BenchNode in between, so the driver observes it from outside: it is started once its peer port
 * answers HTTP (etcd serves peers right after its Raft node starts), and its role is read from
 * {@code Maintenance.Status} on its client port (it leads when the {@code leader} it reports is its own member
 * id), every {@link BenchNode#POLL_MILLIS} ms while an election is timed (see {@link #watchRole}).
 */
final class EtcdMember {
    static final Path DEFAULT_BINARY = Path.of("/usr/bin/etcd");
    /** etcd's defaults, not passed on its command line: stated in the report's conditions. */
    static final int HEARTBEAT_MILLIS = 100;
    static final int ELECTION_TIMEOUT_MILLIS = 1000;

    private EtcdMember() {}

    /** Why {@code binary} cannot run here, or null if it can. */
    static String unavailable(Path binary) {
        if (Files.isExecutable(binary)) {
            return null;
        }
        return binary + " not found: skipping etcd (install it with `apt-get install -y etcd-server`, or give "
                + "--etcd PATH)";
    }

    /** What {@code etcd --version} says first, e.g. "etcd Version: 3.4.23", without the "etcd Version:". */
    static String version(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line = r.readLine();
                p.waitFor(10, TimeUnit.SECONDS);
                return line == null ? "unknown version" : line.replace("etcd Version:", "").trim();
            }
        } catch (IOException e) {
            return "unknown version (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown version";
        }
    }

    static MemberProcess launch(Cluster cluster, int id) throws IOException {
        List<Integer> ports = cluster.ports();
        int clientPort = ports.get(id - 1);
        int peerPort = ports.get(Cluster.SIZE + id - 1);
        StringBuilder initial = new StringBuilder();
        for (int i = 1; i <= Cluster.SIZE; i++) {
            initial.append(i == 1 ? "" : ",").append(name(i)).append('=').append(url(ports.get(Cluster.SIZE + i - 1)));
        }
        List<String> cmd = new ArrayList<>(List.of(
                cluster.options().etcd.toString(),
                "--name", name(id),
                "--data-dir", cluster.dataDir(id).toString(),
                "--listen-client-urls", url(clientPort),
                "--advertise-client-urls", url(clientPort),
                "--listen-peer-urls", url(peerPort),
                "--initial-advertise-peer-urls", url(peerPort),
                "--initial-cluster", initial.toString(),
                "--initial-cluster-state", "new",
                // Unique per round: members of an earlier round's cluster (same ports reused) cannot join this one.
                "--initial-cluster-token", "raftify-bench-" + cluster.root().getFileName(),
                // At the default level etcd logs every connection and election; warnings keep the log small.
                "--logger", "zap", "--log-outputs", "stderr", "--log-level", "warn"));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(cluster.log(id).toFile()));
        // etcd reads any ETCD_* variable as a flag, and Go takes GOMAXPROCS from the environment: without them
        // every member runs with etcd's defaults, whatever the shell that started the driver had set.
        pb.environment().keySet().removeIf(k -> k.startsWith("ETCD_") || k.equals("GOMAXPROCS"));
        MemberProcess m = new MemberProcess(id, pb.start(), false);
        Thread watcher = new Thread(() -> watch(cluster, m, peerPort, clientPort), "bench-etcd-" + id + "-watcher");
        watcher.setDaemon(true);
        watcher.start();
        return m;
    }

    private static String name(int id) {
        return "m" + id;
    }

    private static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static void watch(Cluster cluster, MemberProcess m, int peerPort, int clientPort) {
        try {
            if (awaitPeerPort(m, peerPort)) {
                m.started(System.nanoTime());
                watchRole(cluster, m, clientPort);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until etcd answers HTTP on its peer port; false if the process ended first. etcd opens its listeners
     * before it builds its server, but serves the peer port only once its Raft node runs, so the first answer is
     * the moment the member can take part in an election (its client port serves only after it has published
     * itself through Raft, which needs a leader).
     */
    private static boolean awaitPeerPort(MemberProcess m, int port) throws InterruptedException {
        byte[] request = ("GET /version HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        while (m.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                s.setSoTimeout(1000);
                OutputStream out = s.getOutputStream();
                out.write(request);
                out.flush();
                InputStream in = s.getInputStream();
                if (in.read() >= 0) {
                    return true;
                }
            } catch (IOException e) {
                // Not listening yet, or not serving yet: try again.
            }
            Thread.sleep(BenchNode.POLL_MILLIS);
        }
        return false;
    }

    /**
     * Polls Status and records role changes with the time the answer arrived: every {@link BenchNode#POLL_MILLIS}
     * ms, like BenchNode, while an election is being timed (some member of the cluster is down or not started
     * yet, or none is known to lead), every {@link #SETTLED_POLL_MILLIS} ms otherwise. Unlike BenchNode's
     * in-process look, each poll is an RPC: at 5 ms, three idle etcd members used 0.26-0.33 of a core instead of
     * 0.04, and the driver 0.24-0.29, on the 2-core build VM, which would have been charged to etcd's CPU figures
     * and taken from everything's share of the machine during workloads. A workload only needs leader changes
     * counted, which the settled period still does. All of it runs on one event loop thread, one tick polling
     * every member, to keep the driver's wake-ups down.
     */
    private static void watchRole(Cluster cluster, MemberProcess m, int clientPort) {
        // Created only once the member runs, so that the channel does not start in the connection back-off of a
        // port that refused it: etcd's client listener accepts connections from start-up on and answers them
        // once the member serves clients.
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", clientPort)
                .usePlaintext()
                .eventLoopGroup(WATCH_GROUP)
                .channelType(NioSocketChannel.class)
                .directExecutor()
                .build();
        new RolePoll(cluster, m, channel).start();
    }

    private static final EventLoopGroup WATCH_GROUP =
            new NioEventLoopGroup(1, new DefaultThreadFactory("bench-etcd-watch", true));
    private static final EventLoop WATCH_LOOP = WATCH_GROUP.next();
    /** The members being polled; touched on WATCH_LOOP only. */
    private static final List<RolePoll> POLLS = new ArrayList<>();
    /** Runs while POLLS is not empty, so that rounds of the other engines pay nothing. */
    private static ScheduledFuture<?> tick;
    private static long ticks;
    static final int SETTLED_POLL_MILLIS = 100;

    private static void pollAll() {
        boolean settledDue = ticks++ % (SETTLED_POLL_MILLIS / BenchNode.POLL_MILLIS) == 0;
        POLLS.removeIf(p -> !p.poll(settledDue));
        if (POLLS.isEmpty()) {
            tick.cancel(false);
            tick = null;
        }
    }

    /** One member's polls, one in flight at a time; every method runs on WATCH_LOOP. */
    private static final class RolePoll {
        private static final StatusRequest REQUEST = StatusRequest.getDefaultInstance();
        private final Cluster cluster;
        private final MemberProcess m;
        private final ManagedChannel channel;
        private final MaintenanceGrpc.MaintenanceStub stub;
        private boolean polling;
        private boolean leader;

        RolePoll(Cluster cluster, MemberProcess m, ManagedChannel channel) {
            this.cluster = cluster;
            this.m = m;
            this.channel = channel;
            this.stub = MaintenanceGrpc.newStub(channel);
        }

        void start() {
            WATCH_LOOP.execute(() -> {
                POLLS.add(this);
                if (tick == null) {
                    tick = WATCH_LOOP.scheduleWithFixedDelay(EtcdMember::pollAll, 0, BenchNode.POLL_MILLIS,
                            TimeUnit.MILLISECONDS);
                }
            });
        }

        /**
         * Sends a Status call if one is due and none is in flight; false once the member has ended (then nothing
         * is sent).
         */
        boolean poll(boolean settledDue) {
            if (!m.isAlive()) {
                channel.shutdownNow();
                m.becameFollower();
                return false;
            }
            if (polling || !(settledDue || electionTimed())) {
                return true;
            }
            polling = true;
            stub.withDeadlineAfter(1, TimeUnit.SECONDS).status(REQUEST, new StreamObserver<>() {
                @Override
                public void onNext(StatusResponse s) {
                    long now = System.nanoTime();
                    boolean leads = s.getLeader() != 0 && s.getLeader() == s.getHeader().getMemberId();
                    if (leads != leader) {
                        leader = leads;
                        if (leads) {
                            m.becameLeader(now);
                        } else {
                            m.becameFollower();
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    // Not serving clients yet, or stopping: the last role seen stands until an answer says otherwise.
                    polling = false;
                }

                @Override
                public void onCompleted() {
                    polling = false;
                }
            });
            return true;
        }

        private boolean electionTimed() {
            for (int id = 1; id <= Cluster.SIZE; id++) {
                MemberProcess x = cluster.member(id);
                if (x == null || !x.isAlive() || x.startedNanos() == MemberProcess.NONE) {
                    return true;
                }
            }
            return cluster.leader() == null;
        }
    }
}
