package dev.billing.testkit.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** DESIGN §1: the testkit knows the core only, and its fakes run without test frameworks. */
class TestkitArchitectureTest {
    private static JavaClasses testkit;

    @BeforeAll
    static void importTestkit() {
        testkit = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.testkit");
    }

    @Test
    void knowsNoAdapter() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.billing.stripe..",
                "dev.billing.postgres..", "dev.billing.supabase..", "dev.billing.http..").check(testkit);
    }

    @Test
    void neverUsesStripeJavaJdbiOrJavalin() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("com.stripe..", "org.jdbi..", "io.javalin..")
                .check(testkit);
    }

    @Test
    void fakesAndBuildersRunWithoutTestFrameworks() {
        // The contract suites and the JUnit extension of the Postgres fixture are the only test-framework users.
        noClasses().that().resideOutsideOfPackages("dev.billing.testkit.contract..", "dev.billing.testkit.postgres.junit..")
                .should().dependOnClassesThat().resideInAnyPackage("org.junit..", "org.assertj..")
                .check(testkit);
    }
}
