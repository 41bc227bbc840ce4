package dev.billing.embeddedpostgres;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** Runs Postgres and nothing else: zonky, the driver for its own checks, SLF4J; no billing code, no test code. */
class EmbeddedPostgresArchitectureTest {
    static final ArchRule DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "javax.sql..",
                    "dev.billing.embeddedpostgres..",
                    "io.zonky.test.db.postgres.embedded..",
                    "org.postgresql..");

    @Test
    void dependsOnZonkyTheDriverAndSlf4jOnly() {
        DEPENDENCIES.check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.embeddedpostgres"));
    }

    @Test
    void aPlantedForbiddenDependencyFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedTestFrameworkUse.class);
        assertThatThrownBy(() -> DEPENDENCIES.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedTestFrameworkUse.class.getName());
    }
}
