package dev.raftify.bench.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's CPU went, in a few lines: {@code jfr-top [--top N] FILE...}. For each file: Java
 * execution samples by thread (digits folded, so pools read as one), by package and by method of the top frame
 * (self time), by the first frame of the engine's own code (Raftify or Ratis, inclusive), allocation by class,
 * and GC pauses. A summary of {@code jfr print --events jdk.ExecutionSample} that fits in a report.
 */
public final class JfrTop {
    private JfrTop() {}

    public static void main(String[] args) throws IOException {
        int top = 15;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--top")) {
                top = Integer.parseInt(args[++i]);
            } else {
                summarize(Path.of(args[i]), top);
            }
        }
    }

    private static void summarize(Path file, int top) throws IOException {
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> packages = new HashMap<>();
        Map<String, Long> methods = new HashMap<>();
        Map<String, Long> ownFrames = new HashMap<>();
        Map<String, Long> allocations = new HashMap<>();
        // Per-thread CPU (user + system, Java or native), as a share of one core, summed over the periodic samples.
        Map<String, Long> threadCpu = new HashMap<>();
        long cpuSamples = 0;
        double jvmCpu = 0;
        long samples = 0;
        long gcs = 0;
        Duration pauses = Duration.ZERO;
        Duration longest = Duration.ZERO;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            switch (e.getEventType().getName()) {
                case "jdk.ExecutionSample" -> {
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    RecordedThread t = e.getThread("sampledThread");
                    add(threads, t == null ? "?" : t.getJavaName() == null ? "?" : fold(t.getJavaName()), 1);
                    RecordedFrame f = st.getFrames().get(0);
                    String cls = f.getMethod().getType().getName();
                    add(packages, packageOf(cls), 1);
                    add(methods, simple(cls) + "." + f.getMethod().getName(), 1);
                    add(ownFrames, firstOwnFrame(st.getFrames()), 1);
                }
                case "jdk.ThreadCPULoad" -> {
                    RecordedThread t = e.getThread("eventThread");
                    String name = t == null || t.getJavaName() == null ? osName(t) : fold(t.getJavaName());
                    add(threadCpu, name, Math.round(1e6 * (e.getFloat("user") + e.getFloat("system"))));
                }
                case "jdk.CPULoad" -> {
                    cpuSamples++;
                    jvmCpu += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
                }
                case "jdk.ObjectAllocationSample" -> add(allocations,
                        e.getClass("objectClass").getName(), e.getLong("weight"));
                case "jdk.GCPhasePause" -> {
                    gcs++;
                    pauses = pauses.plus(e.getDuration());
                    if (e.getDuration().compareTo(longest) > 0) {
                        longest = e.getDuration();
                    }
                }
                default -> { }
            }
        }
        System.out.printf(Locale.ROOT, "%s: %,d Java execution samples; %d GC pauses, %.1f ms in all, longest %.1f ms%n",
                file.getFileName(), samples, gcs, pauses.toNanos() / 1e6, longest.toNanos() / 1e6);
        if (cpuSamples > 0) {
            // jdk.CPULoad is a share of the whole machine; times the core count it reads as cores in use.
            System.out.printf(Locale.ROOT, "  JVM CPU: %.2f cores on average (user + system)%n",
                    jvmCpu / cpuSamples * Runtime.getRuntime().availableProcessors());
            long total = threadCpu.values().stream().mapToLong(Long::longValue).sum();
            print("CPU by thread, Java and native (jdk.ThreadCPULoad)", threadCpu, total, top);
        }
        print("Java samples by thread", threads, samples, top);
        print("self, by package", packages, samples, top);
        print("self, by method", methods, samples, top);
        print("inclusive, by the engine's first own frame", ownFrames, samples, top);
        long bytes = allocations.values().stream().mapToLong(Long::longValue).sum();
        print("allocation, by class (weight)", allocations, bytes, Math.min(top, 10));
        System.out.println();
    }

    /** The frame closest to the top that is the engine's own code: what it was doing that cost this sample. */
    private static String firstOwnFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String cls = f.getMethod().getType().getName();
            if ((cls.startsWith("dev.raftify.") && !cls.startsWith("dev.raftify.proto."))
                    || (cls.startsWith("org.apache.ratis.") && !cls.startsWith("org.apache.ratis.thirdparty.")
                    && !cls.startsWith("org.apache.ratis.proto."))) {
                return simple(cls) + "." + f.getMethod().getName();
            }
        }
        return "(no engine frame: " + packageOf(frames.get(frames.size() - 1).getMethod().getType().getName()) + ")";
    }

    private static String packageOf(String cls) {
        String[] parts = cls.split("\\.");
        int keep = Math.min(parts.length - 1, cls.startsWith("org.apache.ratis.thirdparty.") ? 6 : 4);
        return String.join(".", Arrays.copyOf(parts, Math.max(1, keep)));
    }

    private static String simple(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
    }

    private static String osName(RecordedThread t) {
        return t == null || t.getOSName() == null ? "?" : fold(t.getOSName());
    }

    /** Thread names with their numbers folded: pool-3-thread-12 and pool-3-thread-7 are one pool. */
    private static String fold(String name) {
        return name.replaceAll("[0-9]+", "N");
    }

    private static void add(Map<String, Long> m, String k, long n) {
        m.merge(k, n, Long::sum);
    }

    private static void print(String title, Map<String, Long> m, long total, int top) {
        System.out.println("  " + title + ":");
        m.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(top)
                .forEach(en -> System.out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * en.getValue() / total,
                        en.getKey()));
    }
}
