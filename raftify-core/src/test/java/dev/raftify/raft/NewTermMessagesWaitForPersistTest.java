package dev.raftify.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.storage.MemStorage;
import dev.raftify.storage.WriteBatch;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A leader's appends may leave before its own write, except in the Ready that carries its new term: nothing may
 * be sent in a term that is not yet durable. Found by the cluster simulation (long run, seed 8621): a single
 * voter with a learner elected itself within one Ready, sent the learner appends of the new term, and crashed
 * before writing the term; restarted in the old term, it was elected to the same term again with a different
 * log, so the learner held another entry under the same index and term.
 */
class NewTermMessagesWaitForPersistTest {

    @Test
    void aSingleVoterSendsNothingOfItsNewTermBeforeTheTermIsPersisted() {
        MemStorage storage = new MemStorage();
        storage.setConfState(ConfState.newBuilder().addVoters(1).addLearners(2).build());
        RawNode n = new RawNode(RaftConfig.builder(1).build(), storage, new Random(1));

        n.campaign();
        // A write arrives before the runtime takes the Ready: the leader appends it and sends it to the learner.
        n.propose(ByteString.EMPTY, ByteString.copyFromUtf8("w"));
        Ready rd = n.ready();
        assertThat(rd.softState().role()).isEqualTo(StateRole.LEADER);
        assertThat(rd.hardState().getTerm()).isEqualTo(1);
        assertThat(rd.messages()).isEmpty();
        assertThat(rd.persistedMessages()).extracting(Message::getMsgType).contains(MessageType.MsgAppend);
        storage.write(new WriteBatch(null, rd.entries(), rd.hardState(), null));
        n.advance(rd);

        // In a term already durable, the leader's appends go out before its write again (thesis 10.2.1).
        while (n.hasReady()) {
            Ready more = n.ready();
            storage.write(new WriteBatch(null, more.entries(), more.hardState(), null));
            n.advance(more);
        }
        // The learner acknowledges everything, so the leader replicates to it without probing.
        n.step(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setFrom(2).setTo(1).setTerm(1)
                .setIndex(storage.lastIndex()).build());
        while (n.hasReady()) {
            Ready more = n.ready();
            storage.write(new WriteBatch(null, more.entries(), more.hardState(), null));
            n.advance(more);
        }
        n.propose(ByteString.EMPTY, ByteString.copyFromUtf8("x"));
        Ready next = n.ready();
        assertThat(next.messages()).extracting(Message::getMsgType).contains(MessageType.MsgAppend);
    }
}
