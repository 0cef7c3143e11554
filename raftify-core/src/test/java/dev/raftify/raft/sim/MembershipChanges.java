package dev.raftify.raft.sim;

import dev.raftify.proto.eraftpb.ConfChange;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Draws random, valid membership changes against a leader's current membership: add a voter or a learner (a
 * brand-new node), promote a learner, demote or remove a voter, remove a learner, or several of these at once
 * through joint consensus (left automatically or explicitly). A change never leaves fewer than one voter in the
 * incoming configuration nor more than {@link SimOptions#MAX_VOTERS}.
 */
final class MembershipChanges {

    /** A change to propose, as the raft-rs {@code ConfChange} (single step) or as a {@code ConfChangeV2}. */
    record Proposal(ConfChange v1, ConfChangeV2 v2, List<Long> newNodes) {
        String describe() {
            if (v1 != null) {
                return v1.getChangeType() + " " + v1.getNodeId();
            }
            if (v2.getChangesCount() == 0) {
                return "leave joint";
            }
            StringBuilder sb = new StringBuilder(v2.getTransition().toString()).append(':');
            for (ConfChangeSingle c : v2.getChangesList()) {
                sb.append(' ').append(c.getChangeType()).append(' ').append(c.getNodeId());
            }
            return sb.toString();
        }
    }

    private MembershipChanges() {}

    /** The explicit request to leave a joint configuration: an empty {@code ConfChangeV2}. */
    static Proposal leaveJoint() {
        return new Proposal(null, ConfChangeV2.getDefaultInstance(), List.of());
    }

    /**
     * A random change of the (non-joint) membership {@code cs}, or null if none fits.
     *
     * @param newId hands out ids for nodes to add; called only for nodes the change adds
     * @param canAddNodes whether the cluster may grow by another node
     */
    static Proposal draw(Random r, ConfState cs, LongSupplier newId, boolean canAddNodes) {
        TreeSet<Long> voters = new TreeSet<>(cs.getVotersList());
        TreeSet<Long> learners = new TreeSet<>(cs.getLearnersList());
        List<ConfChangeSingle> changes = new ArrayList<>();
        List<Long> newNodes = new ArrayList<>();
        boolean joint = r.nextInt(3) == 0;
        int wanted = joint ? 1 + r.nextInt(3) : 1;
        for (int attempt = 0; attempt < 6 && changes.size() < wanted; attempt++) {
            ConfChangeSingle c = drawOne(r, voters, learners, newId, canAddNodes && newNodes.size() < 2, newNodes);
            if (c != null) {
                changes.add(c);
            }
        }
        if (changes.isEmpty()) {
            return null;
        }
        if (!joint && changes.size() == 1 && r.nextBoolean()) {
            ConfChangeSingle c = changes.get(0);
            return new Proposal(ConfChange.newBuilder().setChangeType(c.getChangeType()).setNodeId(c.getNodeId())
                    .build(), null, newNodes);
        }
        ConfChangeTransition transition = joint
                ? ConfChangeTransition.forNumber(r.nextInt(3))
                : ConfChangeTransition.Auto;
        return new Proposal(null, ConfChangeV2.newBuilder().setTransition(transition).addAllChanges(changes).build(),
                newNodes);
    }

    /** One change to {@code voters}/{@code learners}, which it updates so later changes see its effect. */
    private static ConfChangeSingle drawOne(Random r, TreeSet<Long> voters, TreeSet<Long> learners, LongSupplier newId,
            boolean canAdd, List<Long> newNodes) {
        switch (r.nextInt(6)) {
            case 0: // add a new voter
                if (!canAdd || voters.size() >= SimOptions.MAX_VOTERS) {
                    return null;
                }
                long v = newId.getAsLong();
                newNodes.add(v);
                voters.add(v);
                return single(ConfChangeType.AddNode, v);
            case 1: // add a new learner
                if (!canAdd) {
                    return null;
                }
                long l = newId.getAsLong();
                newNodes.add(l);
                learners.add(l);
                return single(ConfChangeType.AddLearnerNode, l);
            case 2: // promote a learner
                if (learners.isEmpty() || voters.size() >= SimOptions.MAX_VOTERS) {
                    return null;
                }
                long p = pick(r, learners);
                learners.remove(p);
                voters.add(p);
                return single(ConfChangeType.AddNode, p);
            case 3: // demote a voter
                if (voters.size() < 2) {
                    return null;
                }
                long d = pick(r, voters);
                voters.remove(d);
                learners.add(d);
                return single(ConfChangeType.AddLearnerNode, d);
            case 4: // remove a voter
                if (voters.size() < 2) {
                    return null;
                }
                long rv = pick(r, voters);
                voters.remove(rv);
                return single(ConfChangeType.RemoveNode, rv);
            default: // remove a learner
                if (learners.isEmpty()) {
                    return null;
                }
                long rl = pick(r, learners);
                learners.remove(rl);
                return single(ConfChangeType.RemoveNode, rl);
        }
    }

    private static long pick(Random r, TreeSet<Long> ids) {
        int k = r.nextInt(ids.size());
        for (long id : ids) {
            if (k-- == 0) {
                return id;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static ConfChangeSingle single(ConfChangeType type, long id) {
        return ConfChangeSingle.newBuilder().setChangeType(type).setNodeId(id).build();
    }

    /** Every id that is a member in any role of {@code cs}. */
    static TreeSet<Long> members(ConfState cs) {
        TreeSet<Long> ids = new TreeSet<>(cs.getVotersList());
        ids.addAll(cs.getVotersOutgoingList());
        ids.addAll(cs.getLearnersList());
        ids.addAll(cs.getLearnersNextList());
        return ids;
    }
}
