package dev.raftify.metrics;

import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.PeerProgress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records a node's metrics to a Micrometer registry, tagged with {@code node}. Meter names start with
 * {@code raftify.}; {@code docs/operations.md} lists them.
 */
public final class MicrometerRaftMetrics implements RaftMetrics {
    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer commitLatency;
    private final Timer applyLatency;
    private final Timer fsync;
    private final DistributionSummary batchEntries;
    private final DistributionSummary batchBytes;
    private final Counter elections;
    private final Counter leaderChanges;
    private final Timer snapshotDuration;
    private final DistributionSummary snapshotBytes;
    private final DistributionSummary pauses;
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();
    private final Map<Long, long[]> peerGauges = new ConcurrentHashMap<>();
    private volatile NodeStatus last = NodeStatus.getDefaultInstance();

    public MicrometerRaftMetrics(MeterRegistry registry, long nodeId) {
        this.registry = registry;
        this.tags = Tags.of("node", Long.toString(nodeId));
        this.commitLatency = Timer.builder("raftify.proposal.commit.latency").tags(tags)
                .description("time from proposal to commit").publishPercentiles(0.5, 0.99).register(registry);
        this.applyLatency = Timer.builder("raftify.proposal.apply.latency").tags(tags)
                .description("time from proposal to applied").publishPercentiles(0.5, 0.99).register(registry);
        this.fsync = Timer.builder("raftify.storage.fsync").tags(tags)
                .description("duration of one Ready's storage transaction").register(registry);
        this.batchEntries = DistributionSummary.builder("raftify.storage.batch.entries").tags(tags)
                .description("entries persisted per Ready").register(registry);
        this.batchBytes = DistributionSummary.builder("raftify.storage.batch.bytes").tags(tags).baseUnit("bytes")
                .register(registry);
        this.elections = Counter.builder("raftify.elections").tags(tags).register(registry);
        this.leaderChanges = Counter.builder("raftify.leader.changes").tags(tags).register(registry);
        this.snapshotDuration = Timer.builder("raftify.snapshot.duration").tags(tags).register(registry);
        this.snapshotBytes = DistributionSummary.builder("raftify.snapshot.size").tags(tags).baseUnit("bytes")
                .register(registry);
        this.pauses = DistributionSummary.builder("raftify.jvm.pause").tags(tags).baseUnit("milliseconds")
                .register(registry);
        Gauge.builder("raftify.apply.lag", this, m -> m.last.getCommitIndex() - m.last.getAppliedIndex()).tags(tags)
                .description("committed but not yet applied entries").register(registry);
        Gauge.builder("raftify.term", this, m -> m.last.getTerm()).tags(tags).register(registry);
        Gauge.builder("raftify.commit.index", this, m -> m.last.getCommitIndex()).tags(tags).register(registry);
    }

    @Override
    public void proposalCommitted(long nanos) {
        commitLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void proposalApplied(long nanos) {
        applyLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void proposalFailed(String reason) {
        failures.computeIfAbsent(reason, r -> Counter.builder("raftify.proposal.failures").tags(tags)
                .tag("reason", r).register(registry)).increment();
    }

    @Override
    public void readyPersisted(long nanos, int entries, long bytes) {
        fsync.record(nanos, TimeUnit.NANOSECONDS);
        batchEntries.record(entries);
        batchBytes.record(bytes);
    }

    @Override
    public void electionStarted() {
        elections.increment();
    }

    @Override
    public void leaderChanged(long leaderId) {
        leaderChanges.increment();
    }

    @Override
    public void snapshotTaken(long nanos, long bytes) {
        snapshotDuration.record(nanos, TimeUnit.NANOSECONDS);
        snapshotBytes.record(bytes);
    }

    @Override
    public void pauseDetected(long millis) {
        pauses.record(millis);
    }

    @Override
    public void status(NodeStatus status) {
        last = status;
        for (PeerProgress p : status.getProgressList()) {
            long[] values = peerGauges.computeIfAbsent(p.getNodeId(), id -> {
                long[] v = new long[2];
                Tags peerTags = tags.and("peer", Long.toString(id));
                Gauge.builder("raftify.peer.replication.lag", v, a -> a[0]).tags(peerTags)
                        .description("entries the peer is behind the leader's last index").register(registry);
                Gauge.builder("raftify.peer.inflight", v, a -> a[1]).tags(peerTags).register(registry);
                return v;
            });
            values[0] = status.getLastIndex() - p.getMatchIndex();
            values[1] = p.getInflight();
        }
    }
}
