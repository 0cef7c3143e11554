package dev.raftify.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the benchmarks write: {@code -Draftify.bench.dir=PATH}, else a fresh directory under the working
 * directory. Both benchmarks use the same parent, so they measure the same disk (and not a tmpfs {@code /tmp}).
 */
final class BenchDirectory {

    private BenchDirectory() {
    }

    static Path create(String prefix) {
        Path parent = Path.of(System.getProperty("raftify.bench.dir", "."));
        try {
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
