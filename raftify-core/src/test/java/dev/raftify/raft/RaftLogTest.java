package dev.raftify.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.storage.CompactedException;
import dev.raftify.storage.MemStorage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftLogTest {

    static Entry e(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term).build();
    }

    /** Entries with the given terms at indexes 1, 2, ... */
    static List<Entry> terms(long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            out.add(e(i + 1, terms[i]));
        }
        return out;
    }

    static RaftLog logWith(List<Entry> stored) {
        MemStorage s = new MemStorage();
        s.append(stored);
        return new RaftLog(s, Long.MAX_VALUE);
    }

    @Test
    void findConflictReturnsFirstMismatchOrFirstNewIndex() {
        RaftLog log = logWith(terms(1, 2, 3));
        assertThat(log.findConflict(List.of())).isZero();
        assertThat(log.findConflict(List.of(e(1, 1), e(2, 2), e(3, 3)))).isZero();
        assertThat(log.findConflict(List.of(e(2, 2), e(3, 3), e(4, 4)))).isEqualTo(4);
        assertThat(log.findConflict(List.of(e(1, 4), e(2, 4)))).isEqualTo(1);
        assertThat(log.findConflict(List.of(e(3, 4), e(4, 4)))).isEqualTo(3);
    }

    @Test
    void isUpToDateComparesLastTermThenIndex() {
        RaftLog log = logWith(terms(1, 2, 3));
        assertThat(log.isUpToDate(2, 4)).isTrue();
        assertThat(log.isUpToDate(3, 2)).isFalse();
        assertThat(log.isUpToDate(2, 3)).isFalse();
        assertThat(log.isUpToDate(3, 3)).isTrue();
        assertThat(log.isUpToDate(4, 3)).isTrue();
    }

    @Test
    void maybeAppendChecksLogMatchingAndTruncatesConflicts() {
        RaftLog log = logWith(terms(1, 2, 3));
        log.commitTo(1);
        // Wrong previous term: refused.
        assertThat(log.maybeAppend(3, 2, 3, List.of(e(4, 4)))).isEqualTo(-1);
        // Previous index past the end: refused.
        assertThat(log.maybeAppend(4, 3, 3, List.of(e(5, 4)))).isEqualTo(-1);
        // A conflict at index 3 replaces it and what follows.
        assertThat(log.maybeAppend(2, 2, 3, List.of(e(3, 4), e(4, 4)))).isEqualTo(4);
        assertThat(log.term(3)).isEqualTo(4);
        assertThat(log.lastIndex()).isEqualTo(4);
        // Commit learned only up to the last new entry.
        assertThat(log.committed()).isEqualTo(3);
        // Entries already present are not re-appended and do not truncate.
        assertThat(log.maybeAppend(1, 1, 4, List.of(e(2, 2)))).isEqualTo(2);
        assertThat(log.lastIndex()).isEqualTo(4);
    }

    @Test
    void conflictWithCommittedEntryIsAFatalError() {
        RaftLog log = logWith(terms(1, 2, 3));
        log.commitTo(3);
        assertThatThrownBy(() -> log.maybeAppend(1, 1, 3, List.of(e(2, 5))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("conflicts with committed entry");
    }

    @Test
    void commitNeverGoesBackAndNeverPastLastIndex() {
        RaftLog log = logWith(terms(1, 1, 1));
        log.commitTo(2);
        log.commitTo(1);
        assertThat(log.committed()).isEqualTo(2);
        assertThatThrownBy(() -> log.commitTo(4)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void maybeCommitOnlyForEntriesOfTheGivenTerm() {
        RaftLog log = logWith(terms(1, 1, 2));
        assertThat(log.maybeCommit(2, 2)).isFalse();
        assertThat(log.committed()).isZero();
        assertThat(log.maybeCommit(3, 2)).isTrue();
        assertThat(log.committed()).isEqualTo(3);
        assertThat(log.maybeCommit(2, 1)).isFalse();
    }

    @Test
    void findConflictByTermSkipsWholeTerms() {
        RaftLog log = logWith(terms(1, 1, 2, 2, 5, 5, 5));
        assertThat(log.findConflictByTerm(7, 4)).containsExactly(4, 2);
        assertThat(log.findConflictByTerm(7, 5)).containsExactly(7, 5);
        assertThat(log.findConflictByTerm(4, 1)).containsExactly(2, 1);
        assertThat(log.findConflictByTerm(3, 0)).containsExactly(0, 0);
    }

    @Test
    void committedEntriesAreHandedOutOnlyOncePersisted() {
        MemStorage storage = new MemStorage();
        RaftLog log = new RaftLog(storage, Long.MAX_VALUE);
        log.append(List.of(e(1, 1), e(2, 1)));
        log.commitTo(2);
        assertThat(log.nextCommittedEntries()).isEmpty();
        storage.append(List.of(e(1, 1)));
        log.stableTo(1, 1);
        assertThat(log.nextCommittedEntries()).extracting(Entry::getIndex).containsExactly(1L);
        log.applyingTo(1);
        assertThat(log.hasNextCommittedEntries()).isFalse();
        storage.append(List.of(e(2, 1)));
        log.stableTo(2, 1);
        assertThat(log.nextCommittedEntries()).extracting(Entry::getIndex).containsExactly(2L);
    }

    @Test
    void stableToIgnoresAnEntryReplacedSinceTheReady() {
        RaftLog log = new RaftLog(new MemStorage(), Long.MAX_VALUE);
        log.append(List.of(e(1, 1), e(2, 1)));
        log.append(List.of(e(2, 2)));
        log.stableTo(2, 1);
        assertThat(log.persisted()).isZero();
        assertThat(log.unstableEntries()).hasSize(2);
    }

    @Test
    void sliceSpansStorageAndUnstableWithinSizeLimit() {
        MemStorage s = new MemStorage();
        s.append(terms(1, 1, 1));
        RaftLog log = new RaftLog(s, Long.MAX_VALUE);
        log.append(List.of(e(4, 2), e(5, 2)));
        assertThat(log.slice(2, 6, Long.MAX_VALUE)).extracting(Entry::getIndex).containsExactly(2L, 3L, 4L, 5L);
        long one = e(2, 1).getSerializedSize();
        assertThat(log.slice(2, 6, one * 2)).hasSize(2);
        assertThat(log.slice(2, 6, 0)).hasSize(1);
    }

    @Test
    void restoreFromSnapshotResetsTheLog() {
        RaftLog log = logWith(terms(1, 1));
        Snapshot snap = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(10).setTerm(3)
                .setConfState(ConfState.newBuilder().addVoters(1))).build();
        log.restore(snap);
        assertThat(log.committed()).isEqualTo(10);
        assertThat(log.firstIndex()).isEqualTo(11);
        assertThat(log.lastIndex()).isEqualTo(10);
        assertThat(log.term(10)).isEqualTo(3);
        assertThatThrownBy(() -> log.term(9)).isInstanceOf(CompactedException.class);
        assertThat(log.nextCommittedEntries()).isEmpty();
    }
}
