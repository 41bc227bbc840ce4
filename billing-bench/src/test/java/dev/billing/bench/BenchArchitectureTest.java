package dev.billing.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** The bench drives the server from outside: it knows no testkit and no test framework. */
class BenchArchitectureTest {
    static final ArchRule NO_TEST_CODE = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.billing.testkit..", "org.junit..", "org.assertj..", "org.opentest4j..");

    @Test
    void knowsNoTestkitOrTestFramework() {
        NO_TEST_CODE.check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.bench"));
    }

    @Test
    void aPlantedForbiddenDependencyFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedAssertionUse.class);
        assertThatThrownBy(() -> NO_TEST_CODE.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedAssertionUse.class.getName());
    }
}
