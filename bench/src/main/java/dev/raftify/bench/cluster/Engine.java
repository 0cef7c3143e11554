package dev.raftify.bench.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The Raft engines the cluster benchmark runs side by side: how to start a member and how to write to one. */
enum Engine {
    RAFTIFY("Raftify") {
        @Override
        Member member(int id, Path dir, List<Integer> ports) throws Exception {
            return new RaftifyMember(id, dir, ports);
        }

        @Override
        WriteClient client(List<Integer> ports, int leaderId, int maxInFlight) {
            return new RaftifyWriteClient(ports.get(leaderId - 1));
        }
    },
    RATIS("Ratis") {
        @Override
        Member member(int id, Path dir, List<Integer> ports) throws Exception {
            return new RatisMember(id, dir, ports);
        }

        @Override
        WriteClient client(List<Integer> ports, int leaderId, int maxInFlight) {
            return new RatisWriteClient(ports, leaderId, maxInFlight);
        }
    },
    JRAFT("JRaft") {
        @Override
        Member member(int id, Path dir, List<Integer> ports) throws Exception {
            return new JRaftMember(id, dir, ports);
        }

        @Override
        WriteClient client(List<Integer> ports, int leaderId, int maxInFlight) {
            return new JRaftWriteClient(ports, leaderId);
        }

        @Override
        List<String> memberJvmFlags() {
            return JRaftMember.JVM_FLAGS;
        }
    },
    /** etcd 3.4: each member is the etcd process itself, launched and observed by the driver. */
    ETCD("etcd") {
        @Override
        Member member(int id, Path dir, List<Integer> ports) {
            // BenchNode checks runsInBenchNode() first, so no etcd member is ever asked for here.
            throw new IllegalStateException("an etcd member is the etcd process, not a BenchNode");
        }

        @Override
        boolean runsInBenchNode() {
            return false;
        }

        @Override
        WriteClient client(List<Integer> ports, int leaderId, int maxInFlight) {
            return new EtcdWriteClient(ports.get(leaderId - 1));
        }

        @Override
        MemberProcess launch(Cluster cluster, int id) throws IOException {
            return EtcdMember.launch(cluster, id);
        }

        @Override
        int portsPerMember() {
            return 2;
        }

        @Override
        String unavailable(BenchOptions opts) {
            return EtcdMember.unavailable(opts.etcd);
        }
    };

    private final String label;

    Engine(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Starts member {@code id} (1-based) of a 3-member cluster whose members listen on {@code ports}. */
    abstract Member member(int id, Path dir, List<Integer> ports) throws Exception;

    /** Whether a member of this engine is a {@link BenchNode} JVM running {@link #member}. */
    boolean runsInBenchNode() {
        return true;
    }

    /** JVM flags this engine's members get in addition to those every member gets. */
    List<String> memberJvmFlags() {
        return List.of();
    }

    /** A client sending writes to the leader, member {@code leaderId}. */
    abstract WriteClient client(List<Integer> ports, int leaderId, int maxInFlight);

    /** Starts member {@code id}'s process: by default a {@link BenchNode} JVM that runs {@link #member}. */
    MemberProcess launch(Cluster cluster, int id) throws IOException {
        return cluster.launchBenchNode(id);
    }

    /** Ports each member listens on; a member's client port comes first (see {@link Cluster#ports()}). */
    int portsPerMember() {
        return 1;
    }

    /** Why this engine cannot run on this machine, or null if it can. */
    String unavailable(BenchOptions opts) {
        return null;
    }

    static Engine parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
