package dev.raftify.cli.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.cli.CdsTraining;
import dev.raftify.cli.RaftifyCli;
import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.Stores;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RaftifyCli#main} in a JVM of its own, as the launcher runs it: only the commands the arguments name are
 * built, and LMDB is bound through jnr-ffi's reflective loader (main's start-up default), which the in-process
 * tests never use (the JVM running them binds LMDB once, the default way). Output and exit code must be those of
 * the in-process run.
 */
class MainProcessTest {

    @TempDir
    static Path tmp;
    static String store;

    @BeforeAll
    static void writeStore() {
        Path dir = tmp.resolve("node-1");
        Stores.writeThreeNodeStore(dir);
        store = dir.toString();
    }

    private static Cli.Result runMain(List<String> args) throws IOException, InterruptedException {
        return runJava(List.of(), RaftifyCli.class.getName(), args);
    }

    private static Cli.Result runJava(List<String> jvmOptions, String mainClass, List<String> args)
            throws IOException, InterruptedException {
        return runJava(jvmOptions, System.getProperty("java.class.path"), mainClass, args);
    }

    private static Cli.Result runJava(List<String> jvmOptions, String classPath, String mainClass, List<String> args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-Xmx64m", "-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classPath, mainClass));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().remove("NO_COLOR");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Cli.Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"describe metadata DIR", "describe logs DIR --output json", "describe logs DIR --tail 3",
        "check DIR", "recover DIR --voters 1,2 --dry-run", "describe metadata DIR/missing"})
    void mainPrintsWhatTheInProcessRunPrints(String command) throws Exception {
        List<String> args = new ArrayList<>(List.of(command.replace("DIR", store).split(" ")));
        args.add("--no-color");
        Cli.Result forked = runMain(args);
        Cli.Result inProcess = Cli.run(args.toArray(String[]::new));
        assertThat(forked).isEqualTo(inProcess);
        assertThat(forked.exitCode() == 0 ? forked.out() : forked.err()).startsWith(forked.exitCode() == 0
                ? (command.startsWith("describe logs DIR --output") ? "{" : command.startsWith("check") ? "✔" : "")
                : "raftify-cli: ").isNotBlank();
    }

    /**
     * The launcher's training run: it leaves nothing behind in the temporary directory, and the archive it records
     * serves an offline command (its classes come from the archive, not from the class path).
     */
    @Test
    void cdsTrainingRecordsTheOfflineCommands() throws Exception {
        Path tmpdir = Files.createDirectories(tmp.resolve("java-tmp"));
        Path jsa = tmp.resolve("training.jsa");
        String classPath = jarsOnly(System.getProperty("java.class.path"), Files.createDirectories(tmp.resolve("jars")));
        Cli.Result training = runJava(List.of("-XX:ArchiveClassesAtExit=" + jsa, "-Xlog:cds=off,cds+dynamic=off",
                "-Djava.io.tmpdir=" + tmpdir), classPath, CdsTraining.class.getName(), List.of());
        assertThat(training.exitCode()).as(training.toString()).isZero();
        assertThat(training.out()).isEmpty();
        assertThat(jsa).exists();
        try (Stream<Path> left = Files.list(tmpdir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("raftify-cli-cds-"));
        }

        Cli.Result run = runJava(List.of("-XX:SharedArchiveFile=" + jsa, "-Xlog:class+load=info",
                "-Xlog:cds=off,cds+dynamic=off"), classPath, RaftifyCli.class.getName(),
                List.of("describe", "metadata", store, "--no-color"));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("dev.raftify.cli.describe.DescribeMetadata source: shared objects file")
                .contains("org.lmdbjava.Env source: shared objects file")
                .contains("│ HardState │");
    }

    /** The class path with each directory packed into a jar: class-data sharing accepts jars only. */
    private static String jarsOnly(String classPath, Path into) throws IOException {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!Files.isDirectory(p)) {
                out.add(entry);
                continue;
            }
            Path jar = into.resolve("dir-" + n++ + ".jar");
            try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(p)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    j.putNextEntry(new JarEntry(p.relativize(f).toString().replace(File.separatorChar, '/')));
                    Files.copy(f, j);
                    j.closeEntry();
                }
            }
            out.add(jar.toString());
        }
        return String.join(File.pathSeparator, out);
    }
}
