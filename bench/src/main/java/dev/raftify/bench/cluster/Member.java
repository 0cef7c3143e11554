package dev.raftify.bench.cluster;

/** One running cluster member inside a {@link BenchNode} process. */
interface Member extends AutoCloseable {

    /** Whether this member leads right now (cheap: polled every millisecond). */
    boolean isLeader();

    @Override
    void close() throws Exception;
}
