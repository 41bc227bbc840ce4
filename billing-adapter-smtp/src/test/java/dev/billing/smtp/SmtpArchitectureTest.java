package dev.billing.smtp;

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
import dev.billing.testkit.arch.CoreInternals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The SMTP adapter is a leaf: the core's notice model and port, Jakarta Mail; two public types. */
class SmtpArchitectureTest {
    /** The core's model and ports, Jakarta Mail and Angus: no other module of ours, no logging library. */
    static final ArchRule DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "dev.billing.core.model..",
                    "dev.billing.core.port..",
                    "dev.billing.smtp..",
                    "jakarta.mail..",
                    "org.eclipse.angus.mail..",
                    "javax.net..");
    /** Configuration is a value the host builds in code: reading the environment is the host's job. */
    static final ArchRule NO_ENVIRONMENT = noClasses()
            .should()
            .callMethod(System.class, "getenv")
            .orShould()
            .callMethod(System.class, "getenv", String.class)
            .because("hosts build SmtpConfig in code; the server reads the environment");

    private static JavaClasses notify;

    @BeforeAll
    static void importNotify() {
        notify = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.smtp");
    }

    @Test
    @DisplayName("uses the core's API only, never an @Internal type or constructor")
    void usesNoInternalsOfTheCore() {
        CoreInternals.NOT_USED.check(notify);
    }

    @Test
    void dependsOnTheCoresModelAndPortsAndMailOnly() {
        DEPENDENCIES.check(notify);
    }

    @Test
    void aPlantedForbiddenDependencyFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedLoggingBackend.class);
        assertThatThrownBy(() -> DEPENDENCIES.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedLoggingBackend.class.getName());
    }

    @Test
    void readsNoEnvironmentVariable() {
        NO_ENVIRONMENT.check(notify);
    }

    @Test
    void aPlantedEnvironmentReadFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedEnvironmentRead.class);
        assertThatThrownBy(() -> NO_ENVIRONMENT.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedEnvironmentRead.class.getName() + ".host()")
                .hasMessageContaining(PlantedEnvironmentRead.class.getName() + ".everything()");
    }

    @Test
    void onlyTheNotifierTheMailAndTheConfigurationArePublic() {
        assertThat(notify.stream()
                        .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))
                        .map(JavaClass::getName))
                .containsExactlyInAnyOrder(
                        SmtpNotifier.class.getName(),
                        NoticeMail.class.getName(),
                        SmtpConfig.class.getName(),
                        SmtpConfig.Builder.class.getName(),
                        SmtpConfig.SettingNames.class.getName());
    }

    @Test
    void theNotifierIsFinal() {
        classes()
                .that()
                .implement(dev.billing.core.port.Notifier.class)
                .should()
                .haveModifier(JavaModifier.FINAL)
                .check(notify);
    }
}
