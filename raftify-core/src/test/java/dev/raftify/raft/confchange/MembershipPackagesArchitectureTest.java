package dev.raftify.raft.confchange;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the quorum, tracker and confchange packages pure (no threads, clock, randomness, I/O or logging, which
 * a deterministic simulation could not control) and layered: quorum knows nothing of the others, tracker knows
 * only quorum.
 */
class MembershipPackagesArchitectureTest {

    private static final String QUORUM = "dev.raftify.raft.quorum..";
    private static final String TRACKER = "dev.raftify.raft.tracker..";
    private static final String CONFCHANGE = "dev.raftify.raft.confchange..";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.raftify.raft.quorum", "dev.raftify.raft.tracker", "dev.raftify.raft.confchange");
    }

    @Test
    void arePure() {
        noClasses().that().resideInAnyPackage(QUORUM, TRACKER, CONFCHANGE)
            .should().dependOnClassesThat().resideInAnyPackage(
                "java.io..", "java.nio..", "java.net..", "java.time..", "java.util.concurrent..", "org.slf4j..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.HashMap")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            .check(classes);
    }

    @Test
    void areLayered() {
        noClasses().that().resideInAPackage(QUORUM)
            .should().dependOnClassesThat().resideInAnyPackage(TRACKER, CONFCHANGE, "dev.raftify.proto..")
            .check(classes);
        noClasses().that().resideInAPackage(TRACKER)
            .should().dependOnClassesThat().resideInAnyPackage(CONFCHANGE)
            .check(classes);
    }
}
