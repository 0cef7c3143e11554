package dev.raftify.raft.confchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.raft.tracker.Progress;
import dev.raftify.raft.tracker.ProgressState;
import dev.raftify.raft.tracker.ProgressTracker;
import dev.raftify.raft.tracker.TrackerConfig;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of configuration changes, valid or not: every accepted change must produce a legal membership
 * that says what the change asked, keep what it did not touch, and survive a ConfState round trip; every refused
 * change must leave the tracker alone.
 */
class ChangerPropertiesTest {

    private static final long LAST_INDEX = 42;

    enum Kind { SIMPLE, ENTER_JOINT, LEAVE_JOINT }

    record Step(Kind kind, boolean autoLeave, List<ConfChangeSingle> changes) {
        @Override
        public String toString() {
            return kind + (kind == Kind.ENTER_JOINT ? "(auto=" + autoLeave + ")" : "") + " "
                + ConfChanges.format(changes);
        }
    }

    @Provide
    Arbitrary<List<Step>> scripts() {
        Arbitrary<ConfChangeSingle> change = Combinators.combine(
                Arbitraries.of(ConfChangeType.AddNode, ConfChangeType.AddLearnerNode, ConfChangeType.RemoveNode),
                Arbitraries.longs().between(1, 6))
            .as((type, id) -> ConfChangeSingle.newBuilder().setChangeType(type).setNodeId(id).build());
        Arbitrary<Kind> kind = Arbitraries.frequencyOf(
            Tuple.of(5, Arbitraries.just(Kind.SIMPLE)),
            Tuple.of(2, Arbitraries.just(Kind.ENTER_JOINT)),
            Tuple.of(2, Arbitraries.just(Kind.LEAVE_JOINT)));
        Arbitrary<Step> step = Combinators.combine(kind, Arbitraries.of(true, false), change.list().ofMaxSize(3))
            .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 400)
    void changesKeepTheMembershipLegal(@ForAll @IntRange(max = 4) int initialVoters,
                                       @ForAll("scripts") List<Step> script) {
        StringBuilder bootstrap = new StringBuilder();
        for (int id = 1; id <= initialVoters; id++) {
            bootstrap.append(" v").append(id);
        }
        ProgressTracker t = Trackers.of(bootstrap.toString());
        int accepted = 0;
        boolean sawJoint = false;
        boolean sawStaged = false;
        for (int i = 0; i < script.size(); i++) {
            Step step = script.get(i);
            // Distinct match indexes, so that a progress carried over can be told from a fresh one.
            long stepNo = i;
            t.progress().forEach((id, pr) -> {
                pr.setMatchIndex(100 * stepNo + id);
                pr.setNextIndex(pr.matchIndex() + 1);
            });
            TrackerConfig before = t.config();
            Map<Long, Long> matchBefore = new HashMap<>();
            t.progress().forEach((id, pr) -> matchBefore.put(id, pr.matchIndex()));
            IdentityHashMap<Progress, Long> objectsBefore = new IdentityHashMap<>();
            t.progress().forEach((id, pr) -> objectsBefore.put(pr, id));

            Changer.Result result;
            try {
                Changer changer = new Changer(t, LAST_INDEX);
                result = switch (step.kind()) {
                    case SIMPLE -> changer.simple(step.changes());
                    case ENTER_JOINT -> changer.enterJoint(step.autoLeave(), step.changes());
                    case LEAVE_JOINT -> changer.leaveJoint();
                };
            } catch (ConfChangeException refused) {
                result = null;
            }
            // Accepted or not, the tracker is untouched and the result shares no progress with it.
            assertThat(t.config()).isEqualTo(before);
            t.progress().forEach((id, pr) -> assertThat(pr.matchIndex()).isEqualTo(matchBefore.get(id)));
            if (result == null) {
                continue;
            }
            result.progress().values().forEach(pr -> assertThat(objectsBefore).doesNotContainKey(pr));

            accepted++;
            checkInvariants(result);
            switch (step.kind()) {
                case SIMPLE, ENTER_JOINT -> checkChangesTookEffect(step, before, matchBefore, result);
                case LEAVE_JOINT -> checkLeft(before, matchBefore, result);
            }
            Trackers.install(t, result);
            sawJoint |= t.config().isJoint();
            sawStaged |= !t.config().learnersNext().isEmpty();

            Changer.Result restored = Restorer.restore(t.confState(), LAST_INDEX, 4, 0);
            assertThat(restored.config()).isEqualTo(t.config());
            assertThat(restored.progress().keySet()).isEqualTo(t.progress().keySet());
        }
        Statistics.label("accepted steps").collect(accepted == 0 ? "0" : accepted < 5 ? "1-4" : "5+");
        Statistics.label("reached joint").collect(sawJoint)
            .coverage(c -> c.check(true).percentage(p -> p > 30));
        Statistics.label("reached learners_next").collect(sawStaged)
            .coverage(c -> c.check(true).percentage(p -> p > 5));
    }

    /** The rules of a legal membership, checked independently of the Changer's own checks. */
    private static void checkInvariants(Changer.Result result) {
        TrackerConfig cfg = result.config();
        Set<Long> incoming = cfg.voters().incoming().ids();
        Set<Long> outgoing = cfg.voters().outgoing().ids();
        assertThat(incoming).as("voters").isNotEmpty();
        assertThat(Collections.disjoint(cfg.learners(), cfg.voters().ids())).as("learners vote in neither half").isTrue();
        assertThat(outgoing).as("learners_next are outgoing voters").containsAll(cfg.learnersNext());
        assertThat(Collections.disjoint(cfg.learnersNext(), incoming)).as("learners_next not incoming").isTrue();
        assertThat(Collections.disjoint(cfg.learnersNext(), cfg.learners())).as("learners_next not learners").isTrue();
        if (!cfg.isJoint()) {
            assertThat(cfg.learnersNext()).isEmpty();
            assertThat(cfg.autoLeave()).isFalse();
        }
        TreeSet<Long> members = new TreeSet<>(cfg.voters().ids());
        members.addAll(cfg.learners());
        members.addAll(cfg.learnersNext());
        assertThat(result.progress().keySet()).as("progress exactly for the members").isEqualTo(members);
        result.progress().forEach((id, pr) -> {
            assertThat(pr.isLearner()).as("learner flag of %d", id).isEqualTo(cfg.learners().contains(id));
            assertThat(pr.matchIndex()).isLessThan(pr.nextIndex());
        });
    }

    /** Each node ends where its last change put it; nodes no change named stay as they were. */
    private static void checkChangesTookEffect(Step step, TrackerConfig before, Map<Long, Long> matchBefore,
                                               Changer.Result result) {
        TrackerConfig after = result.config();
        Set<Long> beforeIncoming = before.voters().incoming().ids();
        if (step.kind() == Kind.ENTER_JOINT) {
            assertThat(after.voters().outgoing().ids()).isEqualTo(beforeIncoming);
            assertThat(after.autoLeave()).isEqualTo(step.autoLeave());
        } else {
            assertThat(after.voters().outgoing().isEmpty()).isTrue();
            long changedVoters = symmetricDifference(beforeIncoming, after.voters().incoming().ids());
            assertThat(changedVoters).isLessThanOrEqualTo(1);
        }
        Map<Long, ConfChangeType> last = new HashMap<>();
        Set<Long> removedAtSomePoint = new TreeSet<>();
        for (ConfChangeSingle cc : step.changes()) {
            last.put(cc.getNodeId(), cc.getChangeType());
            if (cc.getChangeType() == ConfChangeType.RemoveNode) {
                removedAtSomePoint.add(cc.getNodeId());
            }
        }
        for (long id = 1; id <= 6; id++) {
            boolean voter = after.voters().incoming().contains(id);
            boolean learner = after.learners().contains(id) || after.learnersNext().contains(id);
            ConfChangeType type = last.get(id);
            if (type == null) {
                assertThat(voter).as("untouched %d", id).isEqualTo(beforeIncoming.contains(id));
                assertThat(after.learners().contains(id)).isEqualTo(before.learners().contains(id));
            } else {
                switch (type) {
                    case AddNode -> assertThat(voter && !learner).as("%d voter", id).isTrue();
                    case AddLearnerNode -> {
                        assertThat(!voter && learner).as("%d learner", id).isTrue();
                        assertThat(after.learnersNext().contains(id)).isEqualTo(after.voters().outgoing().contains(id));
                    }
                    case RemoveNode -> assertThat(voter || learner).as("%d removed", id).isFalse();
                    default -> throw new AssertionError(type);
                }
            }
            Progress pr = result.progress().get(id);
            if (pr == null) {
                continue;
            }
            if (matchBefore.containsKey(id) && !removedAtSomePoint.contains(id)) {
                assertThat(pr.matchIndex()).as("progress of %d carried over", id).isEqualTo(matchBefore.get(id));
            } else if (!matchBefore.containsKey(id)) {
                assertThat(pr.matchIndex()).isZero();
                assertThat(pr.nextIndex()).isEqualTo(LAST_INDEX);
                assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
                assertThat(pr.isRecentActive()).isTrue();
            }
        }
    }

    private static void checkLeft(TrackerConfig before, Map<Long, Long> matchBefore, Changer.Result result) {
        TrackerConfig after = result.config();
        assertThat(after.voters().incoming()).isEqualTo(before.voters().incoming());
        assertThat(after.isJoint()).isFalse();
        TreeSet<Long> learners = new TreeSet<>(before.learners());
        learners.addAll(before.learnersNext());
        assertThat(after.learners()).isEqualTo(learners);
        result.progress().forEach((id, pr) -> assertThat(pr.matchIndex()).isEqualTo(matchBefore.get(id)));
    }

    private static long symmetricDifference(Set<Long> a, Set<Long> b) {
        return a.stream().filter(id -> !b.contains(id)).count() + b.stream().filter(id -> !a.contains(id)).count();
    }
}
