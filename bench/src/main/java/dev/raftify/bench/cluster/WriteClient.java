package dev.raftify.bench.cluster;

/** Sends writes to a cluster's leader, asynchronously: many may be in flight. */
interface WriteClient extends AutoCloseable {

    /** Called once per write, on whatever thread the client completes it. */
    interface Done {
        void done(boolean ok);
    }

    void write(byte[] command, Done done);

    @Override
    void close();
}
