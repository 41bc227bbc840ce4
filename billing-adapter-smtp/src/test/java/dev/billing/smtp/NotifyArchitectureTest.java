package dev.billing.smtp;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

/** The SMTP adapter is a leaf: the core's notice model and port, Jakarta Mail, SLF4J; two public types. */
class NotifyArchitectureTest {
    private static JavaClasses notify;

    @BeforeAll
    static void importNotify() {
        notify = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.smtp");
    }

    @Test
    void dependsOnTheCoresModelAndPortsMailAndLoggingOnly() {
        classes().that().resideInAPackage("dev.billing.smtp..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.billing.core.model..",
                        "dev.billing.core.port..", "dev.billing.smtp..", "jakarta.mail..",
                        "org.eclipse.angus.mail..", "org.slf4j..", "javax.net..")
                .check(notify);
    }

    @Test
    void onlyTheNotifierAndItsConfigurationArePublic() {
        assertThat(notify.stream().filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC)).map(JavaClass::getName))
                .containsExactlyInAnyOrder(SmtpNotifier.class.getName(), SmtpConfig.class.getName(),
                        SmtpConfig.Loaded.class.getName(), SmtpConfig.Enabled.class.getName(),
                        SmtpConfig.Disabled.class.getName(), SmtpConfig.Invalid.class.getName());
    }

    @Test
    void theNotifierIsFinal() {
        classes().that().implement(dev.billing.core.port.Notifier.class)
                .should().haveModifier(JavaModifier.FINAL)
                .check(notify);
    }
}
