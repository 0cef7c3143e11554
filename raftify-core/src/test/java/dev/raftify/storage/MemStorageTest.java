package dev.raftify.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemStorageTest {

    static Entry entry(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term).build();
    }

    static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(entry(i, term));
        }
        return out;
    }

    @Test
    void emptyStoreStartsAtIndexOne() {
        MemStorage s = new MemStorage();
        assertThat(s.firstIndex()).isEqualTo(1);
        assertThat(s.lastIndex()).isZero();
        assertThat(s.term(0)).isZero();
        assertThat(s.initialState().isInitialized()).isFalse();
    }

    @Test
    void appendTruncatesConflictingSuffix() {
        MemStorage s = new MemStorage();
        s.append(entries(1, 5, 1));
        s.append(List.of(entry(3, 2), entry(4, 2)));
        assertThat(s.lastIndex()).isEqualTo(4);
        assertThat(s.term(2)).isEqualTo(1);
        assertThat(s.term(3)).isEqualTo(2);
        assertThat(s.term(4)).isEqualTo(2);
        assertThatThrownBy(() -> s.term(5)).isInstanceOf(UnavailableException.class);
    }

    @Test
    void appendRefusesAGap() {
        MemStorage s = new MemStorage();
        s.append(entries(1, 2, 1));
        assertThatThrownBy(() -> s.append(List.of(entry(4, 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gap");
    }

    @Test
    void entriesRespectSizeLimitButReturnAtLeastOne() {
        MemStorage s = new MemStorage();
        s.append(entries(1, 5, 1));
        long one = entry(1, 1).getSerializedSize();
        assertThat(s.entries(1, 6, 0)).hasSize(1);
        assertThat(s.entries(1, 6, one * 3)).hasSize(3);
        assertThat(s.entries(1, 6, Long.MAX_VALUE)).hasSize(5);
        assertThatThrownBy(() -> s.entries(1, 7, Long.MAX_VALUE)).isInstanceOf(UnavailableException.class);
    }

    @Test
    void createSnapshotCompactsAtomically() {
        MemStorage s = new MemStorage();
        s.append(entries(1, 10, 3));
        ConfState cs = ConfState.newBuilder().addVoters(1).build();
        Snapshot snap = s.createSnapshot(6, cs, ByteString.copyFromUtf8("state"));
        assertThat(snap.getMetadata().getIndex()).isEqualTo(6);
        assertThat(snap.getMetadata().getTerm()).isEqualTo(3);
        assertThat(s.firstIndex()).isEqualTo(7);
        assertThat(s.term(6)).isEqualTo(3);
        assertThatThrownBy(() -> s.term(5)).isInstanceOf(CompactedException.class);
        assertThatThrownBy(() -> s.entries(6, 8, Long.MAX_VALUE)).isInstanceOf(CompactedException.class);
        assertThatThrownBy(() -> s.createSnapshot(5, cs, ByteString.EMPTY))
                .isInstanceOf(SnapshotOutOfDateException.class);
        assertThat(s.snapshot(6, 2)).isEqualTo(snap);
        assertThatThrownBy(() -> s.snapshot(7, 2)).isInstanceOf(SnapshotTemporarilyUnavailableException.class);
    }

    @Test
    void writeBatchAppliesSnapshotThenEntriesThenState() {
        MemStorage s = new MemStorage();
        s.append(entries(1, 3, 1));
        Snapshot snap = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                .setIndex(10).setTerm(4).setConfState(ConfState.newBuilder().addVoters(1).addVoters(2))).build();
        HardState hs = HardState.newBuilder().setTerm(5).setVote(2).setCommit(11).build();
        s.write(new WriteBatch(snap, entries(11, 12, 5), hs, null));
        assertThat(s.firstIndex()).isEqualTo(11);
        assertThat(s.lastIndex()).isEqualTo(12);
        assertThat(s.term(10)).isEqualTo(4);
        assertThat(s.initialState().hardState()).isEqualTo(hs);
        assertThat(s.initialState().confState().getVotersList()).containsExactly(1L, 2L);
    }
}
