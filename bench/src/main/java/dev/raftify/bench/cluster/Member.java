package dev.raftify.bench.cluster;

import java.io.IOException;

/** One running cluster member inside a {@link BenchNode} process. */
interface Member extends AutoCloseable {

    /** Whether this member leads right now (cheap: polled every millisecond). */
    boolean isLeader();

    @Override
    void close() throws IOException;
}
