package dev.raftify.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free loopback ports for tests and tools that start nodes, restart them on the same address, and must not
 * collide. A port from {@code new ServerSocket(0)} comes from the kernel's ephemeral range, which outgoing
 * connections also draw from: once a node stops, a client socket elsewhere may take its port before the node
 * restarts. Ports below that range are never handed to outgoing connections.
 */
public final class LocalPorts {
    private static final int LOWEST = 20_000;

    private LocalPorts() {}

    /** A port on 127.0.0.1 that is free now and lies below the ephemeral range. */
    public static int free() {
        int ceiling = ephemeralLow();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        IOException last = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = LOWEST + rnd.nextInt(Math.max(1, ceiling - LOWEST));
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("no free port between " + LOWEST + " and " + ceiling, last);
    }

    /** The start of the kernel's ephemeral port range (Linux), or the IANA default elsewhere. */
    static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > LOWEST + 1000 ? low : 49_152;
        } catch (IOException | RuntimeException e) {
            return 49_152;
        }
    }
}
