package dev.raftify.cli.support;

import dev.raftify.LogEntryFormatter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A test application's formatter: renders commands that start with "fmt:"; registered in META-INF/services. */
public final class GreetingFormatter implements LogEntryFormatter {
    @Override
    public Optional<String> format(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        return s.startsWith("fmt:") ? Optional.of("Greeting { to: " + s.substring(4) + " }") : Optional.empty();
    }
}
