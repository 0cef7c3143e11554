package dev.raftify.raft.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MajorityConfigTest {

    @ParameterizedTest(name = "voters ({0}) acked [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
        "         |                 | 9223372036854775807",
        "1        |                 | 0",
        "1        | 1=12            | 12",
        "1 2      | 1=12            | 0",
        "1 2      | 1=12 2=5        | 5",
        "1 2 3    | 1=12            | 0",
        "1 2 3    | 1=12 2=5        | 5",
        "1 2 3    | 1=12 2=5 3=7    | 7",
        "1 2 3    | 1=5 2=5 3=5     | 5",
        "1 2 3 4  | 1=12 2=5 3=7    | 5",
        "1 2 3 4  | 1=12 2=5 3=7 4=9 | 7",
        "1 2 3 4 5 | 1=1 2=2 3=3 4=4 5=5 | 3",
        "1 2 3 4 5 | 1=5 2=5 3=1      | 1",
        // acknowledgements from non-voters do not count
        "1 2 3    | 4=100 5=100 1=3 | 0",
    })
    void committedIndex(String voters, String acked, long expected) {
        assertThat(Ids.majority(voters == null ? "" : voters).committedIndex(Ids.acked(acked == null ? "" : acked)))
            .isEqualTo(expected);
    }

    @ParameterizedTest(name = "voters ({0}) votes [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
        "          |                 | WON",
        "1         |                 | PENDING",
        "1         | 1=y             | WON",
        "1         | 1=n             | LOST",
        "1 2       | 1=y             | PENDING",
        "1 2       | 1=n             | LOST",
        "1 2       | 1=y 2=y         | WON",
        "1 2       | 1=y 2=n         | LOST",
        "1 2 3     | 1=y             | PENDING",
        "1 2 3     | 1=y 2=n         | PENDING",
        "1 2 3     | 1=y 2=y         | WON",
        "1 2 3     | 1=n 2=n         | LOST",
        "1 2 3     | 1=y 2=n 3=n     | LOST",
        "1 2 3 4   | 1=y 2=y         | PENDING",
        "1 2 3 4   | 1=y 2=y 3=y     | WON",
        "1 2 3 4   | 1=n 2=n         | LOST",
        "1 2 3 4   | 1=y 2=y 3=n 4=n | LOST",
        // votes from non-voters are ignored
        "1 2 3     | 4=y 5=y 6=y 1=y | PENDING",
    })
    void voteResult(String voters, String votes, VoteResult expected) {
        assertThat(Ids.majority(voters == null ? "" : voters).voteResult(Ids.votes(votes == null ? "" : votes)))
            .isEqualTo(expected);
    }

    @Test
    void idsAreSortedAndDeduplicated() {
        MajorityConfig c = MajorityConfig.of(3, 1, 2, 3);
        assertThat(c.ids()).containsExactly(1L, 2L, 3L);
        assertThat(c.size()).isEqualTo(3);
        assertThat(c.contains(2)).isTrue();
        assertThat(c.contains(4)).isFalse();
        assertThat(c.isEmpty()).isFalse();
        assertThat(c).isEqualTo(MajorityConfig.of(List.of(1L, 2L, 3L))).hasSameHashCodeAs(MajorityConfig.of(1, 2, 3));
        assertThat(c.toString()).isEqualTo("(1 2 3)");
    }

    @Test
    void emptyConfig() {
        assertThat(MajorityConfig.empty().isEmpty()).isTrue();
        assertThat(MajorityConfig.of()).isEqualTo(MajorityConfig.empty());
        assertThat(MajorityConfig.empty().toString()).isEqualTo("()");
        assertThat(MajorityConfig.empty().voteResult(Map.of())).isEqualTo(VoteResult.WON);
    }

    @Test
    void idsAreUnmodifiable() {
        assertThatThrownBy(() -> MajorityConfig.of(1).ids().add(2L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsNodeIdZero() {
        assertThatThrownBy(() -> MajorityConfig.of(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MajorityConfig.of(List.of(0L))).isInstanceOf(IllegalArgumentException.class);
    }
}
