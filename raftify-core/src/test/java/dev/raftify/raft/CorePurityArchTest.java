package dev.raftify.raft;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The consensus core stays a pure, deterministic state machine: no I/O, threads, clocks or transport. */
class CorePurityArchTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.raftify.raft");

    @Test
    void noTransportStorageEngineOrIo() {
        noClasses().that().resideInAPackage("dev.raftify.raft..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.grpc..", "org.lmdbjava..", "dev.raftify.storage.lmdb..", "dev.raftify.transport..",
                        "dev.raftify.node..", "java.io..", "java.nio..", "java.net..")
                .check(CORE);
    }

    @Test
    void noThreadsOrExecutors() {
        noClasses().that().resideInAPackage("dev.raftify.raft..")
                .should().dependOnClassesThat().resideInAnyPackage("java.util.concurrent..")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .check(CORE);
    }

    @Test
    void noClocks() {
        noClasses().that().resideInAPackage("dev.raftify.raft..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().resideInAPackage("java.time..")
                .check(CORE);
    }
}
