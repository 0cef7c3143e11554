package dev.raftify.raft.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InflightsTest {

    @Test
    void fullByCount() {
        Inflights in = new Inflights(3, 0);
        in.add(1, 100);
        in.add(2, 100);
        assertThat(in.full()).isFalse();
        in.add(3, 100);
        assertThat(in.full()).isTrue();
        assertThat(in.count()).isEqualTo(3);
        assertThat(in.bytes()).isEqualTo(300);
        assertThatThrownBy(() -> in.add(4, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void fullByBytes() {
        Inflights in = new Inflights(10, 250);
        in.add(1, 100);
        in.add(2, 100);
        assertThat(in.full()).isFalse();
        in.add(3, 50);
        assertThat(in.full()).as("reaching the byte limit exactly fills the window").isTrue();
        in.freeTo(1);
        assertThat(in.full()).isFalse();
        assertThat(in.bytes()).isEqualTo(150);
        // A single append may overshoot the limit: it is admitted, and the window is then full.
        in.add(4, 1000);
        assertThat(in.full()).isTrue();
        assertThatThrownBy(() -> in.add(5, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void zeroMaxBytesMeansNoByteLimit() {
        Inflights in = new Inflights(2, 0);
        in.add(1, Long.MAX_VALUE / 2);
        assertThat(in.full()).isFalse();
        assertThat(in.maxBytes()).isZero();
        assertThat(in.capacity()).isEqualTo(2);
    }

    @Test
    void freeToFreesEverythingAtOrBelow() {
        Inflights in = new Inflights(10, 0);
        for (long i = 1; i <= 5; i++) {
            in.add(i * 10, i);
        }
        in.freeTo(9);
        assertThat(in.count()).isEqualTo(5);
        in.freeTo(30);
        assertThat(in.count()).isEqualTo(2);
        assertThat(in.bytes()).isEqualTo(4 + 5);
        in.freeTo(35);
        assertThat(in.count()).isEqualTo(2);
        in.freeTo(1000);
        assertThat(in.count()).isZero();
        assertThat(in.bytes()).isZero();
        in.freeTo(2000);
        assertThat(in.count()).isZero();
    }

    @Test
    void freeFirstOne() {
        Inflights in = new Inflights(10, 0);
        in.freeFirstOne();
        in.add(3, 7);
        in.add(4, 8);
        in.freeFirstOne();
        assertThat(in.count()).isEqualTo(1);
        assertThat(in.bytes()).isEqualTo(8);
        in.freeFirstOne();
        assertThat(in.count()).isZero();
    }

    @Test
    void wrapsAroundTheRing() {
        Inflights in = new Inflights(10, 0);
        for (long i = 0; i < 10; i++) {
            in.add(i, 1);
        }
        in.freeTo(4);
        // Five slots free at the front: these five go around the end of the ring.
        for (long i = 10; i < 15; i++) {
            in.add(i, 2);
        }
        assertThat(in.full()).isTrue();
        assertThat(in.bytes()).isEqualTo(5 + 10);
        in.freeTo(8);
        assertThat(in.count()).isEqualTo(6);
        in.freeTo(12);
        assertThat(in.count()).isEqualTo(2);
        assertThat(in.bytes()).isEqualTo(4);
        in.freeTo(14);
        assertThat(in.count()).isZero();
    }

    @Test
    void growsPastItsInitialSlotsWhileWrapped() {
        Inflights in = new Inflights(100, 0);
        for (long i = 1; i <= 6; i++) {
            in.add(i, i);
        }
        in.freeTo(4);
        for (long i = 7; i <= 40; i++) {
            in.add(i, i);
        }
        assertThat(in.count()).isEqualTo(36);
        in.freeTo(38);
        assertThat(in.count()).isEqualTo(2);
        assertThat(in.bytes()).isEqualTo(39 + 40);
    }

    @Test
    void indexesMustIncrease() {
        Inflights in = new Inflights(10, 0);
        in.add(5, 1);
        assertThatThrownBy(() -> in.add(5, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> in.add(4, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resetAndCopy() {
        Inflights in = new Inflights(4, 0);
        in.add(1, 10);
        in.add(2, 10);
        Inflights copy = in.copy();
        in.reset();
        assertThat(in.count()).isZero();
        assertThat(in.bytes()).isZero();
        assertThat(copy.count()).isEqualTo(2);
        assertThat(copy.bytes()).isEqualTo(20);
        in.add(1, 1);
        assertThat(copy.toString()).isEqualTo("2/4 20B [1, 2]");
    }

    @Test
    void rejectsBadLimits() {
        assertThatThrownBy(() -> new Inflights(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Inflights(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
