package dev.raftify.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerBookTest {

    private static final PeerBook THREE = PeerBook.fromStored(Map.of(1L, "a:1", 2L, "b:2", 3L, "c:3"));

    @Test
    void aRemovedNodeLeavesATombstoneThatKeepsItsIdTaken() {
        PeerBook book = THREE.removed(3);
        assertThat(book.isRemoved(3)).isTrue();
        assertThat(book.contains(3)).isFalse();
        assertThat(book.address(3)).isNull();
        assertThat(book.asMap()).containsOnlyKeys(1L, 2L);
        assertThat(book.maxId()).as("the next id goes above the removed one").isEqualTo(3);
        assertThat(book.asStoredMap()).containsEntry(3L, "");
    }

    @Test
    void aTombstoneSurvivesStorageAndSnapshotsAndIsNeverOverwritten() {
        PeerBook book = THREE.removed(3);
        assertThat(PeerBook.fromStored(book.asStoredMap()).isRemoved(3)).isTrue();
        assertThat(PeerBook.of(book.toPeers()).isRemoved(3)).isTrue();
        assertThat(book.toLivePeers()).extracting(p -> p.getNodeId()).containsExactly(1L, 2L);
        assertThat(book.with(3, "c:3")).as("an address for a removed id is ignored").isSameAs(book);
        assertThat(book.removed(3)).isSameAs(book);
    }

    @Test
    void membersAndReservationsAreUnaffected() {
        PeerBook book = THREE.with(4, "d:4");
        assertThat(book.contains(4)).isTrue();
        assertThat(book.isRemoved(4)).isFalse();
        assertThat(book.maxId()).isEqualTo(4);
        assertThat(book.with(4, "d:4")).isSameAs(book);
    }
}
