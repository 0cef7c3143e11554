package dev.raftify.raft.confchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfChange;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfChangesTest {

    @Test
    void toV2KeepsTheChangeAndContext() {
        ConfChange v1 = ConfChange.newBuilder().setId(9).setChangeType(ConfChangeType.AddLearnerNode).setNodeId(4)
            .setContext(ByteString.copyFromUtf8("ctx")).build();
        ConfChangeV2 v2 = ConfChanges.toV2(v1);
        assertThat(v2.getTransition()).isEqualTo(ConfChangeTransition.Auto);
        assertThat(v2.getChangesList()).containsExactly(ConfChanges.addLearner(4));
        assertThat(v2.getContext().toStringUtf8()).isEqualTo("ctx");
        assertThat(ConfChanges.enterJoint(v2)).isFalse();
        assertThat(ConfChanges.leaveJoint(v2)).isFalse();
    }

    @ParameterizedTest(name = "{0} [{1}] -> leave={2} enter={3} autoLeave={4}")
    @CsvSource(delimiter = '|', value = {
        "Auto     |          | true  | false | true",
        "Auto     | v1       | false | false | true",
        "Auto     | v1 v2    | false | true  | true",
        "Auto     | v1 r1    | false | true  | true",
        "Implicit |          | false | true  | true",
        "Implicit | v1       | false | true  | true",
        "Explicit |          | false | true  | false",
        "Explicit | v1       | false | true  | false",
        "Explicit | v1 v2    | false | true  | false",
    })
    void whatAChangeAsks(ConfChangeTransition transition, String changes, boolean leave, boolean enter,
                         boolean autoLeave) {
        ConfChangeV2 cc = ConfChangeV2.newBuilder().setTransition(transition)
            .addAllChanges(ConfChanges.parse(changes == null ? "" : changes)).build();
        assertThat(ConfChanges.leaveJoint(cc)).isEqualTo(leave);
        assertThat(ConfChanges.enterJoint(cc)).isEqualTo(enter);
        assertThat(ConfChanges.autoLeave(cc)).isEqualTo(autoLeave);
    }

    @Test
    void leaveJointIgnoresTheContext() {
        ConfChangeV2 tagged = ConfChangeV2.newBuilder().setContext(ByteString.copyFromUtf8("why")).build();
        assertThat(ConfChanges.leaveJoint(tagged)).isTrue();
    }

    @Test
    void unknownTransition() {
        ConfChangeV2 cc = ConfChangeV2.newBuilder().setTransitionValue(9).build();
        assertThatThrownBy(() -> ConfChanges.enterJoint(cc))
            .isInstanceOf(ConfChangeException.class).hasMessage("unknown conf change transition 9");
        assertThatThrownBy(() -> ConfChanges.autoLeave(cc))
            .isInstanceOf(ConfChangeException.class).hasMessage("unknown conf change transition 9");
        assertThat(ConfChanges.leaveJoint(cc)).isFalse();
    }

    @Test
    void parseAndFormat() {
        assertThat(ConfChanges.parse(" v1  l2 r3 ")).containsExactly(
            ConfChanges.addNode(1), ConfChanges.addLearner(2), ConfChanges.removeNode(3));
        assertThat(ConfChanges.format(ConfChanges.parse("v1 l2 r3"))).isEqualTo("v1 l2 r3");
        assertThat(ConfChanges.parse("")).isEmpty();
        assertThatThrownBy(() -> ConfChanges.parse("x1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfChanges.parse("v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfChanges.parse("vx")).isInstanceOf(IllegalArgumentException.class);
    }
}
