package dev.raftify.cli.store;

import dev.raftify.cli.output.Json;
import dev.raftify.proto.eraftpb.ConfChange;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.service.ConfChangeContext;
import dev.raftify.proto.service.Peer;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftify.raft.confchange.ConfChanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Text and JSON forms of membership: ConfState, conf changes and the addresses that travel with them. */
public final class Membership {

    private Membership() {
    }

    /** {@code [1, 2, 3]}. */
    public static String ids(List<Long> ids) {
        return ids.toString();
    }

    /**
     * One line: {@code voters [1, 2, 3]}, plus learners, and the joint-consensus fields only when the configuration
     * is joint (or they are set at all), so the common case stays short.
     */
    public static String format(ConfState cs) {
        StringBuilder sb = new StringBuilder("voters ").append(cs.getVotersList());
        if (cs.getLearnersCount() > 0) {
            sb.append(", learners ").append(cs.getLearnersList());
        }
        if (cs.getVotersOutgoingCount() > 0) {
            sb.append(", voters_outgoing ").append(cs.getVotersOutgoingList());
        }
        if (cs.getLearnersNextCount() > 0) {
            sb.append(", learners_next ").append(cs.getLearnersNextList());
        }
        if (cs.getAutoLeave()) {
            sb.append(", auto_leave");
        }
        return sb.toString();
    }

    public static Json.Obj json(ConfState cs) {
        return Json.obj()
                .put("voters", cs.getVotersList())
                .put("learners", cs.getLearnersList())
                .put("voters_outgoing", cs.getVotersOutgoingList())
                .put("learners_next", cs.getLearnersNextList())
                .put("auto_leave", cs.getAutoLeave());
    }

    /** Whether two states name the same members in the same roles (the order of ids does not matter). */
    public static boolean sameMembers(ConfState a, ConfState b) {
        return new TreeSet<>(a.getVotersList()).equals(new TreeSet<>(b.getVotersList()))
                && new TreeSet<>(a.getLearnersList()).equals(new TreeSet<>(b.getLearnersList()))
                && new TreeSet<>(a.getVotersOutgoingList()).equals(new TreeSet<>(b.getVotersOutgoingList()))
                && new TreeSet<>(a.getLearnersNextList()).equals(new TreeSet<>(b.getLearnersNextList()))
                && a.getAutoLeave() == b.getAutoLeave();
    }

    /** Every node the state names, in any role, in id order. */
    public static TreeSet<Long> allIds(ConfState cs) {
        TreeSet<Long> ids = new TreeSet<>(cs.getVotersList());
        ids.addAll(cs.getLearnersList());
        ids.addAll(cs.getVotersOutgoingList());
        ids.addAll(cs.getLearnersNextList());
        return ids;
    }

    /** The role of a node in a configuration: voter, learner, voter (outgoing), ... or null when not a member. */
    public static String roleOf(ConfState cs, long id) {
        boolean in = cs.getVotersList().contains(id);
        boolean out = cs.getVotersOutgoingList().contains(id);
        if (in && out) {
            return "voter";
        }
        if (in) {
            return cs.getVotersOutgoingCount() > 0 ? "voter (incoming)" : "voter";
        }
        if (out) {
            return cs.getLearnersNextList().contains(id) ? "voter (becoming learner)" : "voter (outgoing)";
        }
        if (cs.getLearnersList().contains(id)) {
            return "learner";
        }
        return null;
    }

    /** {@code AddNode 2}. */
    public static String change(ConfChangeSingle c) {
        return c.getChangeType() + " " + c.getNodeId();
    }

    /**
     * {@code ConfChangeV2 { transition: Auto, changes: [AddNode 2], addresses: [2 = 10.0.0.2:60061] }}; a change
     * with no changes is how joint consensus is left, and says so.
     */
    public static String format(ConfChangeV2 cc) {
        List<String> changes = new ArrayList<>();
        cc.getChangesList().forEach(c -> changes.add(change(c)));
        String s = "ConfChangeV2 { transition: " + cc.getTransition() + ", changes: " + changes
                + addresses(cc.getContext()) + " }";
        return ConfChanges.leaveJoint(cc) ? s + " (leave joint)" : s;
    }

    /** {@code ConfChange { AddNode 2, addresses: [...] }}. */
    public static String format(ConfChange cc) {
        return "ConfChange { " + cc.getChangeType() + " " + cc.getNodeId() + addresses(cc.getContext()) + " }";
    }

    public static Json.Obj json(ConfChangeV2 cc) {
        List<Object> changes = new ArrayList<>();
        cc.getChangesList().forEach(c -> changes.add(
                Json.obj().put("type", c.getChangeType().toString()).put("node_id", c.getNodeId())));
        return Json.obj()
                .put("transition", cc.getTransition().toString())
                .put("changes", changes)
                .put("addresses", addressesJson(cc.getContext()))
                .put("leave_joint", ConfChanges.leaveJoint(cc));
    }

    public static Json.Obj json(ConfChange cc) {
        return Json.obj()
                .put("type", cc.getChangeType().toString())
                .put("node_id", cc.getNodeId())
                .put("addresses", addressesJson(cc.getContext()));
    }

    /** How a peer book entry reads: its address, or {@code (removed)} for a removed node's tombstone. */
    public static String address(String stored) {
        return stored.isEmpty() ? REMOVED : stored;
    }

    /** The peers as {@code [1 = host:port, 4 = (removed), ...]}. */
    public static String peers(Map<Long, String> book) {
        List<String> parts = new ArrayList<>();
        book.forEach((id, address) -> parts.add(id + " = " + address(address)));
        return parts.toString();
    }

    /** The peers as JSON objects; a removed node has {@code "removed": true} and no address. */
    public static List<Object> peersJson(Map<Long, String> book) {
        List<Object> out = new ArrayList<>();
        book.forEach((id, address) -> out.add(address.isEmpty()
                ? Json.obj().put("node_id", id).put("removed", true)
                : Json.obj().put("node_id", id).put("address", address)));
        return out;
    }

    private static final String REMOVED = "(removed)";

    private static String addresses(ByteString context) {
        if (context.isEmpty()) {
            return "";
        }
        ConfChangeContext ctx = context(context);
        if (ctx == null) {
            return ", context: " + context.size() + " bytes";
        }
        List<String> parts = new ArrayList<>();
        for (Peer p : ctx.getAddressesList()) {
            parts.add(p.getNodeId() + " = " + p.getAddress());
        }
        return ", addresses: " + parts;
    }

    private static List<Object> addressesJson(ByteString context) {
        List<Object> out = new ArrayList<>();
        ConfChangeContext ctx = context.isEmpty() ? null : context(context);
        if (ctx != null) {
            ctx.getAddressesList().forEach(p ->
                    out.add(Json.obj().put("node_id", p.getNodeId()).put("address", p.getAddress())));
        }
        return out;
    }

    private static ConfChangeContext context(ByteString bytes) {
        try {
            return ConfChangeContext.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
