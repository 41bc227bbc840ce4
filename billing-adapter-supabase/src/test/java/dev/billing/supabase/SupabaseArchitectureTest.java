package dev.billing.supabase;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.billing.testkit.arch.CoreInternals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** DESIGN §1 for this adapter: core, Jackson and the JDK (java.net.http) only; no testkit, no other adapter. */
class SupabaseArchitectureTest {
    /** The core, Jackson and the JDK (its HTTP client): no other module of ours, no test code. */
    static final ArchRule DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("dev.billing.supabase..", "dev.billing.core..", "com.fasterxml.jackson..", "java..");
    /** Configuration is a value the host builds in code: reading the environment is the host's job. */
    static final ArchRule NO_ENVIRONMENT = noClasses()
            .should()
            .callMethod(System.class, "getenv")
            .orShould()
            .callMethod(System.class, "getenv", String.class)
            .because("hosts build SupabaseConfig in code; the server and the Spring starter read the environment");

    private static JavaClasses main;

    @BeforeAll
    static void importMain() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.supabase");
    }

    @Test
    @DisplayName("uses the core's API only, never an @Internal type or constructor")
    void usesNoInternalsOfTheCore() {
        CoreInternals.NOT_USED.check(main);
    }

    @Test
    void dependsOnlyOnCoreJacksonAndTheJdk() {
        DEPENDENCIES.check(main);
    }

    @Test
    void aPlantedForbiddenDependencyFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedTestkitUse.class);
        assertThatThrownBy(() -> DEPENDENCIES.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedTestkitUse.class.getName());
    }

    @Test
    void readsNoEnvironmentVariable() {
        NO_ENVIRONMENT.check(main);
    }

    @Test
    void aPlantedEnvironmentReadFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedEnvironmentRead.class);
        assertThatThrownBy(() -> NO_ENVIRONMENT.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedEnvironmentRead.class.getName() + ".serviceRoleKey()")
                .hasMessageContaining(PlantedEnvironmentRead.class.getName() + ".everything()");
    }

    @Test
    void onlyTheEntryPointsArePublic() {
        classes()
                .that()
                .arePublic()
                .and()
                .areTopLevelClasses()
                .should()
                .haveSimpleNameStartingWith("Supabase")
                .check(main);
        classes()
                .that()
                .haveSimpleNameNotStartingWith("Supabase")
                .and()
                .areTopLevelClasses()
                .should()
                .notBePublic()
                .andShould()
                .haveModifier(JavaModifier.FINAL)
                .check(main);
    }
}
