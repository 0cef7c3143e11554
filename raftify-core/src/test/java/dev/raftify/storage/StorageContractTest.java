package dev.raftify.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Storage} / {@link MutableStorage} contract, run against every implementation through the public
 * interfaces only. Subclasses say how to create a store and how to "restart" it.
 */
public abstract class StorageContractTest {

    private static final ConfState VOTERS_1_2_3 = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();

    protected MutableStorage store;

    /** A new, empty store. */
    protected abstract MutableStorage newStorage();

    /** The same store after a restart: everything durable must still be there (in memory: the same object). */
    protected abstract MutableStorage reopen(MutableStorage storage);

    @BeforeEach
    void createStore() {
        store = newStorage();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static Entry entry(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term)
                .setData(ByteString.copyFromUtf8("e" + index + "t" + term)).build();
    }

    protected static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(entry(i, term));
        }
        return out;
    }

    private void append(List<Entry> ents) {
        store.write(WriteBatch.ofEntries(ents));
    }

    @Test
    void emptyStoreStartsAtIndexOne() {
        assertThat(store.firstIndex()).isEqualTo(1);
        assertThat(store.lastIndex()).isZero();
        assertThat(store.term(0)).isZero();
        assertThat(store.entries(1, 1, Long.MAX_VALUE)).isEmpty();
        assertThat(store.initialState().isInitialized()).isFalse();
        assertThat(store.initialState().hardState()).isEqualTo(HardState.getDefaultInstance());
        assertThat(store.peers()).isEmpty();
        assertThatThrownBy(() -> store.term(1)).isInstanceOf(UnavailableException.class);
        assertThatThrownBy(() -> store.snapshot(1, 2)).isInstanceOf(SnapshotTemporarilyUnavailableException.class);
    }

    @Test
    void appendedEntriesReadBackExactly() {
        append(entries(1, 5, 1));
        append(entries(6, 8, 2));
        assertThat(store.lastIndex()).isEqualTo(8);
        assertThat(store.entries(1, 9, Long.MAX_VALUE)).isEqualTo(concat(entries(1, 5, 1), entries(6, 8, 2)));
        assertThat(store.entries(3, 7, Long.MAX_VALUE)).extracting(Entry::getIndex).containsExactly(3L, 4L, 5L, 6L);
        assertThat(store.term(5)).isEqualTo(1);
        assertThat(store.term(6)).isEqualTo(2);
    }

    @Test
    void appendTruncatesConflictingSuffix() {
        append(entries(1, 5, 1));
        append(List.of(entry(3, 2), entry(4, 2)));
        assertThat(store.lastIndex()).isEqualTo(4);
        assertThat(store.term(2)).isEqualTo(1);
        assertThat(store.term(3)).isEqualTo(2);
        assertThat(store.entries(1, 5, Long.MAX_VALUE)).containsExactly(
                entry(1, 1), entry(2, 1), entry(3, 2), entry(4, 2));
        assertThatThrownBy(() -> store.term(5)).isInstanceOf(UnavailableException.class);
        assertThatThrownBy(() -> store.entries(1, 6, Long.MAX_VALUE)).isInstanceOf(UnavailableException.class);
    }

    @Test
    void appendOverwritingTheWholeLogKeepsNothingOld() {
        append(entries(1, 5, 1));
        append(entries(1, 2, 3));
        assertThat(store.entries(1, 3, Long.MAX_VALUE)).isEqualTo(entries(1, 2, 3));
        assertThat(store.lastIndex()).isEqualTo(2);
    }

    @Test
    void appendRefusesAGapAndNonContiguousEntries() {
        append(entries(1, 2, 1));
        assertThatThrownBy(() -> append(List.of(entry(4, 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gap");
        assertThatThrownBy(() -> append(List.of(entry(3, 1), entry(5, 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not contiguous");
        assertThat(store.lastIndex()).isEqualTo(2);
    }

    @Test
    void entriesRespectSizeLimitButReturnAtLeastOne() {
        append(entries(1, 5, 1));
        long one = entry(1, 1).getSerializedSize();
        assertThat(store.entries(1, 6, 0)).hasSize(1);
        assertThat(store.entries(1, 6, one * 3)).hasSize(3);
        assertThat(store.entries(1, 6, one * 3 + 1)).hasSize(3);
        assertThat(store.entries(1, 6, Long.MAX_VALUE)).hasSize(5);
        assertThatThrownBy(() -> store.entries(1, 7, Long.MAX_VALUE)).isInstanceOf(UnavailableException.class);
    }

    @Test
    void createSnapshotStoresItAndCompactsTheLog() {
        append(entries(1, 10, 3));
        Snapshot snap = store.createSnapshot(6, VOTERS_1_2_3, ByteString.copyFromUtf8("state"));
        assertThat(snap.getMetadata().getIndex()).isEqualTo(6);
        assertThat(snap.getMetadata().getTerm()).isEqualTo(3);
        assertThat(snap.getMetadata().getConfState()).isEqualTo(VOTERS_1_2_3);
        assertThat(store.firstIndex()).isEqualTo(7);
        assertThat(store.lastIndex()).isEqualTo(10);
        assertThat(store.term(6)).isEqualTo(3);
        assertThatThrownBy(() -> store.term(5)).isInstanceOf(CompactedException.class);
        assertThatThrownBy(() -> store.entries(6, 8, Long.MAX_VALUE)).isInstanceOf(CompactedException.class);
        assertThat(store.entries(7, 11, Long.MAX_VALUE)).isEqualTo(entries(7, 10, 3));
        assertThat(store.snapshot(6, 2)).isEqualTo(snap);
        assertThat(TestSnapshots.content(store, snap)).isEqualTo(ByteString.copyFromUtf8("state"));
        assertThatThrownBy(() -> store.snapshot(7, 2)).isInstanceOf(SnapshotTemporarilyUnavailableException.class);
    }

    @Test
    void createSnapshotLiftsALaggingCommitIndexSoTheStoreStillOpens() {
        // The runtime writes a commit index that alone changed lazily; a snapshot past it must lift it.
        append(entries(1, 10, 3));
        store.write(WriteBatch.ofHardState(HardState.newBuilder().setTerm(3).setVote(2).setCommit(4).build()));
        store.createSnapshot(8, VOTERS_1_2_3, ByteString.copyFromUtf8("state"));
        store = reopen(store);
        assertThat(store.initialState().hardState())
                .isEqualTo(HardState.newBuilder().setTerm(3).setVote(2).setCommit(8).build());
        store.createSnapshot(8, VOTERS_1_2_3, ByteString.copyFromUtf8("again"));
        store.write(WriteBatch.ofHardState(HardState.newBuilder().setTerm(3).setVote(2).setCommit(10).build()));
        store.createSnapshot(9, VOTERS_1_2_3, ByteString.copyFromUtf8("below the commit"));
        store = reopen(store);
        assertThat(store.initialState().hardState().getCommit()).isEqualTo(10);
    }

    @Test
    void createSnapshotRejectsOldAndFutureIndexes() {
        append(entries(1, 10, 3));
        store.createSnapshot(6, VOTERS_1_2_3, ByteString.EMPTY);
        assertThatThrownBy(() -> store.createSnapshot(5, VOTERS_1_2_3, ByteString.EMPTY))
                .isInstanceOf(SnapshotOutOfDateException.class);
        assertThatThrownBy(() -> store.createSnapshot(11, VOTERS_1_2_3, ByteString.EMPTY))
                .isInstanceOf(UnavailableException.class);
        Snapshot again = store.createSnapshot(6, VOTERS_1_2_3, ByteString.copyFromUtf8("newer state"));
        assertThat(store.snapshot(0, 2)).isEqualTo(again);
        assertThat(TestSnapshots.content(store, again)).isEqualTo(ByteString.copyFromUtf8("newer state"));
        Snapshot all = store.createSnapshot(10, VOTERS_1_2_3, ByteString.copyFromUtf8("all"));
        assertThat(store.firstIndex()).isEqualTo(11);
        assertThat(store.lastIndex()).isEqualTo(10);
        assertThat(store.term(10)).isEqualTo(3);
        assertThat(store.snapshot(10, 2)).isEqualTo(all);
        append(entries(11, 12, 4));
        assertThat(store.entries(11, 13, Long.MAX_VALUE)).isEqualTo(entries(11, 12, 4));
    }

    @Test
    void appendBelowTheFirstIndexIgnoresTheCompactedPart() {
        append(entries(1, 10, 1));
        store.createSnapshot(5, VOTERS_1_2_3, ByteString.EMPTY);
        append(entries(3, 8, 2));
        assertThat(store.firstIndex()).isEqualTo(6);
        assertThat(store.entries(6, 9, Long.MAX_VALUE)).isEqualTo(entries(6, 8, 2));
        append(entries(2, 4, 2));
        assertThat(store.lastIndex()).isEqualTo(8);
    }

    @Test
    void writeBatchAppliesSnapshotThenEntriesThenState() {
        append(entries(1, 3, 1));
        Snapshot snap = Snapshot.newBuilder().setData(ByteString.copyFromUtf8("leader's state"))
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(10).setTerm(4).setConfState(VOTERS_1_2_3))
                .build();
        HardState hs = HardState.newBuilder().setTerm(5).setVote(2).setCommit(11).build();
        store.write(new WriteBatch(snap, entries(11, 12, 5), hs, null, Map.of(2L, "10.0.0.2:60061")));
        assertThat(store.firstIndex()).isEqualTo(11);
        assertThat(store.lastIndex()).isEqualTo(12);
        assertThat(store.term(10)).isEqualTo(4);
        assertThatThrownBy(() -> store.term(3)).isInstanceOf(CompactedException.class);
        assertThat(store.initialState().hardState()).isEqualTo(hs);
        assertThat(store.initialState().confState()).isEqualTo(VOTERS_1_2_3);
        assertSameSnapshot(store.snapshot(10, 1), snap);
        assertThat(store.peers()).containsExactlyEntriesOf(Map.of(2L, "10.0.0.2:60061"));
    }

    @Test
    void applyingASnapshotRaisesCommitAndTermButNeverLowersThem() {
        store.write(WriteBatch.ofHardState(HardState.newBuilder().setTerm(9).setVote(1).setCommit(2).build()));
        Snapshot snap = Snapshot.newBuilder()
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(10).setTerm(4).setConfState(VOTERS_1_2_3))
                .build();
        store.write(new WriteBatch(snap, List.of(), null, null));
        assertThat(store.initialState().hardState())
                .isEqualTo(HardState.newBuilder().setTerm(9).setVote(1).setCommit(10).build());
    }

    @Test
    void anOlderSnapshotIsRefusedAndChangesNothing() {
        append(entries(1, 10, 1));
        store.createSnapshot(8, VOTERS_1_2_3, ByteString.copyFromUtf8("s8"));
        HardState before = store.initialState().hardState();
        Snapshot old = Snapshot.newBuilder()
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(5).setTerm(1).setConfState(VOTERS_1_2_3))
                .build();
        HardState hs = HardState.newBuilder().setTerm(7).build();
        assertThatThrownBy(() -> store.write(new WriteBatch(old, List.of(), hs, null)))
                .isInstanceOf(SnapshotOutOfDateException.class);
        assertThat(store.firstIndex()).isEqualTo(9);
        assertThat(store.lastIndex()).isEqualTo(10);
        // The batch is atomic in LMDB; MemStorage stops at the failing step. Either way the hard state is untouched.
        assertThat(store.initialState().hardState()).isEqualTo(before);
    }

    @Test
    void hardStateConfStateAndPeersAreReplacedAsAWhole() {
        HardState hs = HardState.newBuilder().setTerm(3).setVote(1).setCommit(0).build();
        store.write(new WriteBatch(null, List.of(), hs, VOTERS_1_2_3, Map.of(1L, "a:1", 2L, "b:2", 3L, "c:3")));
        assertThat(store.initialState()).isEqualTo(new RaftState(hs, VOTERS_1_2_3));
        assertThat(store.initialState().isInitialized()).isTrue();
        store.write(new WriteBatch(null, List.of(), null, null, Map.of(1L, "a:1", 4L, "d:4")));
        assertThat(store.peers()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, "a:1", 4L, "d:4"));
        store.write(new WriteBatch(null, List.of(), null, null));
        assertThat(store.peers()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, "a:1", 4L, "d:4"));
        assertThat(store.initialState()).isEqualTo(new RaftState(hs, VOTERS_1_2_3));
    }

    @Test
    void everythingSurvivesARestart() {
        append(entries(1, 20, 2));
        Snapshot snap = store.createSnapshot(12, VOTERS_1_2_3, ByteString.copyFromUtf8("snap"));
        HardState hs = HardState.newBuilder().setTerm(2).setVote(3).setCommit(18).build();
        store.write(new WriteBatch(null, entries(19, 22, 3), hs, VOTERS_1_2_3, Map.of(3L, "node3:7000")));
        store = reopen(store);
        assertThat(store.firstIndex()).isEqualTo(13);
        assertThat(store.lastIndex()).isEqualTo(22);
        assertThat(store.term(12)).isEqualTo(2);
        assertThat(store.entries(13, 23, Long.MAX_VALUE)).isEqualTo(concat(entries(13, 18, 2), entries(19, 22, 3)));
        assertThat(store.initialState()).isEqualTo(new RaftState(hs, VOTERS_1_2_3));
        assertThat(store.snapshot(12, 1).getMetadata()).isEqualTo(snap.getMetadata());
        assertThat(TestSnapshots.content(store, store.snapshot(12, 1))).isEqualTo(ByteString.copyFromUtf8("snap"));
        assertThat(store.peers()).containsExactlyEntriesOf(Map.of(3L, "node3:7000"));
    }

    /**
     * Random Readys (appends that overwrite suffixes, snapshots from a leader, local snapshots, state changes)
     * applied to this store and to {@link MemStorage}, the reference; after each, everything observable agrees.
     */
    @Test
    void behavesLikeTheReferenceUnderRandomOperations() {
        Random random = new Random(4242);
        MemStorage model = new MemStorage();
        long term = 1;
        for (int step = 0; step < 400; step++) {
            int op = random.nextInt(10);
            if (op < 6) {
                long first = model.firstIndex();
                long start = first + (long) random.nextInt((int) (model.lastIndex() - first + 2));
                term += random.nextInt(4) == 0 ? 1 : 0;
                List<Entry> ents = entries(start, start + random.nextInt(8), term);
                bothDo(model, s -> s.write(WriteBatch.ofEntries(ents)));
            } else if (op == 6) {
                HardState hs = HardState.newBuilder().setTerm(term).setVote(random.nextInt(4))
                        .setCommit(random.nextInt((int) model.lastIndex() + 1)).build();
                bothDo(model, s -> s.write(WriteBatch.ofHardState(hs)));
            } else if (op == 7 && model.lastIndex() > 0) {
                long index = model.firstIndex() - 1 + random.nextInt((int) (model.lastIndex() - model.firstIndex() + 2));
                ByteString data = ByteString.copyFromUtf8("state@" + index + "#" + step);
                bothDo(model, s -> s.createSnapshot(index, VOTERS_1_2_3, data));
            } else if (op == 8 && random.nextInt(3) == 0) {
                long index = model.latestSnapshot().getMetadata().getIndex() + random.nextInt(30);
                term += 1;
                Snapshot snap = Snapshot.newBuilder().setData(ByteString.copyFromUtf8("leader@" + index))
                        .setMetadata(SnapshotMetadata.newBuilder().setIndex(index).setTerm(term)
                                .setConfState(VOTERS_1_2_3)).build();
                bothDo(model, s -> s.write(new WriteBatch(snap, List.of(), null, null)));
            } else if (op == 9) {
                Map<Long, String> peers = Map.of((long) random.nextInt(5), "host" + step + ":1");
                bothDo(model, s -> s.write(new WriteBatch(null, List.of(), null, null, peers)));
            }
            assertSameObservableState(model, step);
            if (step % 100 == 99) {
                store = reopen(store);
                assertSameObservableState(model, step);
            }
        }
    }

    private void bothDo(MemStorage model, java.util.function.Consumer<MutableStorage> op) {
        Throwable expected = catchThrowable(() -> op.accept(model));
        Throwable actual = catchThrowable(() -> op.accept(store));
        if (expected == null) {
            assertThat(actual).as("the reference accepted this operation").isNull();
        } else {
            assertThat(actual).as("the reference threw " + expected).isInstanceOf(expected.getClass());
        }
    }

    private void assertSameObservableState(MemStorage model, int step) {
        String at = "after step " + step;
        assertThat(store.firstIndex()).as(at).isEqualTo(model.firstIndex());
        assertThat(store.lastIndex()).as(at).isEqualTo(model.lastIndex());
        assertThat(store.term(model.firstIndex() - 1)).as(at).isEqualTo(model.term(model.firstIndex() - 1));
        assertThat(store.entries(model.firstIndex(), model.lastIndex() + 1, Long.MAX_VALUE)).as(at)
                .isEqualTo(model.entries(model.firstIndex(), model.lastIndex() + 1, Long.MAX_VALUE));
        assertThat(store.initialState()).as(at).isEqualTo(model.initialState());
        assertThat(store.snapshot(0, 1).getMetadata()).as(at).isEqualTo(model.latestSnapshot().getMetadata());
        assertThat(TestSnapshots.content(store, store.snapshot(0, 1))).as(at)
                .isEqualTo(model.latestSnapshot().getData());
        assertThat(store.peers()).as(at).isEqualTo(model.peers());
    }

    /** Same metadata and the same data, whether the store hands out the data or a reference to it. */
    private void assertSameSnapshot(Snapshot actual, Snapshot expected) {
        assertThat(actual.getMetadata()).isEqualTo(expected.getMetadata());
        assertThat(TestSnapshots.content(store, actual)).isEqualTo(expected.getData());
    }

    @Test
    void snapshotDataStreamsThroughAWriterAndIsStoredBySealedValue() throws Exception {
        append(entries(1, 10, 3));
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        try (SnapshotWriter w = store.newSnapshotWriter(-1)) {
            for (int off = 0; off < data.length; off += 1000) {
                w.stream().write(data, off, 1000);
            }
            assertThat(w.size()).isEqualTo(data.length);
            ByteString sealed = w.seal();
            try (SnapshotReader r = store.openSnapshot(Snapshot.newBuilder().setData(sealed).build())) {
                assertThat(r.size()).as("a sealed snapshot reads before it is stored").isEqualTo(data.length);
            }
            Snapshot snap = store.createSnapshot(8, VOTERS_1_2_3, sealed);
            assertThat(snap.getMetadata().getIndex()).isEqualTo(8);
            assertThat(store.firstIndex()).isEqualTo(9);
        }
        Snapshot stored = store.snapshot(8, 2);
        store = reopen(store);
        try (SnapshotReader r = store.openSnapshot(store.snapshot(8, 2))) {
            assertThat(r.size()).isEqualTo(data.length);
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(data);
            assertThat(r.crc32c()).isEqualTo((int) crc.getValue());
            assertThat(TestSnapshots.content(r).toByteArray()).isEqualTo(data);
        }
        assertThat(store.snapshot(8, 2)).isEqualTo(stored);
    }

    @Test
    void aLeadersSnapshotStreamedThroughAWriterIsInstalledByAWriteBatch() throws Exception {
        append(entries(1, 3, 1));
        try (SnapshotWriter w = store.newSnapshotWriter(5)) {
            w.stream().write("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Snapshot snap = Snapshot.newBuilder().setData(w.seal())
                    .setMetadata(SnapshotMetadata.newBuilder().setIndex(10).setTerm(4).setConfState(VOTERS_1_2_3))
                    .build();
            store.write(new WriteBatch(snap, List.of(), null, null));
        }
        assertThat(store.firstIndex()).isEqualTo(11);
        assertThat(TestSnapshots.content(store, store.snapshot(10, 1)).toStringUtf8()).isEqualTo("hello");
    }

    @SafeVarargs
    private static List<Entry> concat(List<Entry>... parts) {
        List<Entry> out = new ArrayList<>();
        for (List<Entry> p : parts) {
            out.addAll(p);
        }
        return out;
    }
}
