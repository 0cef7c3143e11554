package dev.raftify.raft.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JointConfigTest {

    private static JointConfig joint(String in, String out) {
        return new JointConfig(Ids.majority(in == null ? "" : in), Ids.majority(out == null ? "" : out));
    }

    @ParameterizedTest(name = "({0})&&({1}) acked [{2}] -> {3}")
    @CsvSource(delimiter = '|', value = {
        "       |       |                     | 9223372036854775807",
        "1 2 3  |       | 1=5 2=6 3=7         | 6",
        "       | 1 2 3 | 1=5 2=6 3=7         | 6",
        "1 2 3  | 1 2 3 | 1=5 2=6 3=7         | 6",
        // the outgoing half lags: it holds the commit back
        "1 2 3  | 4 5 6 | 1=9 2=9 3=9 4=1 5=2 | 1",
        // the incoming half lags
        "1 2 3  | 3 4 5 | 1=1 2=2 3=9 4=9 5=9 | 2",
        "1      | 2     | 1=7 2=3             | 3",
        "1 2    | 2 3   | 2=4 3=8             | 0",
    })
    void committedIndexIsTheMinimumOfTheHalves(String in, String out, String acked, long expected) {
        assertThat(joint(in, out).committedIndex(Ids.acked(acked == null ? "" : acked))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "({0})&&({1}) votes [{2}] -> {3}")
    @CsvSource(delimiter = '|', value = {
        "       |       |                 | WON",
        "1 2 3  |       | 1=y 2=y         | WON",
        "1 2 3  | 1 2 3 | 1=y 2=y         | WON",
        "1 2 3  | 4 5 6 | 1=y 2=y         | PENDING",
        "1 2 3  | 4 5 6 | 1=y 2=y 4=y 5=y | WON",
        "1 2 3  | 4 5 6 | 1=y 2=y 4=n 5=n | LOST",
        "1 2 3  | 4 5 6 | 1=n 2=n 4=y 5=y | LOST",
        "1 2 3  | 4 5 6 | 1=n 2=n         | LOST",
        "1 2 3  | 3 4 5 | 3=y             | PENDING",
        "1 2 3  | 3 4 5 | 1=y 3=y 4=y     | WON",
        "1 2 3  | 3 4 5 | 1=y 2=y 4=n 5=n | LOST",
        "1      | 2     | 1=y             | PENDING",
    })
    void voteNeedsBothHalves(String in, String out, String votes, VoteResult expected) {
        assertThat(joint(in, out).voteResult(Ids.votes(votes == null ? "" : votes))).isEqualTo(expected);
    }

    @Test
    void shapeAndIds() {
        JointConfig j = joint("1 2 3", "2 4");
        assertThat(j.isJoint()).isTrue();
        assertThat(j.isSingleton()).isFalse();
        assertThat(j.ids()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(j.contains(4)).isTrue();
        assertThat(j.contains(5)).isFalse();
        assertThat(j.toString()).isEqualTo("(1 2 3)&&(2 4)");

        JointConfig simple = JointConfig.of(MajorityConfig.of(7));
        assertThat(simple.isJoint()).isFalse();
        assertThat(simple.isSingleton()).isTrue();
        assertThat(simple.toString()).isEqualTo("(7)");
        assertThat(joint("7", "7").isSingleton()).isFalse();
        assertThat(JointConfig.empty().isSingleton()).isFalse();
        assertThat(JointConfig.empty().toString()).isEqualTo("()");
    }

    @Test
    void equality() {
        assertThat(joint("1 2", "3")).isEqualTo(joint("2 1", "3")).hasSameHashCodeAs(joint("1 2", "3"));
        assertThat(joint("1 2", "3")).isNotEqualTo(joint("3", "1 2"));
    }
}
