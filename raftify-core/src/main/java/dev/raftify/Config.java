package dev.raftify;

import dev.raftify.raft.RaftConfig;
import dev.raftify.raft.ReadOnlyOption;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of a Raftify node, with raftify's fields and defaults where raftify has them. Build with
 * {@link #builder()} or load from a {@code .properties} file with {@link #load(Path)}; either way the result is
 * validated, so a {@code Config} instance is always usable.
 *
 * <p>Properties files use the keys listed in {@code docs/configuration.md}, for example
 * {@code tick-interval=100ms}, {@code election-tick=10}, {@code cluster-id=prod-kv}.
 */
public final class Config {

    /** A setting is missing, malformed, or inconsistent with another; the message names it. */
    public static final class InvalidConfigException extends IllegalArgumentException {
        public InvalidConfigException(String message) {
            super(message);
        }
    }

    private final Duration tickInterval;
    private final int electionTick;
    private final int heartbeatTick;
    private final boolean preVote;
    private final boolean checkQuorum;
    private final ReadOnlyOption readOnlyOption;
    private final long maxSizePerMsg;
    private final int maxInflightMsgs;
    private final long maxUncommittedSize;
    private final long snapshotInterval;
    private final Duration snapshotTimeInterval;
    private final Duration proposalTimeout;
    private final Duration confChangeTimeout;
    private final long lmdbMapSize;
    private final String clusterId;
    private final boolean proposalForwarding;
    private final int maxPendingProposals;
    private final int maxGrpcMessageSize;
    private final int snapshotChunkSize;
    private final TlsConfig tls;

    private Config(Builder b) {
        this.tickInterval = b.tickInterval;
        this.electionTick = b.electionTick;
        this.heartbeatTick = b.heartbeatTick;
        this.preVote = b.preVote;
        this.checkQuorum = b.checkQuorum;
        this.readOnlyOption = b.readOnlyOption;
        this.maxSizePerMsg = b.maxSizePerMsg;
        this.maxInflightMsgs = b.maxInflightMsgs;
        this.maxUncommittedSize = b.maxUncommittedSize;
        this.snapshotInterval = b.snapshotInterval;
        this.snapshotTimeInterval = b.snapshotTimeInterval;
        this.proposalTimeout = b.proposalTimeout;
        this.confChangeTimeout = b.confChangeTimeout;
        this.lmdbMapSize = b.lmdbMapSize;
        this.clusterId = b.clusterId;
        this.proposalForwarding = b.proposalForwarding;
        this.maxPendingProposals = b.maxPendingProposals;
        this.maxGrpcMessageSize = b.maxGrpcMessageSize;
        this.snapshotChunkSize = b.snapshotChunkSize;
        this.tls = b.tls;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: 100 ms ticks, election after 10 ticks, heartbeat every 3, pre-vote and check-quorum on. */
    public static Config defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.tickInterval = tickInterval;
        b.electionTick = electionTick;
        b.heartbeatTick = heartbeatTick;
        b.preVote = preVote;
        b.checkQuorum = checkQuorum;
        b.readOnlyOption = readOnlyOption;
        b.maxSizePerMsg = maxSizePerMsg;
        b.maxInflightMsgs = maxInflightMsgs;
        b.maxUncommittedSize = maxUncommittedSize;
        b.snapshotInterval = snapshotInterval;
        b.snapshotTimeInterval = snapshotTimeInterval;
        b.proposalTimeout = proposalTimeout;
        b.confChangeTimeout = confChangeTimeout;
        b.lmdbMapSize = lmdbMapSize;
        b.clusterId = clusterId;
        b.proposalForwarding = proposalForwarding;
        b.maxPendingProposals = maxPendingProposals;
        b.maxGrpcMessageSize = maxGrpcMessageSize;
        b.snapshotChunkSize = snapshotChunkSize;
        b.tls = tls;
        return b;
    }

    /**
     * Loads settings from a properties file; keys not present keep their defaults.
     *
     * @throws InvalidConfigException for an unknown key or a malformed value, naming the file and the key
     * @throws IOException if the file cannot be read
     */
    public static Config load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            return fromProperties(p);
        } catch (InvalidConfigException e) {
            throw new InvalidConfigException(file + ": " + e.getMessage());
        }
    }

    /** Settings from properties (see {@link #load(Path)}). */
    public static Config fromProperties(Properties p) {
        Builder b = builder();
        Set<String> keys = new TreeSet<>(p.stringPropertyNames());
        for (String key : keys) {
            String v = p.getProperty(key).trim();
            switch (key) {
                case "tick-interval" -> b.tickInterval(parseDuration(key, v));
                case "election-tick" -> b.electionTick(parseInt(key, v));
                case "heartbeat-tick" -> b.heartbeatTick(parseInt(key, v));
                case "pre-vote" -> b.preVote(parseBool(key, v));
                case "check-quorum" -> b.checkQuorum(parseBool(key, v));
                case "read-only-option" -> b.readOnlyOption(parseReadOnly(key, v));
                case "max-size-per-msg" -> b.maxSizePerMsg(parseSize(key, v));
                case "max-inflight-msgs" -> b.maxInflightMsgs(parseInt(key, v));
                case "max-uncommitted-size" -> b.maxUncommittedSize(parseSize(key, v));
                case "snapshot-interval" -> b.snapshotInterval(parseLong(key, v));
                case "snapshot-time-interval" -> b.snapshotTimeInterval(parseDuration(key, v));
                case "proposal-timeout" -> b.proposalTimeout(parseDuration(key, v));
                case "conf-change-timeout" -> b.confChangeTimeout(parseDuration(key, v));
                case "lmdb-map-size" -> b.lmdbMapSize(parseSize(key, v));
                case "cluster-id" -> b.clusterId(v);
                case "proposal-forwarding" -> b.proposalForwarding(parseBool(key, v));
                case "max-pending-proposals" -> b.maxPendingProposals(parseInt(key, v));
                case "max-grpc-message-size" -> b.maxGrpcMessageSize((int) parseSize(key, v));
                case "snapshot-chunk-size" -> b.snapshotChunkSize((int) parseSize(key, v));
                case "tls.cert-chain" -> b.tls = b.tls.withCertChain(Path.of(v));
                case "tls.private-key" -> b.tls = b.tls.withPrivateKey(Path.of(v));
                case "tls.trust-certs" -> b.tls = b.tls.withTrustCerts(Path.of(v));
                case "tls.client-auth" -> b.tls = b.tls.withClientAuth(parseBool(key, v));
                default -> throw new InvalidConfigException("unknown setting '" + key + "'");
            }
        }
        return b.build();
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key + ": expected a whole number, got '" + v + "'");
        }
    }

    private static long parseLong(String key, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key + ": expected a whole number, got '" + v + "'");
        }
    }

    private static boolean parseBool(String key, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new InvalidConfigException(key + ": expected true or false, got '" + v + "'");
        };
    }

    private static ReadOnlyOption parseReadOnly(String key, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "safe" -> ReadOnlyOption.SAFE;
            case "lease-based", "lease_based" -> ReadOnlyOption.LEASE_BASED;
            default -> throw new InvalidConfigException(key + ": expected safe or lease-based, got '" + v + "'");
        };
    }

    /** Durations like {@code 100ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
    static Duration parseDuration(String key, String v) {
        String s = v.toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            } else if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            } else if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            } else if (s.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new InvalidConfigException(key + ": expected a duration such as 100ms, 5s, 2m or 1h, got '" + v + "'");
    }

    /** Sizes like {@code 1048576}, {@code 512KiB}, {@code 64MiB}, {@code 10GiB}. */
    static long parseSize(String key, String v) {
        String s = v.trim();
        long unit = 1;
        String lower = s.toLowerCase(Locale.ROOT);
        for (String[] u : new String[][] {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}, {"b", "1"}}) {
            if (lower.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length()).trim();
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidConfigException(key + ": expected a size such as 1048576, 512KiB or 64MiB, got '" + v + "'");
        }
    }

    /** Length of a tick; elections and heartbeats are counted in ticks. Default 100 ms. */
    public Duration tickInterval() {
        return tickInterval;
    }

    public int electionTick() {
        return electionTick;
    }

    public int heartbeatTick() {
        return heartbeatTick;
    }

    public boolean preVote() {
        return preVote;
    }

    public boolean checkQuorum() {
        return checkQuorum;
    }

    public ReadOnlyOption readOnlyOption() {
        return readOnlyOption;
    }

    public long maxSizePerMsg() {
        return maxSizePerMsg;
    }

    public int maxInflightMsgs() {
        return maxInflightMsgs;
    }

    public long maxUncommittedSize() {
        return maxUncommittedSize;
    }

    /** Take a snapshot once this many entries were applied since the last one; 0 turns it off. */
    public long snapshotInterval() {
        return snapshotInterval;
    }

    /** Take a snapshot when this much time passed and anything was applied since the last one; zero turns it off. */
    public Duration snapshotTimeInterval() {
        return snapshotTimeInterval;
    }

    /** How long a proposal or read may wait for its outcome before failing with a timeout. */
    public Duration proposalTimeout() {
        return proposalTimeout;
    }

    public Duration confChangeTimeout() {
        return confChangeTimeout;
    }

    /** The LMDB map size to start with; it grows by itself when it fills. */
    public long lmdbMapSize() {
        return lmdbMapSize;
    }

    /** Nodes refuse every call from a node (or client) with another cluster id. */
    public String clusterId() {
        return clusterId;
    }

    /** Followers forward proposals and reads to the leader; when off they fail with NotLeaderException. */
    public boolean proposalForwarding() {
        return proposalForwarding;
    }

    /** Proposals waiting for their outcome beyond this many are refused at once (backpressure). */
    public int maxPendingProposals() {
        return maxPendingProposals;
    }

    public int maxGrpcMessageSize() {
        return maxGrpcMessageSize;
    }

    /** Bytes of snapshot data per chunk sent to a lagging follower. */
    public int snapshotChunkSize() {
        return snapshotChunkSize;
    }

    public TlsConfig tls() {
        return tls;
    }

    /** How long a tick-counted timeout lasts in wall time. */
    public Duration electionTimeout() {
        return tickInterval.multipliedBy(electionTick);
    }

    /** The consensus core's settings for node {@code id}, with {@code applied} as the start-up applied index. */
    public RaftConfig raftConfig(long id, long applied) {
        return RaftConfig.builder(id)
                .electionTick(electionTick)
                .heartbeatTick(heartbeatTick)
                .preVote(preVote)
                .checkQuorum(checkQuorum)
                .readOnlyOption(readOnlyOption)
                .maxSizePerMsg(maxSizePerMsg)
                .maxInflightMsgs(maxInflightMsgs)
                .maxUncommittedSize(maxUncommittedSize)
                .maxCommittedSizePerReady(Math.max(maxSizePerMsg, 4L * 1024 * 1024))
                .disableProposalForwarding(!proposalForwarding)
                .applied(applied)
                .build();
    }

    @Override
    public String toString() {
        return "Config{tickInterval=" + tickInterval + ", electionTick=" + electionTick + ", heartbeatTick="
                + heartbeatTick + ", preVote=" + preVote + ", checkQuorum=" + checkQuorum + ", readOnlyOption="
                + readOnlyOption + ", snapshotInterval=" + snapshotInterval + ", proposalTimeout=" + proposalTimeout
                + ", clusterId='" + clusterId + "', tls=" + tls.enabled() + "}";
    }

    /** Builds a validated {@link Config}. */
    public static final class Builder {
        private Duration tickInterval = Duration.ofMillis(100);
        private int electionTick = 10;
        private int heartbeatTick = 3;
        private boolean preVote = true;
        private boolean checkQuorum = true;
        private ReadOnlyOption readOnlyOption = ReadOnlyOption.SAFE;
        private long maxSizePerMsg = 1024 * 1024;
        private int maxInflightMsgs = 256;
        private long maxUncommittedSize = 256L * 1024 * 1024;
        private long snapshotInterval = 10_000;
        private Duration snapshotTimeInterval = Duration.ZERO;
        private Duration proposalTimeout = Duration.ofSeconds(5);
        private Duration confChangeTimeout = Duration.ofSeconds(10);
        private long lmdbMapSize = 64L * 1024 * 1024;
        private String clusterId = "raftify";
        private boolean proposalForwarding = true;
        private int maxPendingProposals = 100_000;
        private int maxGrpcMessageSize = 16 * 1024 * 1024;
        private int snapshotChunkSize = 1024 * 1024;
        private TlsConfig tls = TlsConfig.disabled();

        private Builder() {}

        public Builder tickInterval(Duration v) {
            tickInterval = v;
            return this;
        }

        public Builder electionTick(int v) {
            electionTick = v;
            return this;
        }

        public Builder heartbeatTick(int v) {
            heartbeatTick = v;
            return this;
        }

        public Builder preVote(boolean v) {
            preVote = v;
            return this;
        }

        public Builder checkQuorum(boolean v) {
            checkQuorum = v;
            return this;
        }

        public Builder readOnlyOption(ReadOnlyOption v) {
            readOnlyOption = v;
            return this;
        }

        public Builder maxSizePerMsg(long v) {
            maxSizePerMsg = v;
            return this;
        }

        public Builder maxInflightMsgs(int v) {
            maxInflightMsgs = v;
            return this;
        }

        public Builder maxUncommittedSize(long v) {
            maxUncommittedSize = v;
            return this;
        }

        public Builder snapshotInterval(long v) {
            snapshotInterval = v;
            return this;
        }

        public Builder snapshotTimeInterval(Duration v) {
            snapshotTimeInterval = v;
            return this;
        }

        public Builder proposalTimeout(Duration v) {
            proposalTimeout = v;
            return this;
        }

        public Builder confChangeTimeout(Duration v) {
            confChangeTimeout = v;
            return this;
        }

        public Builder lmdbMapSize(long v) {
            lmdbMapSize = v;
            return this;
        }

        public Builder clusterId(String v) {
            clusterId = v;
            return this;
        }

        public Builder proposalForwarding(boolean v) {
            proposalForwarding = v;
            return this;
        }

        public Builder maxPendingProposals(int v) {
            maxPendingProposals = v;
            return this;
        }

        public Builder maxGrpcMessageSize(int v) {
            maxGrpcMessageSize = v;
            return this;
        }

        public Builder snapshotChunkSize(int v) {
            snapshotChunkSize = v;
            return this;
        }

        public Builder tls(TlsConfig v) {
            tls = v;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws InvalidConfigException naming the offending setting
         */
        public Config build() {
            if (tickInterval == null || tickInterval.isNegative() || tickInterval.isZero()) {
                throw new InvalidConfigException("tick-interval must be positive, got " + tickInterval);
            }
            if (clusterId == null || clusterId.isBlank() || !clusterId.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new InvalidConfigException("cluster-id must be 1 to 64 letters, digits, '.', '_' or '-', got '"
                        + clusterId + "'");
            }
            if (snapshotInterval < 0) {
                throw new InvalidConfigException("snapshot-interval must not be negative, got " + snapshotInterval);
            }
            if (snapshotTimeInterval == null || snapshotTimeInterval.isNegative()) {
                throw new InvalidConfigException("snapshot-time-interval must not be negative");
            }
            for (Object[] d : new Object[][] {{"proposal-timeout", proposalTimeout},
                    {"conf-change-timeout", confChangeTimeout}}) {
                Duration dur = (Duration) d[1];
                if (dur == null || dur.isNegative() || dur.isZero()) {
                    throw new InvalidConfigException(d[0] + " must be positive, got " + dur);
                }
            }
            if (lmdbMapSize < 1024 * 1024) {
                throw new InvalidConfigException("lmdb-map-size must be at least 1MiB, got " + lmdbMapSize);
            }
            if (maxPendingProposals <= 0) {
                throw new InvalidConfigException("max-pending-proposals must be positive, got " + maxPendingProposals);
            }
            if (snapshotChunkSize <= 0 || maxGrpcMessageSize <= 0) {
                throw new InvalidConfigException("snapshot-chunk-size and max-grpc-message-size must be positive");
            }
            if (snapshotChunkSize + 64 * 1024 > maxGrpcMessageSize) {
                throw new InvalidConfigException("snapshot-chunk-size (" + snapshotChunkSize
                        + ") must leave room under max-grpc-message-size (" + maxGrpcMessageSize + ")");
            }
            if (maxSizePerMsg + 64 * 1024 > maxGrpcMessageSize) {
                throw new InvalidConfigException("max-size-per-msg (" + maxSizePerMsg
                        + ") must leave room under max-grpc-message-size (" + maxGrpcMessageSize + ")");
            }
            tls.validate();
            Config c = new Config(this);
            try {
                // The core validates its own part (ticks, inflight, lease reads needing check-quorum).
                c.raftConfig(1, 0);
            } catch (RaftConfig.InvalidConfigException e) {
                throw new InvalidConfigException(e.getMessage());
            }
            return c;
        }
    }
}
