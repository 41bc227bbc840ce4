package dev.billing.core;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.billing.core.port.PlantedAdapterInPort;
import dev.billing.core.usecase.PlantedFileRead;
import dev.billing.core.usecase.PlantedJdbc;
import dev.billing.core.usecase.PlantedSocket;
import dev.billing.core.usecase.PlantedVendorType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DESIGN §1 as an executable spec: the core is plain Java that does no I/O of its own, its ports are only ports,
 * and its layers point one way. The planted classes (test sources) prove each rule fails when broken.
 */
class CoreArchitectureTest {
    /** Value parsing of URLs (redirect checks), not network access. */
    private static final Set<String> PARSING_ONLY = Set.of("java.net.URI", "java.net.IDN",
            "java.net.URISyntaxException");
    private static final DescribedPredicate<JavaClass> PLAIN_JAVA = resideInAnyPackage("java.lang..", "java.util..",
            "java.time..", "java.math..", "java.nio.charset..", "java.security..", "dev.billing.core..")
            .or(DescribedPredicate.describe("URI parsing", c -> PARSING_ONLY.contains(c.getName())));

    static final ArchRule PURE_JAVA_WITHOUT_IO = classes().should().onlyDependOnClassesThat(PLAIN_JAVA)
            .because("the core does no file, network or JDBC work and knows no library (DESIGN §1)");
    static final ArchRule PORTS_ARE_ONLY_PORTS = classes().that().resideInAPackage("dev.billing.core.port..")
            .and().areTopLevelClasses()
            .should().beInterfaces().orShould().beRecords()
            .because("port holds the ports (and the BillingStores bundle of them), never an implementation");

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.core");
    }

    @Test
    @DisplayName("core uses plain Java only: no files, sockets, JDBC or libraries")
    void coreIsPlainJavaWithoutIo() {
        PURE_JAVA_WITHOUT_IO.check(core);
    }

    @Test
    void portHoldsOnlyPorts() {
        PORTS_ARE_ONLY_PORTS.check(core);
    }

    @Test
    @DisplayName("a planted file read, JDBC call, socket or library type breaks the rule")
    void plantedIoOrLibraryUseFails() {
        for (Class<?> planted : new Class<?>[] {PlantedFileRead.class, PlantedJdbc.class, PlantedSocket.class,
                PlantedVendorType.class}) {
            JavaClasses classes = new ClassFileImporter().importClasses(planted);
            assertThatThrownBy(() -> PURE_JAVA_WITHOUT_IO.check(classes)).as(planted.getSimpleName())
                    .isInstanceOf(AssertionError.class).hasMessageContaining(planted.getName());
        }
    }

    @Test
    void aPlantedImplementationInPortFails() {
        JavaClasses classes = new ClassFileImporter().importClasses(PlantedAdapterInPort.class);
        assertThatThrownBy(() -> PORTS_ARE_ONLY_PORTS.check(classes)).isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedAdapterInPort.class.getName());
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
    void portsKnowNoUseCaseAndNoFacade() {
        noClasses().that().resideInAPackage("dev.billing.core.port..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.billing.core.usecase..",
                        "dev.billing.core.config..")
                .orShould().dependOnClassesThat().resideInAPackage("dev.billing.core")
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
                .should().haveModifier(JavaModifier.FINAL)
                .check(core);
    }
}
