package dev.raftify.raft.confchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.raft.tracker.Progress;
import dev.raftify.raft.tracker.TrackerConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RestorerTest {

    private static List<Long> ids(String spaced) {
        List<Long> out = new ArrayList<>();
        for (String s : (spaced == null ? "" : spaced).trim().split("\\s+")) {
            if (!s.isEmpty()) {
                out.add(Long.parseLong(s));
            }
        }
        return out;
    }

    private static ConfState confState(String voters, String learners, String outgoing, String learnersNext,
                                       boolean autoLeave) {
        return ConfState.newBuilder().addAllVoters(ids(voters)).addAllLearners(ids(learners))
            .addAllVotersOutgoing(ids(outgoing)).addAllLearnersNext(ids(learnersNext)).setAutoLeave(autoLeave)
            .build();
    }

    private static Changer.Result restore(ConfState cs) {
        return Restorer.restore(cs, 20, Trackers.MAX_INFLIGHT, Trackers.MAX_INFLIGHT_BYTES);
    }

    @ParameterizedTest(name = "voters=({0}) learners=({1}) outgoing=({2}) learners_next=({3}) auto={4} -> {5}")
    @CsvSource(delimiter = '|', value = {
        "           |       |         |       | false | voters=()",
        "1 2 3      |       |         |       | false | voters=(1 2 3)",
        "3 1 2      | 5 4   |         |       | false | voters=(1 2 3) learners=(4 5)",
        "1 2 3      |       | 1 2 3   |       | false | voters=(1 2 3)&&(1 2 3)",
        "1 2 3      | 4     | 2 3 5 6 |       | true  | voters=(1 2 3)&&(2 3 5 6) learners=(4) autoleave",
        "1 2 3      | 5     | 1 2 4 6 | 4     | false | voters=(1 2 3)&&(1 2 4 6) learners=(5) learners_next=(4)",
        "7          |       | 8       |       | false | voters=(7)&&(8)",
    })
    void restoresLegalMemberships(String voters, String learners, String outgoing, String learnersNext,
                                  boolean autoLeave, String expected) {
        ConfState cs = confState(voters, learners, outgoing, learnersNext, autoLeave);
        Changer.Result r = restore(cs);
        TrackerConfig cfg = r.config();
        assertThat(cfg.toString()).isEqualTo(expected);
        assertThat(restore(cfg.toConfState()).config()).isEqualTo(cfg);
        assertThat(r.progress().keySet()).containsExactlyElementsOf(
            java.util.stream.Stream.concat(cfg.voters().ids().stream(), cfg.learners().stream()).sorted().toList());
        for (var e : r.progress().entrySet()) {
            Progress pr = e.getValue();
            assertThat(pr.isLearner()).isEqualTo(cfg.learners().contains(e.getKey()));
            assertThat(pr.nextIndex()).isEqualTo(20);
            assertThat(pr.matchIndex()).isZero();
            assertThat(pr.inflights().capacity()).isEqualTo(Trackers.MAX_INFLIGHT);
        }
    }

    @ParameterizedTest(name = "voters=({0}) learners=({1}) outgoing=({2}) learners_next=({3}) auto={4}: {5}")
    @CsvSource(delimiter = '|', value = {
        "1 2 4      | 4     |         |       | false | learner 4 can't be a voter in (1 2 4)",
        "1 2 3      | 4     | 1 2 4   |       | false | learner 4 can't be a voter in (1 2 3)&&(1 2 4)",
        "1 2 3      |       | 1 2 3   | 4     | false | learner_next 4 must be an outgoing voter, outgoing is (1 2 3)",
        "1 2 3      |       | 1 2 3 4 | 3     | false | learner_next 3 can't be an incoming voter in (1 2 3)",
        "1 2 3      | 4     | 1 2 4   | 4     | false | learner 4 can't be a voter in (1 2 3)&&(1 2 4)",
        "1 2        |       |         | 2     | false | learner_next 2 must be an outgoing voter, outgoing is ()",
        "1 2 3      |       |         |       | true  | auto_leave must be false when not joint",
        "1 2 2      |       |         |       | false | duplicate id 2 in voters",
        "1          | 3 3   |         |       | false | duplicate id 3 in learners",
        "1          |       | 2 2     |       | false | duplicate id 2 in voters_outgoing",
        "1          |       | 2 3     | 3 3   | false | duplicate id 3 in learners_next",
        "1 0        |       |         |       | false | node id must be non-zero, got 0",
        "           | 1     |         |       | false | removed all voters",
        "           |       | 1 2     |       | false | removed all voters",
    })
    void rejectsIllegalMemberships(String voters, String learners, String outgoing, String learnersNext,
                                   boolean autoLeave, String message) {
        ConfState cs = confState(voters, learners, outgoing, learnersNext, autoLeave);
        assertThatThrownBy(() -> restore(cs)).isInstanceOf(ConfChangeException.class).hasMessage(message);
    }

    @Test
    void newProgressStartsAtOneOnAnEmptyLog() {
        Changer.Result r = Restorer.restore(confState("1", "", "", "", false), 0, 4, 0);
        assertThat(r.progress().get(1L).nextIndex()).isEqualTo(1);
    }
}
