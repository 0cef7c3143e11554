package dev.raftify.raft;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.EntryType;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.storage.MemStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Unit-level fixtures: one {@link Raft} on a {@link MemStorage}, driven by hand. Messages are read straight off
 * {@code raft.msgs} / {@code raft.msgsAfterPersist}, and {@link #persist} does what a caller does with a Ready's
 * entries (write them, then report them persisted), so tests can place every step exactly.
 */
final class Fx {
    private Fx() {}

    /** electionTick 10, heartbeatTick 1; pre-vote and check-quorum as given by the customizer (default on). */
    static RaftConfig.Builder cfg(long id) {
        return RaftConfig.builder(id).electionTick(10).heartbeatTick(1);
    }

    /** The plain Raft of the paper: no pre-vote, no check-quorum. */
    static final Consumer<RaftConfig.Builder> CLASSIC = b -> b.preVote(false).checkQuorum(false);
    static final Consumer<RaftConfig.Builder> DEFAULTS = b -> {};

    static Raft raft(long id, long[] voters, Consumer<RaftConfig.Builder> c) {
        return raft(id, MemStorage.withVoters(voters), c);
    }

    static Raft raft(long id, MemStorage s, Consumer<RaftConfig.Builder> c) {
        RaftConfig.Builder b = cfg(id);
        c.accept(b);
        return new Raft(b.build(), s, new Random(id));
    }

    static long[] ids(long... ids) {
        return ids;
    }

    /** A storage holding voters, a log with the given terms at indexes 1.., and the hard state. */
    static MemStorage storage(long[] voters, long term, long vote, long commit, long... logTerms) {
        MemStorage s = MemStorage.withVoters(voters);
        s.append(entries(1, logTerms));
        s.setHardState(HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build());
        return s;
    }

    /** Entries with the given terms at indexes first, first+1, ... */
    static List<Entry> entries(long first, long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            out.add(Entry.newBuilder().setIndex(first + i).setTerm(terms[i]).build());
        }
        return out;
    }

    static Entry entry(long index, long term, String data) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setData(ByteString.copyFromUtf8(data)).build();
    }

    static Entry data(String data) {
        return Entry.newBuilder().setData(ByteString.copyFromUtf8(data)).build();
    }

    /** Every message the node produced (sendable now, then after persisting), clearing both lists. */
    static List<Message> take(Raft r) {
        List<Message> out = new ArrayList<>(r.msgs);
        out.addAll(r.msgsAfterPersist);
        r.msgs.clear();
        r.msgsAfterPersist.clear();
        return out;
    }

    static List<Message> take(Raft r, MessageType t) {
        List<Message> out = new ArrayList<>();
        for (Message m : take(r)) {
            if (m.getMsgType() == t) {
                out.add(m);
            }
        }
        return out;
    }

    /** What a caller does with a Ready's snapshot and entries: write them, then report them persisted. */
    static void persist(Raft r) {
        MemStorage s = (MemStorage) r.raftLog.storage();
        if (r.raftLog.unstable().snapshot() != null) {
            long idx = r.raftLog.unstable().snapshot().getMetadata().getIndex();
            s.applySnapshot(r.raftLog.unstable().snapshot());
            r.raftLog.stableSnapTo(idx);
        }
        List<Entry> ents = r.raftLog.unstableEntries();
        if (!ents.isEmpty()) {
            s.append(ents);
            Entry last = ents.get(ents.size() - 1);
            r.onPersistedEntries(last.getIndex(), last.getTerm());
        }
        s.setHardState(r.hardState());
    }

    static Message.Builder msg(MessageType t, long from, long to, long term) {
        return Message.newBuilder().setMsgType(t).setFrom(from).setTo(to).setTerm(term);
    }

    static void step(Raft r, Message.Builder m) {
        r.step(m.build());
    }

    /** A leader of term 1 over {@code voters}, elected by hand, with its empty entry persisted. */
    static Raft leader(long id, long[] voters, Consumer<RaftConfig.Builder> c) {
        Raft r = raft(id, voters, c);
        r.becomeCandidate();
        r.becomeLeader();
        persist(r);
        take(r);
        return r;
    }

    /** Makes {@code r} (a candidate or leader in the making) win by granting votes from every other voter. */
    static void winElection(Raft r) {
        for (long v : r.prs.voterIds()) {
            if (v != r.id && r.state != StateRole.LEADER) {
                step(r, msg(MessageType.MsgRequestVoteResponse, v, r.id, r.term));
            }
        }
    }

    /** A snapshot at (index, term) whose membership is the given voters. */
    static dev.raftify.proto.eraftpb.Snapshot snapshot(long index, long term, long... voters) {
        dev.raftify.proto.eraftpb.ConfState.Builder cs = dev.raftify.proto.eraftpb.ConfState.newBuilder();
        for (long v : voters) {
            cs.addVoters(v);
        }
        return dev.raftify.proto.eraftpb.Snapshot.newBuilder()
                .setMetadata(dev.raftify.proto.eraftpb.SnapshotMetadata.newBuilder()
                        .setIndex(index).setTerm(term).setConfState(cs))
                .build();
    }

    /** A ConfChangeV2 in the text form of ConfChanges.parse ("v4 l5 r2"), Auto transition. */
    static dev.raftify.proto.eraftpb.ConfChangeV2 v2(String changes) {
        return dev.raftify.proto.eraftpb.ConfChangeV2.newBuilder()
                .addAllChanges(dev.raftify.raft.confchange.ConfChanges.parse(changes)).build();
    }

    static Message appendResp(long from, long to, long term, long index) {
        return msg(MessageType.MsgAppendResponse, from, to, term).setIndex(index).build();
    }

    static boolean isNormal(Entry e) {
        return e.getEntryType() == EntryType.EntryNormal;
    }
}
