package dev.billing.micrometer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.billing.testkit.arch.CoreInternals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The metrics module is a leaf: the core and the Micrometer facade, nothing else. */
class MicrometerArchitectureTest {
    /** The core's model, ports and errors and Micrometer's API: no other module of ours, no logging library. */
    static final ArchRule DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "dev.billing.core.model..",
                    "dev.billing.core.port..",
                    "dev.billing.core.error..",
                    "dev.billing.micrometer..",
                    "io.micrometer.core.instrument..");

    private static JavaClasses metrics;

    @BeforeAll
    static void importMetrics() {
        metrics = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.micrometer");
    }

    @Test
    @DisplayName("uses the core's API only, never an @Internal type or constructor")
    void usesNoInternalsOfTheCore() {
        CoreInternals.NOT_USED.check(metrics);
    }

    @Test
    void dependsOnTheCoreAndMicrometerOnly() {
        DEPENDENCIES.check(metrics);
    }

    @Test
    void aPlantedForbiddenDependencyFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedRegistryChoice.class);
        assertThatThrownBy(() -> DEPENDENCIES.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedRegistryChoice.class.getName());
    }
}
