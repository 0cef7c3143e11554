package dev.raftify.raft.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class InflightsPropertiesTest {

    /** Random adds and frees agree with a plain queue model. */
    @Property(tries = 300)
    void behavesLikeAQueue(@ForAll @IntRange(min = 1, max = 20) int capacity,
                           @ForAll @IntRange(max = 60) int maxBytes,
                           @ForAll @Size(max = 80) int[] ops) {
        Inflights in = new Inflights(capacity, maxBytes);
        Deque<long[]> model = new ArrayDeque<>();
        long next = 1;
        for (int op : ops) {
            int kind = Math.floorMod(op, 3);
            if (kind == 0 || kind == 1) {
                long size = Math.floorMod(op, 13);
                long total = model.stream().mapToLong(e -> e[1]).sum();
                boolean full = model.size() == capacity || (maxBytes != 0 && total >= maxBytes);
                assertThat(in.full()).isEqualTo(full);
                if (!full) {
                    in.add(next, size);
                    model.addLast(new long[] {next, size});
                }
                next += 1 + Math.floorMod(op, 2);
            } else {
                long to = next - Math.floorMod(op, 5);
                in.freeTo(to);
                while (!model.isEmpty() && model.peekFirst()[0] <= to) {
                    model.removeFirst();
                }
            }
            assertThat(in.count()).isEqualTo(model.size());
            assertThat(in.bytes()).isEqualTo(model.stream().mapToLong(e -> e[1]).sum());
        }
    }
}
