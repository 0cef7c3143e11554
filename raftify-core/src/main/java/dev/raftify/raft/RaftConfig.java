package dev.raftify.raft;

/**
 * Settings of the consensus core. Built with {@link #builder(long)}; {@link Builder#build()} validates, so an
 * instance is always usable.
 *
 * <p>Time is counted in ticks: the caller decides how long a tick is (the runtime's tick interval).
 */
public final class RaftConfig {

    /** Thrown for a combination of settings that cannot work or is unsafe. */
    public static final class InvalidConfigException extends IllegalArgumentException {
        public InvalidConfigException(String message) {
            super(message);
        }
    }

    private final long id;
    private final int electionTick;
    private final int heartbeatTick;
    private final int minElectionTick;
    private final int maxElectionTick;
    private final long applied;
    private final long maxSizePerMsg;
    private final int maxInflightMsgs;
    private final long maxInflightBytes;
    private final boolean checkQuorum;
    private final boolean preVote;
    private final ReadOnlyOption readOnlyOption;
    private final long maxUncommittedSize;
    private final long maxCommittedSizePerReady;
    private final boolean disableProposalForwarding;

    private RaftConfig(Builder b) {
        this.id = b.id;
        this.electionTick = b.electionTick;
        this.heartbeatTick = b.heartbeatTick;
        this.minElectionTick = b.minElectionTick == 0 ? b.electionTick : b.minElectionTick;
        this.maxElectionTick = b.maxElectionTick == 0 ? 2 * b.electionTick : b.maxElectionTick;
        this.applied = b.applied;
        this.maxSizePerMsg = b.maxSizePerMsg;
        this.maxInflightMsgs = b.maxInflightMsgs;
        this.maxInflightBytes = b.maxInflightBytes;
        this.checkQuorum = b.checkQuorum;
        this.preVote = b.preVote;
        this.readOnlyOption = b.readOnlyOption;
        this.maxUncommittedSize = b.maxUncommittedSize;
        this.maxCommittedSizePerReady = b.maxCommittedSizePerReady;
        this.disableProposalForwarding = b.disableProposalForwarding;
    }

    public static Builder builder(long id) {
        return new Builder(id);
    }

    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.electionTick = electionTick;
        b.heartbeatTick = heartbeatTick;
        b.minElectionTick = minElectionTick;
        b.maxElectionTick = maxElectionTick;
        b.applied = applied;
        b.maxSizePerMsg = maxSizePerMsg;
        b.maxInflightMsgs = maxInflightMsgs;
        b.maxInflightBytes = maxInflightBytes;
        b.checkQuorum = checkQuorum;
        b.preVote = preVote;
        b.readOnlyOption = readOnlyOption;
        b.maxUncommittedSize = maxUncommittedSize;
        b.maxCommittedSizePerReady = maxCommittedSizePerReady;
        b.disableProposalForwarding = disableProposalForwarding;
        return b;
    }

    /** This node's id; never 0 (0 means "none" in Raft messages). */
    public long id() {
        return id;
    }

    /** Ticks without hearing from a leader before a follower campaigns (randomized in [min, max)). */
    public int electionTick() {
        return electionTick;
    }

    /** Ticks between a leader's heartbeats. */
    public int heartbeatTick() {
        return heartbeatTick;
    }

    public int minElectionTick() {
        return minElectionTick;
    }

    public int maxElectionTick() {
        return maxElectionTick;
    }

    /** The index the state machine has applied at start-up; entries up to it are not handed out again. */
    public long applied() {
        return applied;
    }

    /** Maximum bytes of entries in one append message (at least one entry is always sent). */
    public long maxSizePerMsg() {
        return maxSizePerMsg;
    }

    /** Maximum append messages in flight to one follower in replicate state. */
    public int maxInflightMsgs() {
        return maxInflightMsgs;
    }

    /** Maximum bytes of entries in flight to one follower; 0 means no limit. */
    public long maxInflightBytes() {
        return maxInflightBytes;
    }

    /** A leader steps down when it has not heard from a quorum within an election timeout. */
    public boolean checkQuorum() {
        return checkQuorum;
    }

    /** Candidates run a pre-vote round first, so a partitioned node cannot disrupt the cluster on return. */
    public boolean preVote() {
        return preVote;
    }

    public ReadOnlyOption readOnlyOption() {
        return readOnlyOption;
    }

    /** Maximum bytes of uncommitted entries a leader accepts before refusing proposals. */
    public long maxUncommittedSize() {
        return maxUncommittedSize;
    }

    /** Maximum bytes of committed entries handed out in one Ready. */
    public long maxCommittedSizePerReady() {
        return maxCommittedSizePerReady;
    }

    /** Followers refuse proposals instead of forwarding them to the leader. */
    public boolean disableProposalForwarding() {
        return disableProposalForwarding;
    }

    @Override
    public String toString() {
        return "RaftConfig{id=" + id + ", electionTick=" + electionTick + ", heartbeatTick=" + heartbeatTick
                + ", electionTimeout=[" + minElectionTick + "," + maxElectionTick + "), maxSizePerMsg=" + maxSizePerMsg
                + ", maxInflightMsgs=" + maxInflightMsgs + ", maxInflightBytes=" + maxInflightBytes
                + ", checkQuorum=" + checkQuorum + ", preVote=" + preVote + ", readOnlyOption=" + readOnlyOption
                + ", maxUncommittedSize=" + maxUncommittedSize + "}";
    }

    /** Builds a {@link RaftConfig}; defaults: election 10 ticks, heartbeat 3, pre-vote and check-quorum on. */
    public static final class Builder {
        private final long id;
        private int electionTick = 10;
        private int heartbeatTick = 3;
        private int minElectionTick;
        private int maxElectionTick;
        private long applied;
        private long maxSizePerMsg = 1024 * 1024;
        private int maxInflightMsgs = 256;
        private long maxInflightBytes;
        private boolean checkQuorum = true;
        private boolean preVote = true;
        private ReadOnlyOption readOnlyOption = ReadOnlyOption.SAFE;
        private long maxUncommittedSize = Long.MAX_VALUE;
        private long maxCommittedSizePerReady = Long.MAX_VALUE;
        private boolean disableProposalForwarding;

        private Builder(long id) {
            this.id = id;
        }

        public Builder electionTick(int v) {
            electionTick = v;
            return this;
        }

        public Builder heartbeatTick(int v) {
            heartbeatTick = v;
            return this;
        }

        /** Lower bound of the randomized election timeout; 0 means {@code electionTick}. */
        public Builder minElectionTick(int v) {
            minElectionTick = v;
            return this;
        }

        /** Upper bound (exclusive) of the randomized election timeout; 0 means {@code 2 * electionTick}. */
        public Builder maxElectionTick(int v) {
            maxElectionTick = v;
            return this;
        }

        public Builder applied(long v) {
            applied = v;
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

        public Builder maxInflightBytes(long v) {
            maxInflightBytes = v;
            return this;
        }

        public Builder checkQuorum(boolean v) {
            checkQuorum = v;
            return this;
        }

        public Builder preVote(boolean v) {
            preVote = v;
            return this;
        }

        public Builder readOnlyOption(ReadOnlyOption v) {
            readOnlyOption = v;
            return this;
        }

        public Builder maxUncommittedSize(long v) {
            maxUncommittedSize = v;
            return this;
        }

        public Builder maxCommittedSizePerReady(long v) {
            maxCommittedSizePerReady = v;
            return this;
        }

        public Builder disableProposalForwarding(boolean v) {
            disableProposalForwarding = v;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws InvalidConfigException naming the offending setting
         */
        public RaftConfig build() {
            if (id == 0) {
                throw new InvalidConfigException("id must not be 0 (0 means \"no node\" in Raft messages)");
            }
            if (heartbeatTick <= 0) {
                throw new InvalidConfigException("heartbeatTick must be greater than 0, got " + heartbeatTick);
            }
            if (electionTick <= heartbeatTick) {
                throw new InvalidConfigException("electionTick (" + electionTick
                        + ") must be greater than heartbeatTick (" + heartbeatTick + ")");
            }
            int min = minElectionTick == 0 ? electionTick : minElectionTick;
            int max = maxElectionTick == 0 ? 2 * electionTick : maxElectionTick;
            if (min < electionTick) {
                throw new InvalidConfigException(
                        "minElectionTick (" + min + ") must be at least electionTick (" + electionTick + ")");
            }
            if (max <= min) {
                throw new InvalidConfigException(
                        "maxElectionTick (" + max + ") must be greater than minElectionTick (" + min + ")");
            }
            if (maxInflightMsgs <= 0) {
                throw new InvalidConfigException("maxInflightMsgs must be greater than 0, got " + maxInflightMsgs);
            }
            if (maxInflightBytes < 0 || maxSizePerMsg < 0 || maxUncommittedSize <= 0 || maxCommittedSizePerReady <= 0) {
                throw new InvalidConfigException("size limits must be positive (maxInflightBytes and maxSizePerMsg "
                        + "may be 0): maxInflightBytes=" + maxInflightBytes + ", maxSizePerMsg=" + maxSizePerMsg
                        + ", maxUncommittedSize=" + maxUncommittedSize
                        + ", maxCommittedSizePerReady=" + maxCommittedSizePerReady);
            }
            if (maxInflightBytes > 0 && maxInflightBytes < maxSizePerMsg) {
                throw new InvalidConfigException("maxInflightBytes (" + maxInflightBytes
                        + ") must be at least maxSizePerMsg (" + maxSizePerMsg + ")");
            }
            if (readOnlyOption == ReadOnlyOption.LEASE_BASED && !checkQuorum) {
                throw new InvalidConfigException("readOnlyOption LEASE_BASED requires checkQuorum: without it a "
                        + "deposed leader could keep serving stale reads from its lease");
            }
            if (applied < 0) {
                throw new InvalidConfigException("applied must not be negative, got " + applied);
            }
            return new RaftConfig(this);
        }
    }
}
