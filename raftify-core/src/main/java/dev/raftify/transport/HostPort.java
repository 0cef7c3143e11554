package dev.raftify.transport;

/** A {@code host:port} address, with a clear error for anything else. */
public record HostPort(String host, int port) {

    /** @throws IllegalArgumentException naming the bad address */
    public static HostPort parse(String address) {
        if (address == null) {
            throw new IllegalArgumentException("address is missing (expected host:port)");
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("'" + address + "' is not an address of the form host:port");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + address + "' has no valid port (expected host:port)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + address + "' has a port out of range");
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
