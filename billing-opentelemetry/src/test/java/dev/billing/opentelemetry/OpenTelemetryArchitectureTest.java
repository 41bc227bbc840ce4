package dev.billing.opentelemetry;

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

/** The tracing module is a leaf: the core and the OpenTelemetry API, never its SDK, nothing else. */
class OpenTelemetryArchitectureTest {
    /** The core's model, ports and errors and OpenTelemetry's API and context: no SDK, no other module of ours. */
    static final ArchRule DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "dev.billing.core.model..",
                    "dev.billing.core.port..",
                    "dev.billing.core.error..",
                    "dev.billing.opentelemetry..",
                    "io.opentelemetry.api..",
                    "io.opentelemetry.context..");

    private static JavaClasses tracing;

    @BeforeAll
    static void importTracing() {
        tracing = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.opentelemetry");
    }

    @Test
    @DisplayName("uses the core's API only, never an @Internal type or constructor")
    void usesNoInternalsOfTheCore() {
        CoreInternals.NOT_USED.check(tracing);
    }

    @Test
    void dependsOnTheCoreAndTheOpenTelemetryApiOnly() {
        DEPENDENCIES.check(tracing);
    }

    @Test
    void aPlantedForbiddenDependencyFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedSdkChoice.class);
        assertThatThrownBy(() -> DEPENDENCIES.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedSdkChoice.class.getName());
    }
}
