package dev.hubsim;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layout rules of docs/ARCHITECTURE.md, checked on the simulator's main classes: no package cycles, and a hub core
 * that knows no wire protocol, no face and nothing that starts or configures it.
 */
class ArchitectureTest {
    /** The hub core: what every face calls. */
    static final String[] CORE = {"dev.hubsim.registry..", "dev.hubsim.auth..", "dev.hubsim.telemetry..", "dev.hubsim.c2d..",
            "dev.hubsim.eventhub..", "dev.hubsim.limits..", "dev.hubsim.connections..", "dev.hubsim.faults..", "dev.hubsim.trace..",
            "dev.hubsim.errors..", "dev.hubsim.twin..", "dev.hubsim.throttling.."};
    /** Protocol and transport libraries the core must not see (WireMock's standalone jar shades under wiremock.). */
    static final String[] WIRE_LIBRARIES = {"org.apache.qpid..", "org.apache.activemq..", "io.netty..", "com.github.tomakehurst..", "wiremock.."};
    /** Faces, codecs, stores and everything outside the core. */
    static final String[] NOT_CORE = {"dev.hubsim.amqp..", "dev.hubsim.https..", "dev.hubsim.mqtt..", "dev.hubsim.codec..", "dev.hubsim.store..",
            "dev.hubsim.config..", "dev.hubsim.tls..", "dev.hubsim.cli..", "dev.hubsim.junit.."};

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.hubsim");
    }

    /** Each package is its own slice (sub-packages too), so a cycle between any two packages fails. */
    private static final SliceAssignment BY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            return javaClass.getPackageName().startsWith("dev.hubsim") ? SliceIdentifier.of(javaClass.getPackageName()) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "simulator packages";
        }
    };

    @Test
    void noPackageCycles() {
        slices().assignedFrom(BY_PACKAGE).should().beFreeOfCycles().check(main);
    }

    @Test
    void theHubCoreImportsNoWireProtocolLibrary() {
        noClasses().that().resideInAnyPackage(CORE).should().dependOnClassesThat().resideInAnyPackage(WIRE_LIBRARIES)
                .because("the hub core knows no wire protocol: an MQTT face must be able to use it without AMQP code").check(main);
    }

    @Test
    void theHubCoreDependsOnNoFaceAndNothingOutside() {
        noClasses().that().resideInAnyPackage(CORE).should().dependOnClassesThat().resideInAnyPackage(NOT_CORE).check(main);
        noClasses().that().resideInAnyPackage(CORE).should().dependOnClassesThat().resideInAPackage("dev.hubsim")
                .because("the facade builds the core, not the other way round").check(main);
    }
}
