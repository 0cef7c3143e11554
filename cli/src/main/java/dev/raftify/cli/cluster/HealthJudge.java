package dev.raftify.cli.cluster;

import dev.raftify.cli.store.Membership;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.PeerProgress;
import dev.raftify.proto.service.ProgressState;
import dev.raftify.proto.service.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Judges a {@link ClusterSurvey}: split first (the most dangerous), then quorum, then everything that makes a
 * working cluster degraded. Pure: the same survey always gives the same judgement.
 */
public final class HealthJudge {

    /**
     * @param verdict the overall verdict
     * @param term the term judged: the highest term any member reported, or, when no member of that term knows a
     *        leader, the highest lower term whose leader answered as leader (see {@link #judge})
     * @param leaderId the leader of that term, 0 if none is known
     * @param reasons why the verdict is not healthy, one line each
     */
    public record Judgement(Verdict verdict, long term, long leaderId, List<String> reasons) {
    }

    private HealthJudge() {
    }

    /**
     * The term judged is the highest one any member reported. When no member of that term knows a leader but a
     * lower term has a leader that answered as leader, that term is judged instead: a member alone in a higher
     * term (one that campaigns while cut off, with pre-vote off, climbs terms on its own) does not hide a majority
     * that still follows its leader. Members in a higher term than the judged one never count towards its quorum
     * (they reject its leader), even when the leader still reports them recently active; a real election of the
     * majority in a higher term is therefore still no quorum.
     *
     * @param maxLag how many entries a member may be behind the leader before it counts as lagging
     */
    public static Judgement judge(ClusterSurvey survey, long maxLag) {
        List<MemberReport> answered = survey.members().stream().filter(MemberReport::answered).toList();
        if (answered.isEmpty()) {
            List<String> reasons = new ArrayList<>();
            survey.members().forEach(m -> reasons.add(m.error()));
            return new Judgement(Verdict.UNREACHABLE, 0, 0, reasons);
        }
        long highest = answered.stream().mapToLong(m -> m.status().getTerm()).max().orElse(0);

        // Split: two leaders of one term, or members of one term naming different leaders (Raft elects at most one
        // leader per term, so either means that something is badly wrong).
        List<String> split = new ArrayList<>();
        Map<Long, List<Long>> leadersByTerm = new TreeMap<>();
        for (MemberReport m : answered) {
            if (m.status().getRole() == Role.LEADER) {
                leadersByTerm.computeIfAbsent(m.status().getTerm(), t -> new ArrayList<>()).add(m.id());
            }
        }
        leadersByTerm.forEach((t, ids) -> {
            if (ids.size() > 1) {
                split.add("nodes " + ids + " all claim to lead term " + t);
            }
        });
        // term -> leader named by members of that term -> the members naming it
        TreeMap<Long, Map<Long, List<Long>>> namedLeaders = new TreeMap<>();
        for (MemberReport m : answered) {
            if (m.status().getLeaderId() != 0) {
                namedLeaders.computeIfAbsent(m.status().getTerm(), t -> new TreeMap<>())
                        .computeIfAbsent(m.status().getLeaderId(), l -> new ArrayList<>()).add(m.id());
            }
        }
        namedLeaders.descendingMap().forEach((t, byLeader) -> {
            if (byLeader.size() > 1) {
                List<String> parts = new ArrayList<>();
                byLeader.forEach((l, who) -> parts.add("nodes " + who + " follow node " + l));
                split.add("members disagree about the leader of term " + t + ": " + String.join(", ", parts));
            }
        });
        if (!split.isEmpty()) {
            return new Judgement(Verdict.SPLIT, highest, 0, split);
        }

        long term = highest;
        if (!namedLeaders.containsKey(highest)) {
            // No member of the highest term knows a leader: judge the highest lower term whose leader answered.
            for (long t : namedLeaders.descendingKeySet()) {
                long candidate = namedLeaders.get(t).keySet().iterator().next();
                boolean answeredAsLeader = answered.stream().anyMatch(m -> m.id() == candidate
                        && m.status().getRole() == Role.LEADER && m.status().getTerm() == t);
                if (answeredAsLeader) {
                    term = t;
                    break;
                }
            }
        }
        long judged = term;
        Map<Long, List<Long>> named = namedLeaders.get(term);
        long leaderId = named == null ? 0 : named.keySet().iterator().next();
        MemberReport leader = answered.stream()
                .filter(m -> m.id() == leaderId && m.status().getRole() == Role.LEADER && m.status().getTerm() == judged)
                .findFirst().orElse(null);
        Map<Long, PeerProgress> progress = new TreeMap<>();
        if (leader != null) {
            leader.status().getProgressList().forEach(p -> progress.put(p.getNodeId(), p));
        }

        // Quorum: a voter counts when it follows the leader in the judged term, or the leader heard from it
        // recently (the CLI's own network may be what cannot reach it) and it did not answer from a later term.
        ConfState cs = survey.membership();
        Set<Long> alive = new TreeSet<>();
        for (MemberReport m : answered) {
            NodeStatus s = m.status();
            if (leaderId != 0 && s.getTerm() == term && s.getLeaderId() == leaderId) {
                alive.add(m.id());
            }
        }
        Set<Long> movedOn = new TreeSet<>();
        for (MemberReport m : answered) {
            if (m.status().getTerm() > judged) {
                movedOn.add(m.id());
            }
        }
        progress.forEach((id, p) -> {
            if (p.getRecentActive() && !movedOn.contains(id)) {
                alive.add(id);
            }
        });
        if (leader != null) {
            alive.add(leaderId);
        }
        List<String> quorum = new ArrayList<>();
        if (leaderId == 0) {
            quorum.add("no member knows a leader in term " + term);
        } else {
            quorumOf("voters", cs.getVotersList(), alive, leaderId, term, quorum);
            if (cs.getVotersOutgoingCount() > 0) {
                quorumOf("outgoing voters", cs.getVotersOutgoingList(), alive, leaderId, term, quorum);
            }
        }
        if (!quorum.isEmpty()) {
            return new Judgement(Verdict.NO_QUORUM, term, leaderId, quorum);
        }

        List<String> degraded = new ArrayList<>();
        if (leader == null) {
            degraded.add("the leader, node " + leaderId + ", did not answer");
        }
        long leaderLast = leader == null ? 0 : leader.status().getLastIndex();
        long leaderCommit = leader == null ? 0 : leader.status().getCommitIndex();
        for (MemberReport m : survey.members()) {
            String who = "node " + (m.id() == 0 ? "at " + m.endpoint() : m.id());
            if (m.id() == leaderId) {
                continue;
            }
            NodeStatus s = m.status();
            if (!m.answered()) {
                degraded.add(who + " is down or unreachable: " + m.error());
            } else if (m.configRole().equals("not a member")) {
                degraded.add(who + " answers but is not a member of the cluster");
                continue;
            } else if (s.getTerm() > term && s.getLeaderId() == 0) {
                degraded.add(who + " is out of step: term " + s.getTerm() + ", later than the leader's, and it "
                        + "knows no leader (campaigning while cut off from the others?)");
            } else if (s.getTerm() != term || s.getLeaderId() != leaderId) {
                degraded.add(who + " is out of step: term " + s.getTerm() + ", leader " + s.getLeaderId());
            }
            PeerProgress p = progress.get(m.id());
            if (p != null) {
                long lag = Math.max(0, leaderLast - p.getMatchIndex());
                if (lag > maxLag) {
                    degraded.add(who + " is " + lag + " entries behind the leader");
                }
                if (p.getState() == ProgressState.SNAPSHOT) {
                    degraded.add(who + " is receiving a snapshot");
                }
                if (!p.getRecentActive()) {
                    degraded.add("the leader has not heard from " + who + " recently"
                            + (p.getLastContactMillis() >= 0 ? " (last contact " + Durations.millis(p.getLastContactMillis())
                                    + " ago)" : " (never)"));
                }
            }
            if (s != null && leader != null && leaderCommit - s.getAppliedIndex() > maxLag) {
                degraded.add(who + " has applied " + (leaderCommit - s.getAppliedIndex())
                        + " fewer entries than the leader committed");
            }
        }
        if (cs.getVotersOutgoingCount() > 0 && !cs.getAutoLeave()) {
            degraded.add("the cluster is in a joint configuration (" + Membership.format(cs)
                    + "); leave it with: raftify-cli cluster leave-joint");
        }
        return new Judgement(degraded.isEmpty() ? Verdict.HEALTHY : Verdict.DEGRADED, term, leaderId, degraded);
    }

    private static void quorumOf(String what, List<Long> voters, Set<Long> alive, long leaderId, long term,
                                 List<String> out) {
        long up = voters.stream().filter(alive::contains).count();
        int need = voters.size() / 2 + 1;
        if (up < need) {
            out.add("only " + up + " of " + voters.size() + " " + what + " " + voters + " follow leader " + leaderId
                    + " in term " + term + " (a quorum needs " + need + ")");
        }
    }
}
