package dev.raftify.cli.support;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfChange;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.EntryType;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.service.ConfChangeContext;
import dev.raftify.proto.service.EntryContext;
import dev.raftify.proto.service.InternalCommand;
import dev.raftify.proto.service.Peer;
import dev.raftify.proto.service.ReserveId;
import dev.raftify.proto.service.SnapshotData;
import dev.raftify.storage.SnapshotFormat;
import dev.raftify.storage.SnapshotReader;
import dev.raftify.storage.WriteBatch;
import dev.raftify.storage.lmdb.LmdbReadView;
import dev.raftify.storage.lmdb.LmdbStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * Stores written the way the engine writes them (one WriteBatch per Ready, snapshots through createSnapshot), for
 * the offline commands' tests.
 */
public final class Stores {

    private Stores() {
    }

    public static final Map<Long, String> PEERS = Map.of(1L, "127.0.0.1:60061", 2L, "127.0.0.1:60062",
            3L, "127.0.0.1:60063");

    public static Entry entry(long index, long term, String text) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setEntryType(EntryType.EntryNormal)
                .setData(ByteString.copyFrom(text, StandardCharsets.UTF_8)).build();
    }

    public static Entry entry(long index, long term, byte[] data) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setEntryType(EntryType.EntryNormal)
                .setData(ByteString.copyFrom(data)).build();
    }

    public static Entry empty(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setEntryType(EntryType.EntryNormal).build();
    }

    public static Entry addVoter(long index, long term, long id) {
        ConfChangeV2 cc = ConfChangeV2.newBuilder()
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.AddNode).setNodeId(id))
                .setContext(ConfChangeContext.newBuilder()
                        .addAddresses(Peer.newBuilder().setNodeId(id).setAddress(PEERS.get(id))).build().toByteString())
                .build();
        return Entry.newBuilder().setIndex(index).setTerm(term).setEntryType(EntryType.EntryConfChangeV2)
                .setData(cc.toByteString()).build();
    }

    public static Entry addLearnerV1(long index, long term, long id) {
        ConfChange cc = ConfChange.newBuilder().setChangeType(ConfChangeType.AddLearnerNode).setNodeId(id).build();
        return Entry.newBuilder().setIndex(index).setTerm(term).setEntryType(EntryType.EntryConfChange)
                .setData(cc.toByteString()).build();
    }

    public static Entry jointChange(long index, long term, ConfChangeTransition t, long add, long remove) {
        ConfChangeV2 cc = ConfChangeV2.newBuilder().setTransition(t)
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.AddNode).setNodeId(add))
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.RemoveNode).setNodeId(remove))
                .build();
        return Entry.newBuilder().setIndex(index).setTerm(term).setEntryType(EntryType.EntryConfChangeV2)
                .setData(cc.toByteString()).build();
    }

    public static Entry leaveJoint(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setEntryType(EntryType.EntryConfChangeV2)
                .setData(ConfChangeV2.getDefaultInstance().toByteString()).build();
    }

    public static Entry reserveId(long index, long term, long id, String address) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setEntryType(EntryType.EntryNormal)
                .setData(ReserveId.newBuilder().setNodeId(id).setAddress(address).build().toByteString())
                .setContext(EntryContext.newBuilder().setOriginNode(1).setRequestId(7)
                        .setInternal(InternalCommand.RESERVE_ID).build().toByteString())
                .build();
    }

    public static ConfState voters(long... ids) {
        ConfState.Builder b = ConfState.newBuilder();
        for (long id : ids) {
            b.addVoters(id);
        }
        return b.build();
    }

    /**
     * A three-node cluster's log as node 1 wrote it: bootstrap of node 1, two voters added, a leader change, application
     * commands (text, binary, a formatter's), an engine-internal ReserveId, a learner being added (not yet
     * committed), and a snapshot at index 3.
     */
    public static void writeThreeNodeStore(Path dir) {
        try (LmdbStorage s = LmdbStorage.open(dir)) {
            List<Entry> log = List.of(
                    addVoter(1, 1, 1),
                    empty(2, 1),
                    addVoter(3, 1, 2),
                    addVoter(4, 1, 3),
                    entry(5, 1, "set x=1"),
                    empty(6, 2),
                    entry(7, 2, new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff}),
                    entry(8, 2, "fmt:hello"),
                    reserveId(9, 2, 4, "127.0.0.1:60064"),
                    entry(10, 2, "multi\nline\ttext"),
                    addLearnerV1(11, 2, 4));
            s.write(new WriteBatch(null, log, HardState.newBuilder().setTerm(2).setVote(1).setCommit(9).build(),
                    voters(1, 2, 3), PEERS));
            s.createSnapshot(3, voters(1, 2), snapshotData(PEERS, "{\"x\":\"1\"}"));
        }
    }

    /** Snapshot data as the engine writes it: the header with the peer book, then the state machine's bytes. */
    public static ByteString snapshotData(Map<Long, String> peers, String stateMachine) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SnapshotFormat.writeHeader(out, peers);
            out.write(stateMachine.getBytes(StandardCharsets.UTF_8));
            return ByteString.copyFrom(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Turns a store written by this build back into what a Raftify of storage format version 1 wrote: the
     * snapshot's data inside LMDB (as a SnapshotData with the same peers and state machine), no snapshots/
     * directory.
     */
    public static void downgradeToFormatVersion1(Path dir) throws IOException {
        ByteString legacy;
        try (LmdbStorage s = LmdbStorage.openReadOnly(dir); LmdbReadView v = s.readView();
                SnapshotReader r = v.openSnapshot()) {
            InputStream in = r.stream();
            SnapshotFormat.Header h = SnapshotFormat.readHeader(in, r.size(), false);
            SnapshotData.Builder b = SnapshotData.newBuilder().setStateMachine(ByteString.readFrom(in));
            h.peers().forEach((id, addr) -> b.addPeers(Peer.newBuilder().setNodeId(id).setAddress(addr)));
            legacy = b.build().toByteString();
        }
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(3).setMapSize(64L << 20).open(dir.toFile())) {
            Dbi<ByteBuffer> meta = env.openDbi("meta");
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                meta.delete(txn, direct("snapshot_file".getBytes(StandardCharsets.US_ASCII)));
                meta.put(txn, direct("snapshot_data".getBytes(StandardCharsets.US_ASCII)),
                        direct(legacy.toByteArray()));
                meta.put(txn, direct("format_version".getBytes(StandardCharsets.US_ASCII)),
                        ByteBuffer.allocateDirect(4).putInt(1).flip());
                txn.commit();
            }
        }
        try (Stream<Path> files = Files.walk(dir.resolve("snapshots"))) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    /** A store whose log has {@code n} small entries (term 1), for streaming tests. */
    public static void writeLongStore(Path dir, int n) {
        try (LmdbStorage s = LmdbStorage.open(dir)) {
            s.write(new WriteBatch(null, List.of(addVoter(1, 1, 1)), null, voters(1), Map.of(1L, PEERS.get(1L))));
            int batch = 10_000;
            for (int start = 2; start <= n; start += batch) {
                List<Entry> entries = new java.util.ArrayList<>();
                for (int i = start; i < start + batch && i <= n; i++) {
                    entries.add(entry(i, 1, "cmd " + i));
                }
                s.write(WriteBatch.ofEntries(entries));
            }
            s.setHardState(HardState.newBuilder().setTerm(1).setVote(1).setCommit(n).build());
        }
    }
}
