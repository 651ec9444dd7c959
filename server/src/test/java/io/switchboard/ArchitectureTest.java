package io.switchboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The routing, SLA and case domains stay plain Java: no Vert.x, Redis, Asterisk or expression-engine types. */
class ArchitectureTest {
    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.switchboard");

    @Test
    void theRoutingDomainHasNoInfrastructureImports() {
        noClasses().that().resideInAPackage("io.switchboard.routing..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.lettuce..", "org.asteriskjava..",
                        "dev.cel..", "org.snakeyaml..", "io.micrometer..", "io.switchboard.store..",
                        "io.switchboard.api..", "io.switchboard.engine..")
                .check(classes);
    }

    @Test
    void theSlaDomainHasNoInfrastructureImports() {
        noClasses().that().resideInAPackage("io.switchboard.sla..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.lettuce..", "org.asteriskjava..",
                        "dev.cel..", "org.snakeyaml..", "io.micrometer..", "io.switchboard.store..",
                        "io.switchboard.api..", "io.switchboard.engine..", "io.switchboard.rules..",
                        "io.switchboard.metrics..", "io.switchboard.config..")
                .check(classes);
    }

    @Test
    void theCaseDomainHasNoInfrastructureImports() {
        noClasses().that().resideInAPackage("io.switchboard.cases..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.lettuce..", "org.asteriskjava..",
                        "dev.cel..", "org.snakeyaml..", "io.micrometer..", "io.switchboard.store..",
                        "io.switchboard.api..", "io.switchboard.engine..", "io.switchboard.metrics..")
                .check(classes);
    }

    @Test
    void adaptersDoNotReachIntoEachOther() {
        noClasses().that().resideInAPackage("io.switchboard.store..")
                .should().dependOnClassesThat().resideInAPackage("io.switchboard.api..").check(classes);
        noClasses().that().resideInAPackage("io.switchboard.rules..")
                .should().dependOnClassesThat().resideInAnyPackage("io.switchboard.store..", "io.switchboard.api..")
                .check(classes);
    }
}
