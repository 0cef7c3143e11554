package dev.raftify.raft.confchange;

import dev.raftify.proto.eraftpb.ConfChange;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Helpers around the configuration-change messages: reading what a {@link ConfChangeV2} asks for, converting
 * the older {@link ConfChange}, and a compact text form ({@code "v1 l2 r3"}) for tests and tools.
 */
public final class ConfChanges {

    private ConfChanges() {
    }

    /** The equivalent single change, applied without joint consensus unless needed; the context is kept. */
    public static ConfChangeV2 toV2(ConfChange cc) {
        return ConfChangeV2.newBuilder()
            .addChanges(ConfChangeSingle.newBuilder().setChangeType(cc.getChangeType()).setNodeId(cc.getNodeId()))
            .setContext(cc.getContext())
            .build();
    }

    /**
     * Whether the change leaves joint consensus: it has no changes and the {@code Auto} transition (an empty
     * ConfChangeV2). The context is not considered, so that the application can tag its leave request.
     */
    public static boolean leaveJoint(ConfChangeV2 cc) {
        return cc.getTransition() == ConfChangeTransition.Auto && cc.getChangesCount() == 0;
    }

    /**
     * Whether the change enters joint consensus: when the application asked for it by choosing a transition
     * other than {@code Auto}, or when it changes more than one node (the simple protocol is only safe for one).
     * Meaningless for a change that {@link #leaveJoint leaves} joint consensus.
     *
     * @throws ConfChangeException for a transition this version does not know
     */
    public static boolean enterJoint(ConfChangeV2 cc) {
        return switch (cc.getTransition()) {
            case Auto -> cc.getChangesCount() > 1;
            case Implicit, Explicit -> true;
            case UNRECOGNIZED -> throw unknownTransition(cc);
        };
    }

    /**
     * Whether a joint config entered by this change is left automatically ({@code Auto} and {@code Implicit}),
     * rather than when the application proposes an empty ConfChangeV2 ({@code Explicit}).
     *
     * @throws ConfChangeException for a transition this version does not know
     */
    public static boolean autoLeave(ConfChangeV2 cc) {
        return switch (cc.getTransition()) {
            case Auto, Implicit -> true;
            case Explicit -> false;
            case UNRECOGNIZED -> throw unknownTransition(cc);
        };
    }

    private static ConfChangeException unknownTransition(ConfChangeV2 cc) {
        return new ConfChangeException("unknown conf change transition " + cc.getTransitionValue());
    }

    /** A change that makes {@code id} a voter. */
    public static ConfChangeSingle addNode(long id) {
        return single(ConfChangeType.AddNode, id);
    }

    /** A change that makes {@code id} a learner. */
    public static ConfChangeSingle addLearner(long id) {
        return single(ConfChangeType.AddLearnerNode, id);
    }

    /** A change that removes {@code id}. */
    public static ConfChangeSingle removeNode(long id) {
        return single(ConfChangeType.RemoveNode, id);
    }

    private static ConfChangeSingle single(ConfChangeType type, long id) {
        return ConfChangeSingle.newBuilder().setChangeType(type).setNodeId(id).build();
    }

    /**
     * Parses space-separated changes: {@code v<id>} adds a voter, {@code l<id>} a learner, {@code r<id>} removes a
     * node; for example {@code "v1 v2 l3 r4"}. Blank input gives no changes.
     *
     * @throws IllegalArgumentException for any other token
     */
    public static List<ConfChangeSingle> parse(String text) {
        List<ConfChangeSingle> changes = new ArrayList<>();
        for (String token : text.trim().split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            long id;
            try {
                id = Long.parseLong(token.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad conf change token '" + token + "'", e);
            }
            changes.add(switch (token.charAt(0)) {
                case 'v' -> addNode(id);
                case 'l' -> addLearner(id);
                case 'r' -> removeNode(id);
                default -> throw new IllegalArgumentException("bad conf change token '" + token + "'");
            });
        }
        return changes;
    }

    /** The text form read by {@link #parse}. */
    public static String format(List<ConfChangeSingle> changes) {
        StringJoiner joiner = new StringJoiner(" ");
        for (ConfChangeSingle cc : changes) {
            String prefix = switch (cc.getChangeType()) {
                case AddNode -> "v";
                case AddLearnerNode -> "l";
                case RemoveNode -> "r";
                case UNRECOGNIZED -> "?" + cc.getChangeTypeValue() + ":";
            };
            joiner.add(prefix + cc.getNodeId());
        }
        return joiner.toString();
    }
}
