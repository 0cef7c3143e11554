package dev.raftify.examples.memstore;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root (where the launchers live), found by walking up from the working directory. */
final class RepoRoot {
    private RepoRoot() {}

    static Path find() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (p != null) {
            if (Files.isExecutable(p.resolve("raftify-memstore")) && Files.exists(p.resolve("pom.xml"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("no repository root (with ./raftify-memstore) above "
                + System.getProperty("user.dir"));
    }
}
