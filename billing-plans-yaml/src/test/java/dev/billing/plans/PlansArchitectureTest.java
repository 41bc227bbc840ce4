package dev.billing.plans;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
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

/** The plan YAML reader is a leaf: the core's model and SnakeYAML, one public type. */
class PlansArchitectureTest {
    /** The core's model and SnakeYAML: no other module of ours, no logging library. */
    static final ArchRule DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "dev.billing.core.model..", "dev.billing.plans..", "org.yaml.snakeyaml..");
    /** The placeholders' values are a map the host passes: reading the environment is the host's job. */
    static final ArchRule NO_ENVIRONMENT = noClasses()
            .should()
            .callMethod(System.class, "getenv")
            .orShould()
            .callMethod(System.class, "getenv", String.class)
            .because("hosts pass the plan file's variables; the server and the Spring starter pass the environment");

    private static JavaClasses plans;

    @BeforeAll
    static void importPlans() {
        plans = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.plans");
    }

    @Test
    void dependsOnTheCoresModelAndSnakeYamlOnly() {
        DEPENDENCIES.check(plans);
    }

    @Test
    void aPlantedForbiddenDependencyFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedStoreUse.class);
        assertThatThrownBy(() -> DEPENDENCIES.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedStoreUse.class.getName());
    }

    @Test
    void readsNoEnvironmentVariable() {
        NO_ENVIRONMENT.check(plans);
    }

    @Test
    void aPlantedEnvironmentReadFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedEnvironmentRead.class);
        assertThatThrownBy(() -> NO_ENVIRONMENT.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedEnvironmentRead.class.getName() + ".proPrice()")
                .hasMessageContaining(PlantedEnvironmentRead.class.getName() + ".everything()");
    }

    @Test
    void onlyTheReaderAndItsResultArePublic() {
        assertThat(plans.stream()
                        .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))
                        .map(JavaClass::getName))
                .containsExactlyInAnyOrder(
                        PlanCatalogYaml.class.getName(),
                        PlanCatalogYaml.InvalidCatalogException.class.getName(),
                        PlanFile.class.getName(),
                        PlanFile.ManagedPrice.class.getName());
    }
}
