package dev.raftify.storage.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.storage.MemStorage;
import dev.raftify.storage.MutableStorage;
import dev.raftify.storage.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LmdbStorage answers log questions from an in-memory tail; this drives it and MemStorage (the contract's reference)
 * through the same random writes (appends that overwrite suffixes, snapshots that replace or compact the log,
 * compaction) with a tiny tail, so that eviction, truncation and every bound move happen often, and requires the
 * same answers after each step, then again from LMDB alone after a reopen.
 */
class LogTailDifferentialTest {
    private static final ConfState VOTERS = ConfState.newBuilder().addVoters(1).build();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void theTailAnswersExactlyWhatTheLogHolds(long seed) {
        Random rnd = new Random(seed);
        MemStorage model = new MemStorage();
        LmdbStorage store = LmdbStorage.open(dir, LmdbOptions.defaults(), 8, 600);
        try {
            long term = 1;
            for (int step = 0; step < 400; step++) {
                long first = model.firstIndex();
                long last = model.lastIndex();
                int op = rnd.nextInt(20);
                if (op < 13) {
                    // Append, sometimes overwriting a suffix (never below the first index: a leader never does).
                    long start = last + 1 - (last >= first && rnd.nextInt(4) == 0 ? rnd.nextInt((int) (last - first + 1)) : 0);
                    if (rnd.nextInt(5) == 0) {
                        term++;
                    }
                    List<Entry> ents = new ArrayList<>();
                    int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 12);
                    for (int i = 0; i < n; i++) {
                        ents.add(Entry.newBuilder().setIndex(start + i).setTerm(term)
                                .setData(ByteString.copyFromUtf8("x".repeat(rnd.nextInt(120)) + seed + "/" + step))
                                .build());
                    }
                    HardState hs = HardState.newBuilder().setTerm(term).setCommit(Math.min(first - 1, start - 1))
                            .build();
                    WriteBatch b = new WriteBatch(null, ents, rnd.nextBoolean() ? hs : null, null);
                    model.write(b);
                    store.write(b);
                } else if (op < 15 && last >= first) {
                    long at = first + rnd.nextInt((int) (last - first + 1));
                    ByteString data = ByteString.copyFromUtf8("snap " + at);
                    model.createSnapshot(at, VOTERS, data);
                    store.createSnapshot(at, VOTERS, data);
                } else if (op < 17 && last >= first) {
                    long at = first + rnd.nextInt((int) (last - first + 1));
                    // Compaction below a stored snapshot is what a node never does; keep the two stores comparable.
                    model.createSnapshot(at, VOTERS, ByteString.EMPTY);
                    store.createSnapshot(at, VOTERS, ByteString.EMPTY);
                    model.compact(at);
                    store.compact(at);
                } else if (op < 19) {
                    // A snapshot from the leader: past the log, or inside it (the log is replaced either way).
                    long at = last + (rnd.nextBoolean() ? 1 + rnd.nextInt(5) : 0);
                    if (at < model.snapshot(0, 1).getMetadata().getIndex()) {
                        continue;
                    }
                    term++;
                    Snapshot snap = Snapshot.newBuilder().setData(ByteString.copyFromUtf8("leader " + at))
                            .setMetadata(SnapshotMetadata.newBuilder().setIndex(at).setTerm(term)
                                    .setConfState(VOTERS))
                            .build();
                    List<Entry> after = List.of(Entry.newBuilder().setIndex(at + 1).setTerm(term).build());
                    WriteBatch b = new WriteBatch(snap, rnd.nextBoolean() ? after : List.of(), null, null);
                    model.write(b);
                    store.write(b);
                }
                sameAnswers(model, store, rnd);
            }
            store.close();
            store = LmdbStorage.open(dir);
            sameAnswers(model, store, rnd);
        } finally {
            store.close();
        }
    }

    private static void sameAnswers(MutableStorage model, MutableStorage store, Random rnd) {
        long first = model.firstIndex();
        long last = model.lastIndex();
        assertThat(store.firstIndex()).isEqualTo(first);
        assertThat(store.lastIndex()).isEqualTo(last);
        for (long i = first - 2; i <= last + 1; i++) {
            long index = i;
            Throwable expected = catchThrowable(() -> model.term(index));
            if (expected == null) {
                assertThat(store.term(index)).as("term(%d)", index).isEqualTo(model.term(index));
            } else {
                assertThat(catchThrowable(() -> store.term(index))).as("term(%d)", index)
                        .isInstanceOf(expected.getClass());
            }
        }
        for (int k = 0; k < 6; k++) {
            long low = first - 1 + rnd.nextInt((int) (last - first + 3));
            long high = low + rnd.nextInt(6);
            long maxSize = rnd.nextBoolean() ? Long.MAX_VALUE : rnd.nextInt(400);
            Throwable expected = catchThrowable(() -> model.entries(low, high, maxSize));
            if (expected == null) {
                assertThat(store.entries(low, high, maxSize)).as("entries(%d, %d, %d)", low, high, maxSize)
                        .isEqualTo(model.entries(low, high, maxSize));
            } else {
                assertThat(catchThrowable(() -> store.entries(low, high, maxSize)))
                        .as("entries(%d, %d, %d)", low, high, maxSize).isInstanceOf(expected.getClass());
            }
        }
    }
}
