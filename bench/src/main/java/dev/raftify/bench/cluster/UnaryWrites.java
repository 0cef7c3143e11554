package dev.raftify.bench.cluster;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** What the gRPC write clients share: the answer of one asynchronous unary write, and closing their channel. */
final class UnaryWrites {
    private UnaryWrites() {}

    /** Reports {@code done(true)} once the call completes with a response {@code ok} accepts, else false. */
    static <R> StreamObserver<R> reportTo(WriteClient.Done done, Predicate<R> ok) {
        return new StreamObserver<>() {
            private boolean accepted;

            @Override
            public void onNext(R r) {
                accepted = ok.test(r);
            }

            @Override
            public void onError(Throwable t) {
                done.done(false);
            }

            @Override
            public void onCompleted() {
                done.done(accepted);
            }
        };
    }

    static void close(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
