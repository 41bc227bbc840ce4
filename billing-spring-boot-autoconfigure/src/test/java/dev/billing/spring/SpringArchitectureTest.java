package dev.billing.spring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.billing.testkit.arch.CoreInternals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The starter wires libraries: ours and Spring's, never the standalone server, its tools or the test kit. */
class SpringArchitectureTest {
    static final ArchRule DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "javax.sql..",
                    "dev.billing.core..",
                    "dev.billing.http..",
                    "dev.billing.plans..",
                    "dev.billing.micrometer..",
                    "dev.billing.opentelemetry..",
                    "dev.billing.stripe..",
                    "dev.billing.postgres..",
                    "dev.billing.supabase..",
                    "dev.billing.clerk..",
                    "dev.billing.smtp..",
                    "dev.billing.spring..",
                    "org.springframework..",
                    "jakarta.servlet..",
                    "jakarta.mail..",
                    "io.micrometer.core.instrument..",
                    "io.opentelemetry.api..");
    /**
     * No Jackson, neither a mapper nor Boot's Jackson auto-configuration: Boot 4 gives applications Jackson 3 and 3.5
     * Jackson 2, and billing's routes write JSON through billing-http, so the starter must not care which one the
     * application has.
     */
    static final ArchRule NO_JACKSON = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "com.fasterxml.jackson..",
                    "tools.jackson..",
                    "org.springframework.boot.autoconfigure.jackson..",
                    "org.springframework.boot.jackson..",
                    "org.springframework.http.converter.json..");

    private static JavaClasses spring;

    @BeforeAll
    static void importSpring() {
        spring = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.spring");
    }

    @Test
    @DisplayName("uses the core's API only, never an @Internal type or constructor")
    void usesNoInternalsOfTheCore() {
        CoreInternals.NOT_USED.check(spring);
    }

    @Test
    void wiresLibrariesOnly() {
        DEPENDENCIES.check(spring);
    }

    @Test
    void usesNoJackson() {
        NO_JACKSON.check(spring);
    }

    @Test
    void aPlantedJacksonUseFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedJacksonUse.class);
        assertThatThrownBy(() -> NO_JACKSON.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedJacksonUse.class.getName());
    }

    @Test
    void aPlantedForbiddenDependencyFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedServerUse.class);
        assertThatThrownBy(() -> DEPENDENCIES.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedServerUse.class.getName());
    }
}
