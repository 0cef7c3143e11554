package dev.raftify.bench.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

/**
 * The benchmark's key-value state machine for Ratis: the latest value per key, in memory, as {@link RaftifyKv}.
 * Ratis applies transactions one at a time, in log order, on its state machine updater thread.
 */
final class RatisKv extends BaseStateMachine {
    private final Map<Long, byte[]> values = new HashMap<>();

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        // A copy, as Raftify's apply receives one: the log entry's buffer is not ours to keep.
        byte[] command = entry.getStateMachineLogEntry().getLogData().toByteArray();
        values.put(KvCommand.key(command), command);
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(Message.EMPTY);
    }
}
