package dev.raftify.chaos;

import dev.raftify.chaos.faults.FaultKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a run did and found.
 *
 * @param ops operations recorded (final reads included)
 * @param ok answered operations
 * @param failed operations that definitely had no effect
 * @param unknown operations whose outcome is unknown
 * @param faults faults injected, by kind
 * @param keysChecked per-key histories checked for linearizability
 * @param violations keys whose history is not linearizable
 * @param undecided keys the checker could not decide within its budget
 * @param durabilityProblems lost acknowledged writes and diverged replicas
 * @param problems anything else that makes the run fail (the cluster did not recover, a fault failed)
 * @param report the violation report, if any
 */
public record RunResult(RunSettings settings, long ops, long ok, long failed, long unknown,
        Map<FaultKind, Integer> faults, int keysChecked, int violations, int undecided,
        List<String> durabilityProblems, List<String> problems, Path report, Duration runTime,
        Duration checkTime) {

    public boolean passed() {
        return violations == 0 && undecided == 0 && durabilityProblems.isEmpty() && problems.isEmpty();
    }

    public int faultCount() {
        return faults.values().stream().mapToInt(Integer::intValue).sum();
    }

    public String summary() {
        return String.format("seed %d, %d nodes: %s; %d ops (%d ok, %d failed, %d unknown), %d faults %s, "
                + "%d key histories checked: %d violations, %d undecided, %d durability problems%s; run %ds, "
                + "check %.1fs%s",
                settings.seed(), settings.nodes(), passed() ? "PASS" : "FAIL", ops, ok, failed, unknown,
                faultCount(), faults, keysChecked, violations, undecided, durabilityProblems.size(),
                problems.isEmpty() ? "" : ", problems " + problems, runTime.toSeconds(),
                checkTime.toMillis() / 1000.0, report == null ? "" : "; report " + report);
    }
}
