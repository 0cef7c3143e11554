package dev.raftify.cli.check;

import dev.raftify.cli.store.Membership;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.raft.ConfChangeCodec;
import dev.raftify.raft.confchange.ConfChangeException;
import dev.raftify.proto.service.SnapshotFile;
import dev.raftify.storage.SnapshotFormat;
import dev.raftify.storage.SnapshotReader;
import dev.raftify.storage.StorageException;
import dev.raftify.storage.lmdb.LmdbReadView;
import dev.raftify.storage.lmdb.SnapshotReplacedException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The offline consistency check of a store. Reads the log once, in flat memory (only membership changes are
 * kept), and reports every problem it finds rather than stopping at the first.
 */
public final class StoreChecker {

    /** One named check and the problems it found (none: it passed). */
    public record Check(String name, String description, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * @param checks every check, in a fixed order
     * @param warnings doubtful but legal findings; they do not fail the check
     * @param entries how many log entries were read
     */
    public record Report(List<Check> checks, List<String> warnings, long entries) {
        public boolean ok() {
            return checks.stream().allMatch(Check::ok);
        }

        public long problemCount() {
            return checks.stream().mapToLong(c -> c.problems().size()).sum();
        }
    }

    private record IndexedChange(long index, ConfChangeV2 change) {
    }

    private StoreChecker() {
    }

    public static Report check(LmdbReadView v) {
        HardState hs = v.hardState();
        ConfState cs = v.confState();
        SnapshotMetadata snap = v.snapshotMetadata();
        long first = v.firstIndex();
        long last = v.lastIndex();
        long baseTerm = v.term(first - 1);

        List<String> log = new ArrayList<>();
        List<String> terms = new ArrayList<>();
        List<String> commit = new ArrayList<>();
        List<String> snapshot = new ArrayList<>();
        List<String> membership = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<IndexedChange> changes = new ArrayList<>();

        // One pass over the log: contiguity and decoding (the read view verifies both), terms, membership changes.
        long[] prev = {first - 1, baseTerm};
        long read;
        try {
            read = v.forEachEntry(first, last + 1, e -> {
                if (e.getTerm() < prev[1]) {
                    terms.add("entry " + e.getIndex() + " has term " + e.getTerm() + ", lower than the term "
                            + prev[1] + " of entry " + prev[0]);
                }
                prev[0] = e.getIndex();
                prev[1] = e.getTerm();
                try {
                    ConfChangeV2 cc = ConfChangeCodec.decode(e);
                    if (cc != null) {
                        changes.add(new IndexedChange(e.getIndex(), cc));
                    }
                } catch (IllegalArgumentException ex) {
                    membership.add("entry " + e.getIndex() + " is a " + e.getEntryType()
                            + " whose data does not decode");
                }
            });
        } catch (StorageException ex) {
            read = prev[0] - first + 1;
            log.add(ex.getMessage() + " (the scan stopped at entry " + (prev[0] + 1) + ")");
        }
        if (last >= first && prev[0] == last && hs.getTerm() < prev[1]) {
            terms.add("the hard state's term " + hs.getTerm() + " is lower than the last entry's term " + prev[1]);
        }

        if (hs.getCommit() > last) {
            commit.add("the commit index " + hs.getCommit() + " is past the last index " + last);
        }
        if (hs.getCommit() < snap.getIndex()) {
            commit.add("the commit index " + hs.getCommit() + " is behind the snapshot index " + snap.getIndex());
        }

        if (snap.getIndex() > first - 1) {
            snapshot.add("the snapshot's index " + snap.getIndex() + " is past the compacted prefix: the log "
                    + "starts at " + first + " but should start at " + (snap.getIndex() + 1));
        } else if (snap.getIndex() < first - 1) {
            snapshot.add("entries " + (snap.getIndex() + 1) + ".." + (first - 1) + " are neither in the log nor "
                    + "in the snapshot (index " + snap.getIndex() + "): the log was compacted past its snapshot");
        } else if (snap.getIndex() > 0 && snap.getTerm() != baseTerm) {
            snapshot.add("the snapshot's term " + snap.getTerm() + " differs from the term " + baseTerm
                    + " the log records for index " + snap.getIndex());
        }

        checkMembership(snap, first, hs.getCommit(), cs, changes, membership);

        List<String> data = new ArrayList<>();
        checkSnapshotData(v, snap, data, warnings);

        Map<Long, String> peers = v.peers();
        Set<Long> members = Membership.allIds(cs);
        for (long id : members) {
            if (!peers.containsKey(id)) {
                warnings.add("member " + id + " has no address in the peer address book");
            } else if (peers.get(id).isEmpty()) {
                warnings.add("member " + id + " is marked removed in the peer address book");
            }
        }

        List<Check> checks = List.of(
                new Check("log", "indexes contiguous from " + first + " to " + last + ", every entry decodes", log),
                new Check("terms", "terms never decrease along the log", terms),
                new Check("commit", "the commit index is within [snapshot index, last index]", commit),
                new Check("snapshot", "the snapshot ends where the log begins", snapshot),
                new Check("snapshot data", "the snapshot's data file exists, with the recorded size and checksum",
                        data),
                new Check("membership", "the conf state is one the log's membership changes reach", membership));
        return new Report(checks, warnings, read);
    }

    /**
     * Reads the snapshot's data once, as a stream: its file must exist with the size the store recorded, its content
     * must have the recorded CRC-32C, and its header (the peer address book) must decode.
     */
    private static void checkSnapshotData(LmdbReadView v, SnapshotMetadata snap, List<String> problems,
            List<String> warnings) {
        SnapshotFile file = v.snapshotFile();
        if (file.getName().isEmpty()) {
            if (snap.getIndex() > 0 && v.formatVersion() >= 2) {
                problems.add("the snapshot at index " + snap.getIndex() + " has no data file recorded");
            } else if (snap.getIndex() > 0) {
                warnings.add("the snapshot's data is inside LMDB (format version " + v.formatVersion()
                        + "); the node moves it to a file at its next start");
            }
            if (snap.getIndex() == 0) {
                return;
            }
        }
        try (SnapshotReader r = v.openSnapshot()) {
            InputStream in = new BufferedInputStream(r.stream(), 64 * 1024);
            try {
                SnapshotFormat.readHeader(in, r.size(), false);
            } catch (IOException e) {
                warnings.add("the snapshot's data has no peer address book header (" + e.getMessage()
                        + "): not written by the engine");
            }
            // Reading to the end is what verifies the checksum.
            in.transferTo(OutputStream.nullOutputStream());
        } catch (SnapshotReplacedException e) {
            throw e;
        } catch (StorageException e) {
            problems.add(e.getMessage());
        } catch (IOException e) {
            problems.add("cannot read snapshot file " + file.getName() + ": " + e.getMessage());
        }
    }

    private static void checkMembership(SnapshotMetadata snap, long first, long commit, ConfState stored,
                                        List<IndexedChange> changes, List<String> problems) {
        if (snap.getIndex() != first - 1) {
            problems.add("cannot replay membership changes: the log does not start at the snapshot");
            return;
        }
        MembershipReplay replay;
        try {
            replay = new MembershipReplay(snap.getConfState());
        } catch (ConfChangeException | IllegalStateException e) {
            problems.add("the snapshot's conf state (" + Membership.format(snap.getConfState())
                    + ") is not a legal membership: " + e.getMessage());
            return;
        }
        // The stored state is what the node applied last; applying may lag the commit index, so any membership the
        // committed changes pass through is consistent.
        List<ConfState> reached = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        reached.add(replay.current());
        at.add(snap.getIndex());
        for (IndexedChange c : changes) {
            if (c.index() > commit) {
                break;
            }
            try {
                reached.add(replay.apply(c.index(), c.change()));
                at.add(c.index());
            } catch (ConfChangeException e) {
                problems.add("entry " + c.index() + " (" + Membership.format(c.change()) + ") cannot apply to "
                        + Membership.format(replay.current()) + ": " + e.getMessage());
                return;
            }
        }
        for (ConfState s : reached) {
            if (Membership.sameMembers(s, stored)) {
                return;
            }
        }
        ConfState expected = reached.get(reached.size() - 1);
        long where = at.get(at.size() - 1);
        problems.add("the conf state (" + Membership.format(stored) + ") is not a membership the log reaches up "
                + "to the commit index " + commit + "; expected " + Membership.format(expected)
                + (where == snap.getIndex() ? " (from the snapshot at " + where + ")" : " (after entry " + where + ")"));
    }
}
