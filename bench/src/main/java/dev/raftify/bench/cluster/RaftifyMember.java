package dev.raftify.bench.cluster;

import dev.raftify.Config;
import dev.raftify.Raft;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A Raftify member with its default settings: LMDB in {@code dir}, durable commits, default timeouts. */
final class RaftifyMember implements Member {
    static final String CLUSTER_ID = "raftify-bench";

    private final Raft raft;

    RaftifyMember(int id, Path dir, List<Integer> ports) throws Exception {
        Map<Long, String> members = new HashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            members.put((long) i + 1, "127.0.0.1:" + ports.get(i));
        }
        // On a restart (the directory holds a store) the initial members are ignored: they are stored.
        raft = Raft.builder(id, members.get((long) id))
                .dataDir(dir)
                .stateMachine(new RaftifyKv())
                .config(config())
                .initialMembers(members)
                .build()
                .start();
    }

    static Config config() {
        return Config.defaults().toBuilder().clusterId(CLUSTER_ID).build();
    }

    @Override
    public boolean isLeader() {
        return raft.node().isLeader();
    }

    @Override
    public void close() {
        raft.close();
    }
}
