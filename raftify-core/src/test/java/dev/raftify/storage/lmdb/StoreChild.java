package dev.raftify.storage.lmdb;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.storage.StorageException;
import dev.raftify.storage.WriteBatch;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The program {@link ChildJvm} runs: a node-like writer in its own process. It reports on stdout only what a
 * write call has returned for, that is, what a node would have acknowledged:
 * <ul>
 *   <li>{@code hold DIR}: opens the store read-write, prints {@code READY <last index>}, holds it until stdin
 *   closes.</li>
 *   <li>{@code churn DIR SEED}: writes Readys forever, like a follower: appends (sometimes overwriting the
 *   uncommitted tail with a newer term), advances the commit index in the same batch, and now and then snapshots
 *   and compacts. Prints {@code OPEN}, then {@code C <commit>} after each write and {@code S <index>} after each
 *   snapshot.</li>
 *   <li>{@code snapcrash DIR INDEX}: stores a snapshot at INDEX but dies between the file's rename and the
 *   transaction; prints {@code RENAMED <files>}.</li>
 *   <li>{@code fill DIR}: appends 64 KB entries until the disk is full, then checks that the store reopens with
 *   every acknowledged entry. Prints {@code C <last>}, {@code FULL <message>}, {@code REOPENED <last>}.</li>
 * </ul>
 */
public final class StoreChild {

    static final ConfState VOTERS = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();

    private StoreChild() {
    }

    /** The data of the entry at {@code index} written in {@code term}: checkable byte for byte after a crash. */
    static ByteString entryData(long index, long term) {
        StringBuilder sb = new StringBuilder(1000);
        while (sb.length() < 1000) {
            sb.append(index).append('/').append(term).append(';');
        }
        return ByteString.copyFromUtf8(sb.toString());
    }

    static ByteString snapshotData(long index) {
        return ByteString.copyFromUtf8("state machine as of " + index);
    }

    static Entry entry(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setData(entryData(index, term)).build();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[1]);
        PrintStream out = System.out;
        switch (args[0]) {
            case "hold" -> hold(dir, out);
            case "churn" -> churn(dir, Long.parseLong(args[2]), out);
            case "fill" -> fill(dir, out);
            case "snapcrash" -> snapcrash(dir, Long.parseLong(args[2]), out);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void hold(Path dir, PrintStream out) throws IOException {
        try (LmdbStorage store = LmdbStorage.open(dir)) {
            out.println("READY " + store.lastIndex());
            out.flush();
            while (System.in.read() >= 0) {
                // Hold the store until the parent closes our stdin.
            }
        }
    }

    private static void churn(Path dir, long seed, PrintStream out) {
        Random random = new Random(seed);
        // A 1 MiB map fills within seconds, so kills also land during map growth.
        try (LmdbStorage store = LmdbStorage.open(dir, LmdbOptions.defaults().withMapSize(LmdbOptions.MIB))) {
            HardState hs = store.hardState();
            long last = store.lastIndex();
            long term = Math.max(hs.getTerm(), store.term(last)) + 1;
            long commit = hs.getCommit();
            out.println("OPEN " + last + " " + commit);
            out.flush();
            for (int batchNo = 1; ; batchNo++) {
                long start = last + 1;
                if (last > commit && random.nextInt(5) == 0) {
                    // A new leader overwrote our uncommitted tail.
                    start = commit + 1 + random.nextInt((int) (last - commit));
                    term++;
                }
                List<Entry> ents = new ArrayList<>();
                int n = 1 + random.nextInt(16);
                for (int i = 0; i < n; i++) {
                    ents.add(entry(start + i, term));
                }
                last = start + n - 1;
                commit = Math.max(commit, last - random.nextInt(4));
                hs = HardState.newBuilder().setTerm(term).setVote(1).setCommit(commit).build();
                store.write(new WriteBatch(null, ents, hs, null));
                out.println("C " + commit);
                out.flush();
                if (batchNo % 4 == 0) {
                    // Keeps ~1000 entries (1 MB) behind the snapshot, so the store outgrows its first map.
                    long snapIndex = Math.max(store.firstIndex() - 1, commit - 1000 - random.nextInt(20));
                    if (snapIndex > store.snapshotMetadata().getIndex()) {
                        store.createSnapshot(snapIndex, VOTERS, snapshotData(snapIndex));
                        out.println("S " + snapIndex);
                        out.flush();
                    }
                }
            }
        }
    }

    /**
     * Stores a snapshot at {@code index}, but the process dies (as a power cut would leave it: no finally, no
     * cleanup) right after the data file got its final name and before the transaction that refers to it commits.
     * Prints {@code RENAMED <file>} just before dying.
     */
    private static void snapcrash(Path dir, long index, PrintStream out) {
        LmdbStorage store = LmdbStorage.open(dir);
        store.beforeSnapshotCommit(() -> {
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir.resolve("snapshots"))) {
                out.println("RENAMED " + files.map(p -> p.getFileName().toString()).sorted().toList());
            } catch (IOException e) {
                out.println("ERROR " + e);
            }
            out.flush();
            Runtime.getRuntime().halt(0);
        });
        store.createSnapshot(index, VOTERS, snapshotData(index));
        out.println("COMMITTED (the crash did not happen)");
    }

    private static void fill(Path dir, PrintStream out) {
        ByteString big = ByteString.copyFrom(new byte[64 * 1024]);
        long last;
        try (LmdbStorage store = LmdbStorage.open(dir, LmdbOptions.defaults().withMapSize(LmdbOptions.MIB))) {
            last = store.lastIndex();
            try {
                while (true) {
                    List<Entry> ents = new ArrayList<>();
                    for (int i = 1; i <= 4; i++) {
                        ents.add(Entry.newBuilder().setIndex(last + i).setTerm(1).setData(big).build());
                    }
                    store.write(WriteBatch.ofEntries(ents));
                    last += 4;
                    out.println("C " + last);
                }
            } catch (StorageFullException e) {
                out.println("FULL " + e.getMessage());
            }
        } catch (StorageException e) {
            out.println("ERROR " + e.getMessage());
            return;
        }
        try (LmdbStorage store = LmdbStorage.open(dir)) {
            long reopenedLast = store.lastIndex();
            long[] count = {0};
            store.forEachEntry(1, reopenedLast + 1, e -> count[0]++);
            out.println("REOPENED " + reopenedLast + " " + count[0]);
        } catch (StorageException e) {
            out.println("ERROR " + e.getMessage());
        }
    }
}
