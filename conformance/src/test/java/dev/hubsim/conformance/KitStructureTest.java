package dev.hubsim.conformance;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The judge shares no code with the judged: outside the {@code embedded} package (which starts a simulator to run
 * against and hands over plain values), the kit's main code uses nothing of the simulator and nothing of the reference
 * client. Whatever the simulator's packages are called: every hubsim class outside {@code dev.hubsim.conformance} and the
 * kit's own AMQP client {@code dev.hubsim.probe} (a module that depends on Proton-J only).
 */
class KitStructureTest {
    /** The kit's main classes only (scanning the whole class path for the package takes half a minute). */
    private static final JavaClasses KIT = new ClassFileImporter().importPath(java.nio.file.Path.of("target", "classes"));

    @Test
    void onlyTheEmbeddedPackageTouchesTheSimulator() {
        noClasses().that().resideOutsideOfPackage("dev.hubsim.conformance.embedded..")
                .should().dependOnClassesThat(resideInAPackage("dev.hubsim..").and(resideOutsideOfPackage("dev.hubsim.conformance.."))
                        .and(resideOutsideOfPackage("dev.hubsim.probe..")))
                .check(KIT);
    }
}
