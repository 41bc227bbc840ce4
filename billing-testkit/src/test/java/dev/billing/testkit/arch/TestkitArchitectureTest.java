package dev.billing.testkit.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DESIGN §1: the testkit knows the core and its own fixtures, never an adapter, the server or a vendor SDK. */
class TestkitArchitectureTest {
    /**
     * The core, embedded Postgres, the test frameworks, jjwt and Jackson, the driver, Testcontainers, and the OpenAPI
     * validator the HTTP client checks every exchange with (test support, as the rest).
     */
    static final ArchRule DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "javax..",
                    "com.sun.net.httpserver..",
                    "dev.billing.core..",
                    "dev.billing.embeddedpostgres..",
                    "dev.billing.testkit..",
                    "org.junit..",
                    "org.opentest4j..",
                    "org.assertj..",
                    "io.jsonwebtoken..",
                    "com.fasterxml.jackson..",
                    "org.postgresql..",
                    "org.slf4j..",
                    "org.testcontainers..",
                    "com.atlassian.oai.validator..",
                    "com.tngtech.archunit..");

    private static JavaClasses testkit;

    @BeforeAll
    static void importTestkit() {
        testkit = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.testkit");
    }

    @Test
    void knowsTheCoreAndItsFixturesOnly() {
        DEPENDENCIES.check(testkit);
    }

    @Test
    void usesNoInternalsOfTheCore() {
        CoreInternals.NOT_USED.check(testkit);
    }

    @Test
    void aPlantedUseOfAnInternalConstructorFails() {
        assertThatThrownBy(() ->
                        CoreInternals.NOT_USED.check(new ClassFileImporter().importClasses(PlantedInternalUse.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedInternalUse.class.getName())
                .hasMessageContaining("Ownership");
    }

    /** Tests use FakePaymentGateway only: the fake Stripe's resources and its call script stay inside the package. */
    @Test
    void theFakeGatewaysHelpersArePackagePrivateAndFinal() {
        String[] helpers = {
            "ScriptedCalls",
            "FakeCatalog",
            "FakeCustomers",
            "FakePaymentMethods",
            "FakeSubscriptions",
            "FakeInvoices",
            "FakePayments",
            "FakeCheckout",
            "FakeMeterEvents",
            "FakeErrors"
        };
        assertThat(testkit.stream().map(JavaClass::getSimpleName)).contains(helpers);
        classes()
                .that()
                .haveNameMatching("dev\\.billing\\.testkit\\.fake\\.(" + String.join("|", helpers) + ")")
                .should()
                .notBePublic()
                .andShould()
                .haveModifier(JavaModifier.FINAL)
                .check(testkit);
    }

    @Test
    void aPlantedForbiddenDependencyFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedPoolUse.class);
        assertThatThrownBy(() -> DEPENDENCIES.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedPoolUse.class.getName());
    }
}
