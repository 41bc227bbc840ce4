package dev.billing.server;

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

/**
 * DESIGN §1 for billing-server: the composition root may know every adapter, but never the testkit, the bench or a
 * test framework (its jar is what operators run).
 */
class ServerArchitectureTest {
    static final ArchRule NO_TEST_CODE = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "dev.billing.testkit..",
                    "dev.billing.bench..",
                    "org.junit..",
                    "org.assertj..",
                    "org.opentest4j..",
                    "com.tngtech.archunit..");
    private static JavaClasses server;

    @BeforeAll
    static void importServer() {
        server = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.server");
    }

    @Test
    @DisplayName("uses the core's API only, never an @Internal type or constructor")
    void usesNoInternalsOfTheCore() {
        CoreInternals.NOT_USED.check(server);
    }

    @Test
    void knowsNoTestkitBenchOrTestFramework() {
        NO_TEST_CODE.check(server);
    }

    @Test
    void aPlantedForbiddenDependencyFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedTestkitUse.class);
        assertThatThrownBy(() -> NO_TEST_CODE.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedTestkitUse.class.getName());
    }

    @Test
    void theCommandLineIsTheOnlyMainClass() {
        classes()
                .that()
                .containAnyMethodsThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "main(String[])",
                        m -> m.getName().equals("main")
                                && m.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.STATIC)))
                .should()
                .haveFullyQualifiedName(Main.class.getName())
                .check(server);
    }
}
