package dev.billing.admin;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.billing.testkit.arch.CoreInternals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The dashboard reads through the core (its use cases and ports), renders with Mustache, serves with Javalin. */
class AdminArchitectureTest {
    /** The core, Javalin, Mustache, SLF4J: no adapter, no HTTP API module, no logging backend. */
    static final ArchRule DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "javax.crypto..",
                    "dev.billing.core..",
                    "dev.billing.admin..",
                    "io.javalin..",
                    "com.github.mustachejava..",
                    "kotlin..",
                    "org.jetbrains.annotations..");

    private static JavaClasses admin;

    @BeforeAll
    static void importAdmin() {
        admin = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.admin");
    }

    @Test
    @DisplayName("uses the core's API only, never an @Internal type or constructor")
    void usesNoInternalsOfTheCore() {
        CoreInternals.NOT_USED.check(admin);
    }

    @Test
    void dependsOnTheCoreJavalinAndMustacheOnly() {
        DEPENDENCIES.check(admin);
    }

    @Test
    void aPlantedForbiddenDependencyFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedStoreAdapterUse.class);
        assertThatThrownBy(() -> DEPENDENCIES.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedStoreAdapterUse.class.getName());
    }

    @Test
    void onlyTheDashboardAndItsBuilderArePublic() {
        assertThat(admin.stream()
                        .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))
                        .map(JavaClass::getName))
                .containsExactlyInAnyOrder(AdminDashboard.class.getName(), AdminDashboard.Builder.class.getName());
    }
}
