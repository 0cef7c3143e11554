package dev.raftify.chaos;

import dev.raftify.chaos.faults.FaultKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A series of runs, one summary line each in {@code summary.txt} and totals at the end. Two shapes:
 * <ul>
 *   <li>the CI-sized plan ({@code total} null): one run per given seed (default 1 and 2), alternating 3 and 5
 *       nodes, each going through every fault kind alone and then two mixed steps;
 *   <li>a long campaign ({@code total} set): runs of {@code runFor} extra fault time each, on the given seeds and
 *       then fresh random ones, alternating 3 and 5 nodes, until {@code total} has passed.
 * </ul>
 */
public final class Campaign {

    /** The figures of a whole campaign. */
    public record Totals(List<RunResult> runs, Duration elapsed) {
        public boolean passed() {
            return runs.stream().allMatch(RunResult::passed);
        }

        public Map<FaultKind, Integer> faultsByKind() {
            Map<FaultKind, Integer> all = new EnumMap<>(FaultKind.class);
            runs.forEach(r -> r.faults().forEach((k, n) -> all.merge(k, n, Integer::sum)));
            return all;
        }

        @Override
        public String toString() {
            long ops = runs.stream().mapToLong(RunResult::ops).sum();
            long faults = runs.stream().mapToLong(RunResult::faultCount).sum();
            long keys = runs.stream().mapToLong(RunResult::keysChecked).sum();
            long violations = runs.stream().mapToLong(r -> r.violations() + r.durabilityProblems().size()).sum();
            long undecided = runs.stream().mapToLong(RunResult::undecided).sum();
            long failedRuns = runs.stream().filter(r -> !r.passed()).count();
            return String.format("TOTAL %d runs (%d failed) in %d min: %d operations, %d faults injected %s, "
                    + "%d key histories checked, %d violations, %d undecided", runs.size(), failedRuns,
                    elapsed.toMinutes(), ops, faults, faultsByKind(), keys, violations, undecided);
        }
    }

    private final Path root;
    private final Path out;
    private final int clients;
    private final Integer nodes;
    private final List<Long> seeds;

    /**
     * @param nodes every run's cluster size, or null to alternate 3 and 5
     * @param seeds the seeds to run first (empty: 1 and 2 for the CI plan, random ones for a campaign)
     */
    public Campaign(Path root, Path out, int clients, Integer nodes, List<Long> seeds) {
        this.root = root;
        this.out = out;
        this.clients = clients;
        this.nodes = nodes;
        this.seeds = seeds;
    }

    /**
     * @param total how long to keep starting runs, or null for the CI plan
     * @param runFor each run's fault time beyond the first pass over every kind
     */
    public Totals run(Duration total, Duration runFor) throws IOException, InterruptedException {
        Files.createDirectories(out);
        Instant started = Instant.now();
        List<RunResult> results = new ArrayList<>();
        if (total == null) {
            List<Long> plan = seeds.isEmpty() ? List.of(1L, 2L) : seeds;
            for (int i = 0; i < plan.size(); i++) {
                results.add(runOne(plan.get(i), i, runFor));
            }
        } else {
            Random fresh = new Random();
            for (int i = 0; Duration.between(started, Instant.now()).compareTo(total) < 0; i++) {
                long seed = i < seeds.size() ? seeds.get(i) : 1000 + fresh.nextInt(1_000_000_000);
                results.add(runOne(seed, i, runFor));
            }
        }
        Totals t = new Totals(results, Duration.between(started, Instant.now()));
        log(t.toString());
        return t;
    }

    private RunResult runOne(long seed, int i, Duration runFor) throws IOException, InterruptedException {
        int n = nodes != null ? nodes : (i % 2 == 0 ? 3 : 5);
        RunResult r = new ChaosRun(RunSettings.defaults(root, out, seed, n).withClients(clients).withRunFor(runFor))
                .run();
        log(r.summary());
        return r;
    }

    private void log(String line) throws IOException {
        System.out.println(line);
        Files.writeString(out.resolve("summary.txt"), Instant.now() + " " + line + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** "90s", "5m", "1h", "500ms"; a bare number is seconds. */
    public static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase();
        long n = Long.parseLong(s.replaceAll("[a-z]+$", ""));
        if (s.endsWith("ms")) {
            return Duration.ofMillis(n);
        }
        if (s.endsWith("h")) {
            return Duration.ofHours(n);
        }
        if (s.endsWith("m")) {
            return Duration.ofMinutes(n);
        }
        return Duration.ofSeconds(n);
    }
}
