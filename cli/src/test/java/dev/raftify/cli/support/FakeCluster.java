package dev.raftify.cli.support;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.Peer;
import dev.raftify.proto.service.PeerProgress;
import dev.raftify.proto.service.ProgressState;
import dev.raftify.proto.service.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Three (or n) {@link FakeNode}s scripted as one cluster: node 1 leads term 2, everyone caught up at index 42. Tests
 * then bend it into the situation they need: a member stopped, silent, lagging, two leaders, ...
 */
public final class FakeCluster implements AutoCloseable {
    public final List<FakeNode> nodes = new ArrayList<>();

    public FakeCluster(int n) {
        for (int i = 0; i < n; i++) {
            nodes.add(FakeNode.start("raftify"));
        }
        ConfState.Builder cs = ConfState.newBuilder();
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            cs.addVoters(i);
            peers.add(Peer.newBuilder().setNodeId(i).setAddress(node(i).address()).build());
        }
        for (int i = 1; i <= n; i++) {
            NodeStatus.Builder s = NodeStatus.newBuilder()
                    .setNodeId(i).setAddress(node(i).address()).setClusterId("raftify")
                    .setRole(i == 1 ? Role.LEADER : Role.FOLLOWER).setTerm(2).setLeaderId(1)
                    .setCommitIndex(42).setAppliedIndex(42).setFirstIndex(1).setLastIndex(42).setSnapshotIndex(0)
                    .setConfState(cs).addAllPeers(peers).setUptimeMillis(3_600_000).setVersion("0.1.0-test");
            if (i == 1) {
                for (int j = 2; j <= n; j++) {
                    s.addProgress(PeerProgress.newBuilder().setNodeId(j).setAddress(node(j).address())
                            .setMatchIndex(42).setNextIndex(43).setState(ProgressState.REPLICATE)
                            .setRecentActive(true).setLastContactMillis(40 + j).setRttMicros(300 + j));
                }
            }
            node(i).setStatus(s.build());
        }
    }

    public FakeNode node(long id) {
        return nodes.get((int) id - 1);
    }

    public String addresses() {
        return String.join(",", nodes.stream().map(FakeNode::address).toList());
    }

    public void update(long id, UnaryOperator<NodeStatus.Builder> change) {
        node(id).setStatus(change.apply(node(id).status().toBuilder()).build());
    }

    /** Changes the leader's (node 1's) view of peer {@code id}. */
    public void progress(long id, UnaryOperator<PeerProgress.Builder> change) {
        update(1, s -> {
            for (int k = 0; k < s.getProgressCount(); k++) {
                if (s.getProgress(k).getNodeId() == id) {
                    s.setProgress(k, change.apply(s.getProgress(k).toBuilder()));
                }
            }
            return s;
        });
    }

    /** Output with each node's port replaced by PORTn (five characters, as ephemeral ports are), for goldens. */
    public String normalize(String output) {
        String s = output;
        for (int i = 0; i < nodes.size(); i++) {
            s = s.replace(":" + nodes.get(i).port(), ":PORT" + (i + 1));
        }
        return s;
    }

    @Override
    public void close() {
        nodes.forEach(FakeNode::close);
    }
}
