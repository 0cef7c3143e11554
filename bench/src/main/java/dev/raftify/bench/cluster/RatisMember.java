package dev.raftify.bench.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;

/**
 * An Apache Ratis member with its defaults: gRPC transport and the segmented log in {@code dir}, flushed and
 * fsynced before an append is acknowledged (no unsafe or asynchronous flush). Only the storage directory, the
 * port and the group are set.
 */
final class RatisMember implements Member {
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.fromString("02511d47-d67c-49a3-9011-abb3109a44c1"));

    private final RaftServer server;
    private final DivisionInfo info;

    RatisMember(int id, Path dir, List<Integer> ports) throws IOException {
        RaftProperties props = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(props, List.of(dir.toFile()));
        GrpcConfigKeys.Server.setPort(props, ports.get(id - 1));
        server = RaftServer.newBuilder()
                .setServerId(peerId(id))
                .setGroup(group(ports))
                .setProperties(props)
                .setStateMachine(new RatisKv())
                .setOption(isEmpty(dir) ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER)
                .build();
        server.start();
        info = server.getDivision(GROUP_ID).getInfo();
    }

    static RaftPeerId peerId(int id) {
        return RaftPeerId.valueOf("n" + id);
    }

    static RaftGroup group(List<Integer> ports) {
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            peers.add(RaftPeer.newBuilder().setId(peerId(i + 1)).setAddress("127.0.0.1:" + ports.get(i)).build());
        }
        return RaftGroup.valueOf(GROUP_ID, peers);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    @Override
    public boolean isLeader() {
        return info.isLeader();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
