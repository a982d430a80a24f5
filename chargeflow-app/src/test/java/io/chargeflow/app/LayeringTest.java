package io.chargeflow.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module layering of ARCHITECTURE.md, checked on the compiled classes: arrows point down the module table and
 * never back up, and only the Diameter transport package sees Netty.
 */
class LayeringTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.chargeflow");
    }

    @Test
    void shouldKeepPacketFreeOfEveryOtherModule() {
        noClasses()
                .that()
                .resideInAPackage("io.chargeflow.packet..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.chargeflow.flow..",
                        "io.chargeflow.subscriber..",
                        "io.chargeflow.diameter..",
                        "io.chargeflow.charging..",
                        "io.chargeflow.cdr..",
                        "io.chargeflow.app..")
                .check(classes);
    }

    @Test
    void shouldLetFlowUseOnlyPacket() {
        noClasses()
                .that()
                .resideInAPackage("io.chargeflow.flow..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.chargeflow.subscriber..",
                        "io.chargeflow.diameter..",
                        "io.chargeflow.charging..",
                        "io.chargeflow.cdr..",
                        "io.chargeflow.app..")
                .check(classes);
    }

    @Test
    void shouldKeepSubscriberDiameterAndCdrIndependent() {
        noClasses()
                .that()
                .resideInAPackage("io.chargeflow.subscriber..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.chargeflow.packet..",
                        "io.chargeflow.flow..",
                        "io.chargeflow.diameter..",
                        "io.chargeflow.charging..",
                        "io.chargeflow.cdr..",
                        "io.chargeflow.app..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("io.chargeflow.diameter..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.chargeflow.packet..",
                        "io.chargeflow.flow..",
                        "io.chargeflow.subscriber..",
                        "io.chargeflow.charging..",
                        "io.chargeflow.cdr..",
                        "io.chargeflow.app..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("io.chargeflow.cdr..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.chargeflow.packet..",
                        "io.chargeflow.flow..",
                        "io.chargeflow.subscriber..",
                        "io.chargeflow.diameter..",
                        "io.chargeflow.charging..",
                        "io.chargeflow.app..")
                .check(classes);
    }

    @Test
    void shouldLetChargingUseOnlyDiameterAndCdr() {
        noClasses()
                .that()
                .resideInAPackage("io.chargeflow.charging..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.chargeflow.packet..",
                        "io.chargeflow.flow..",
                        "io.chargeflow.subscriber..",
                        "io.chargeflow.app..")
                .check(classes);
    }

    @Test
    void shouldConfineNettyToTheDiameterTransportPackage() {
        noClasses()
                .that()
                .resideInAPackage("io.chargeflow.diameter..")
                .and()
                .resideOutsideOfPackage("io.chargeflow.diameter.transport..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.netty..")
                .allowEmptyShould(true)
                .check(classes);
    }
}
