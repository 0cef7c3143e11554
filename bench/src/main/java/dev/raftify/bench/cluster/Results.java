package dev.raftify.bench.cluster;

import java.util.ArrayList;
import java.util.List;

/** What one round (one engine, one repetition) measured. */
final class Results {
    private Results() {}

    /**
     * One workload's measured window. Latencies in milliseconds; CPU in seconds per 1,000 writes; leader changes
     * during the warm-up and the window (the client follows them, but each stalls writes for an election).
     */
    record Workload(int inFlight, long writes, double seconds, double p50, double p99, double p999, double max,
            double memberCpuPer1000, double clientCpuPer1000, long errors, int leaderChanges) {
        double writesPerSecond() {
            return writes / seconds;
        }
    }

    /** One engine's round. Election times in milliseconds. */
    record Round(Engine engine, int rep, double loadAverage, List<Workload> workloads, double electAfterStart,
            List<Double> electAfterKill) {
        Workload workload(int inFlight) {
            for (Workload w : workloads) {
                if (w.inFlight() == inFlight) {
                    return w;
                }
            }
            return null;
        }
    }

    static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.removeIf(d -> d == null || d.isNaN());
        if (v.isEmpty()) {
            return Double.NaN;
        }
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    static double max(List<Double> values) {
        return values.stream().filter(d -> d != null && !d.isNaN()).mapToDouble(Double::doubleValue).max()
                .orElse(Double.NaN);
    }
}
