package dev.billing.clerk;

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

/** The Clerk adapter is a leaf: the core, jjwt and its JSON library, the verified-token cache; four public types. */
class ClerkArchitectureTest {
    /** No other module of ours, no web framework, no logging library, no test code. */
    static final ArchRule DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "javax..",
                    "dev.billing.core..",
                    "dev.billing.clerk..",
                    "io.jsonwebtoken..",
                    "com.fasterxml.jackson..",
                    "com.github.benmanes.caffeine..");
    /** Configuration is a value the host builds in code: reading the environment is the host's job. */
    static final ArchRule NO_ENVIRONMENT = noClasses()
            .should()
            .callMethod(System.class, "getenv")
            .orShould()
            .callMethod(System.class, "getenv", String.class)
            .because("hosts build ClerkConfig in code; the server and the Spring starter read the environment");

    private static JavaClasses clerk;

    @BeforeAll
    static void importClerk() {
        clerk = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.clerk");
    }

    @Test
    @DisplayName("uses the core's API only, never an @Internal type or constructor")
    void usesNoInternalsOfTheCore() {
        CoreInternals.NOT_USED.check(clerk);
    }

    @Test
    void dependsOnTheCoreJjwtAndItsJsonLibraryOnly() {
        DEPENDENCIES.check(clerk);
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
        NO_ENVIRONMENT.check(clerk);
    }

    @Test
    void aPlantedEnvironmentReadFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedEnvironmentRead.class);
        assertThatThrownBy(() -> NO_ENVIRONMENT.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedEnvironmentRead.class.getName() + ".issuer()")
                .hasMessageContaining(PlantedEnvironmentRead.class.getName() + ".everything()");
    }

    @Test
    void onlyTheVerifiersTheConfigAndThePublishableKeyArePublicAndFinal() {
        classes()
                .that()
                .arePublic()
                .and()
                .areTopLevelClasses()
                .should()
                .haveSimpleName("ClerkIdentityVerifier")
                .orShould()
                .haveSimpleName("ClerkConfig")
                .orShould()
                .haveSimpleName("ClerkWebhookVerifier")
                .orShould()
                .haveSimpleName("ClerkPublishableKey")
                .check(clerk);
        classes()
                .that()
                .areTopLevelClasses()
                .and()
                .areNotInterfaces()
                .and()
                .areNotRecords()
                .should()
                .haveModifier(JavaModifier.FINAL)
                .check(clerk);
    }
}
