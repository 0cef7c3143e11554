package dev.raftify.examples.memstore;

import dev.raftify.Config;
import dev.raftify.RaftifyException;
import dev.raftify.storage.StorageException;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code raftify-memstore}: runs one memstore node until SIGTERM (or {@code POST /leave}). */
@Command(name = "raftify-memstore", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpWidth = 100,
        description = "A replicated key-value store with an HTTP API, built on Raftify.",
        footer = {"", "Examples:",
                "  # a new 3-node cluster (start the other two alike, with their own --id and addresses)",
                "  raftify-memstore --id 1 --raft-addr 127.0.0.1:60061 --web-addr 127.0.0.1:8001 \\",
                "      --data-dir data/1 --peers 1=127.0.0.1:60061,2=127.0.0.1:60062,3=127.0.0.1:60063",
                "  # a fourth node joining through any member (the cluster assigns its id)",
                "  raftify-memstore --raft-addr 127.0.0.1:60064 --web-addr 127.0.0.1:8004 \\",
                "      --data-dir data/4 --join 127.0.0.1:60061",
                "  # a restart: the data dir remembers the id, the members and their addresses",
                "  raftify-memstore --raft-addr 127.0.0.1:60061 --web-addr 127.0.0.1:8001 --data-dir data/1"})
public final class Main implements Callable<Integer> {

    @Mixin
    NodeOptions options = new NodeOptions();

    @Override
    public Integer call() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        MemStoreNode node;
        try {
            // After POST /leave the node is no longer a member: exit (through the shutdown hook) like a SIGTERM.
            node = MemStoreNode.start(options, () -> System.exit(0));
        } catch (MemStoreNode.StartupException | Config.InvalidConfigException | RaftifyException
                 | StorageException e) {
            // Problems the user can fix (options, a locked or foreign data dir, an unreachable cluster): one line.
            System.err.println("raftify-memstore: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("raftify-memstore: cannot start: " + e);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "memstore-shutdown"));
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        // Before any HttpServer class loads: the JDK server reads this once. Without TCP_NODELAY every small
        // response waits for the client's delayed ACK (about 40 ms). The launcher passes it too.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"raftify-memstore " + (v == null ? "(development build)" : v)};
        }
    }
}
