package dev.raftify.cli.cluster;

import dev.raftify.cli.CliException;
import dev.raftify.cli.ExitCode;
import dev.raftify.cli.remote.Connector;
import dev.raftify.cli.remote.Endpoint;
import dev.raftify.cli.remote.NodeClient;
import dev.raftify.cli.store.Membership;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.Peer;
import dev.raftify.proto.service.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds every member of a cluster from any of the given addresses and asks each one for its status, all in
 * parallel, each call bounded by the timeout: a survey takes about one timeout at worst, however many members
 * are down.
 *
 * @param membership the membership as the best-informed node that answered knows it (the leader if one answered)
 * @param members one report per member, in id order, then nodes that answered but are not members
 */
public record ClusterSurvey(ConfState membership, List<MemberReport> members) {

    public static ClusterSurvey take(Connector connector, List<Endpoint> seeds) {
        Map<Endpoint, NodeClient.Pending<NodeStatus>> asked = new LinkedHashMap<>();
        for (Endpoint e : seeds) {
            asked.putIfAbsent(e, connector.client(e).statusAsync());
        }
        Map<Endpoint, NodeStatus> seedAnswers = new LinkedHashMap<>();
        Map<Endpoint, CliException> seedFailures = new LinkedHashMap<>();
        asked.forEach((e, p) -> {
            try {
                seedAnswers.put(e, p.await());
            } catch (CliException ex) {
                seedFailures.put(e, ex);
            }
        });
        if (seedAnswers.isEmpty()) {
            List<MemberReport> rows = new ArrayList<>();
            seedFailures.forEach((e, why) -> rows.add(new MemberReport(0, e, "unknown", null, why.getMessage(),
                    why.exitCode())));
            return new ClusterSurvey(ConfState.getDefaultInstance(), rows);
        }
        NodeStatus authority = seedAnswers.values().stream().max(Comparator
                .comparing((NodeStatus s) -> s.getRole() == Role.LEADER)
                .thenComparingLong(NodeStatus::getTerm)
                .thenComparingLong(NodeStatus::getCommitIndex)).orElseThrow();
        ConfState membership = authority.getConfState();

        // Where each node can be reached: the address a seed answered on beats any advertised address.
        Map<Long, Endpoint> addresses = new TreeMap<>();
        Map<Long, NodeStatus> answers = new TreeMap<>();
        List<NodeStatus> ordered = new ArrayList<>(seedAnswers.values());
        ordered.remove(authority);
        ordered.add(0, authority);
        for (NodeStatus s : ordered) {
            for (Peer p : s.getPeersList()) {
                addresses.putIfAbsent(p.getNodeId(), endpointOrNull(p.getAddress()));
            }
        }
        seedAnswers.forEach((e, s) -> {
            addresses.put(s.getNodeId(), e);
            answers.putIfAbsent(s.getNodeId(), s);
        });

        Map<Long, NodeClient.Pending<NodeStatus>> more = new TreeMap<>();
        for (long id : Membership.allIds(membership)) {
            Endpoint e = addresses.get(id);
            if (!answers.containsKey(id) && e != null && !seedFailures.containsKey(e)) {
                more.put(id, connector.client(e).statusAsync());
            }
        }
        Map<Long, CliException> failures = new TreeMap<>();
        for (long id : Membership.allIds(membership)) {
            Endpoint e = addresses.get(id);
            if (!answers.containsKey(id) && e != null && seedFailures.containsKey(e)) {
                failures.put(id, seedFailures.get(e));
            }
        }
        more.forEach((id, p) -> {
            try {
                NodeStatus s = p.await();
                if (s.getNodeId() != id) {
                    failures.put(id, new CliException(ExitCode.REFUSED, "address " + p.client().endpoint()
                            + " answered as node " + s.getNodeId()));
                } else {
                    answers.put(id, s);
                }
            } catch (CliException ex) {
                failures.put(id, ex);
            }
        });

        List<MemberReport> rows = new ArrayList<>();
        for (long id : Membership.allIds(membership)) {
            String role = Membership.roleOf(membership, id);
            Endpoint e = addresses.get(id);
            CliException why = answers.containsKey(id) ? null : failures.getOrDefault(id,
                    new CliException(ExitCode.UNAVAILABLE, "no address known for node " + id));
            rows.add(new MemberReport(id, e, role, answers.get(id), why == null ? null : why.getMessage(),
                    why == null ? 0 : why.exitCode()));
        }
        answers.forEach((id, s) -> {
            if (!Membership.allIds(membership).contains(id)) {
                rows.add(new MemberReport(id, addresses.get(id), "not a member", s, null, 0));
            }
        });
        seedFailures.forEach((e, why) -> {
            if (!addresses.containsValue(e)) {
                rows.add(new MemberReport(0, e, "unknown", null, why.getMessage(), why.exitCode()));
            }
        });
        return new ClusterSurvey(membership, rows);
    }

    private static Endpoint endpointOrNull(String address) {
        try {
            return address.isEmpty() ? null : Endpoint.parse(address);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
