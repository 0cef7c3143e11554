package dev.raftify.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.raftify.storage.MemStorage;
import dev.raftify.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A single voter answers a read index only once it has committed an entry of its term, like any leader. Found by
 * the cluster simulation (seed 1963): a single voter restarted after committing an entry but before persisting
 * its new commit index (a learner had already learned it); elected again, it answered a read at its stale,
 * persisted commit index, below the committed write.
 */
class SingleVoterReadIndexTest {

    @Test
    void aRestartedSingleVoterDoesNotAnswerReadsBelowWhatItCommittedBeforeTheCrash() {
        MemStorage storage = MemStorage.withVoters(1);
        RawNode n = new RawNode(RaftConfig.builder(1).build(), storage, new Random(1));
        n.campaign();
        drain(storage, n);
        n.propose(ByteString.EMPTY, ByteString.copyFromUtf8("x"));
        Ready rd = n.ready();
        storage.write(new WriteBatch(null, rd.entries(), rd.hardState(), null));
        n.advance(rd);
        long written = rd.entries().get(0).getIndex();
        // "x" is committed now; the Ready that carries the new commit index is lost in a crash.
        Ready lost = n.ready();
        assertThat(lost.hardState().getCommit()).isEqualTo(written);
        assertThat(storage.hardState().getCommit()).isLessThan(written);

        RawNode restarted = new RawNode(RaftConfig.builder(1).build(), storage, new Random(2));
        restarted.campaign();
        restarted.readIndex(ByteString.copyFromUtf8("read"));
        List<ReadState> answers = drain(storage, restarted);

        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).index()).isGreaterThanOrEqualTo(written);
    }

    /** Handles Readies until there are none, as a runtime would; returns the read states seen. */
    private static List<ReadState> drain(MemStorage storage, RawNode n) {
        List<ReadState> reads = new ArrayList<>();
        while (n.hasReady()) {
            Ready rd = n.ready();
            storage.write(new WriteBatch(rd.snapshot(), rd.entries(), rd.hardState(), null));
            reads.addAll(rd.readStates());
            n.advance(rd);
        }
        return reads;
    }
}
