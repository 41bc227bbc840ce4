package dev.billing.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** DESIGN §1 as an executable spec: the core is pure Java and its layers point one way. */
class CoreArchitectureTest {
    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.core");
    }

    @Test
    @DisplayName("core imports only java.. and itself")
    void coreDependsOnJavaOnly() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.billing.core..")
                .check(core);
    }

    @Test
    void modelDependsOnNothingButJava() {
        classes().that().resideInAPackage("dev.billing.core.model..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.billing.core.model..")
                .check(core);
    }

    @Test
    void errorsDependOnNothingButJava() {
        classes().that().resideInAPackage("dev.billing.core.error..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.billing.core.error..")
                .check(core);
    }

    @Test
    void portsKnowNoUseCase() {
        noClasses().that().resideInAPackage("dev.billing.core.port..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.billing.core.usecase..")
                .check(core);
    }

    @Test
    void useCasesDoNotKnowTheFacade() {
        noClasses().that().resideInAPackage("dev.billing.core.usecase..")
                .should().dependOnClassesThat().resideInAPackage("dev.billing.core")
                .check(core);
    }

    @Test
    void corePackagesHaveNoCycles() {
        slices().matching("dev.billing.core.(*)..").should().beFreeOfCycles().check(core);
    }

    @Test
    void useCaseClassesAreFinal() {
        classes().that().resideInAPackage("dev.billing.core.usecase..").and().areNotInterfaces()
                .and().areNotRecords().and().areNotEnums().and().areTopLevelClasses()
                .should().haveModifier(com.tngtech.archunit.core.domain.JavaModifier.FINAL)
                .check(core);
    }
}
