package dev.billing.core;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.billing.core.gateway.PlantedReachUp;
import dev.billing.core.planted.PlantedFileRead;
import dev.billing.core.planted.PlantedJdbc;
import dev.billing.core.planted.PlantedSocket;
import dev.billing.core.planted.PlantedVendorType;
import dev.billing.core.port.PlantedAdapterInPort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §1 as an executable spec: the core is plain Java that does no I/O of its own, its ports are only ports,
 * and its layers point one way. The planted classes (test sources) prove each rule fails when broken.
 */
class CoreArchitectureTest {
    /** Value parsing of URLs (redirect checks), not network access. */
    private static final Set<String> PARSING_ONLY =
            Set.of("java.net.URI", "java.net.IDN", "java.net.URISyntaxException");

    private static final DescribedPredicate<JavaClass> PLAIN_JAVA = resideInAnyPackage(
                    "java.lang..",
                    "java.util..",
                    "java.time..",
                    "java.math..",
                    "java.nio.charset..",
                    "java.security..",
                    "dev.billing.core..")
            .or(DescribedPredicate.describe("URI parsing", c -> PARSING_ONLY.contains(c.getName())));

    static final ArchRule PURE_JAVA_WITHOUT_IO = classes()
            .should()
            .onlyDependOnClassesThat(PLAIN_JAVA)
            .because("the core does no file, network or JDBC work and knows no library (DESIGN §1)");
    static final ArchRule PORTS_ARE_ONLY_PORTS = classes()
            .that()
            .resideInAPackage("dev.billing.core.port..")
            .and()
            .areTopLevelClasses()
            .should()
            .beInterfaces()
            .orShould()
            .beRecords()
            .because("port holds the ports (and the BillingStores bundle of them), never an implementation");

    /** The markers ({@code @Internal}), which every layer may carry. */
    static final String ANNOTATIONS = "dev.billing.core.annotation..";

    static final int MAX_TYPES_PER_PACKAGE = 25;
    /**
     * The core's capabilities, each with the capabilities it may use, lowest first (the map in DESIGN §1): a new
     * arrow between capabilities is a design decision made here, never a side effect.
     */
    static final Map<String, List<String>> CAPABILITIES = capabilities();

    private static final String[] CAPABILITY_PACKAGES = CAPABILITIES.keySet().stream()
            .map(c -> "dev.billing.core." + c + "..")
            .toArray(String[]::new);

    private static Map<String, List<String>> capabilities() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        map.put("gateway", List.of());
        map.put("audit", List.of());
        map.put("catalog", List.of());
        map.put("entitlement", List.of());
        map.put("analytics", List.of());
        map.put("migration", List.of());
        map.put("retention", List.of());
        map.put("servicekey", List.of("audit"));
        map.put("notice", List.of("audit"));
        map.put("customer", List.of("audit", "gateway"));
        map.put("usage", List.of("entitlement", "gateway"));
        map.put("org", List.of("audit", "entitlement", "gateway"));
        map.put("subscription", List.of("audit", "customer", "entitlement", "gateway"));
        map.put("checkout", List.of("audit", "customer", "entitlement", "gateway", "subscription"));
        map.put("guest", List.of("audit", "checkout", "customer", "entitlement", "gateway"));
        map.put("payment", List.of("audit", "checkout", "customer", "gateway"));
        map.put("privacy", List.of("audit", "checkout", "entitlement", "gateway"));
        map.put("projection", List.of("audit", "checkout", "gateway", "guest", "notice"));
        map.put("webhook", List.of("audit", "catalog", "checkout", "guest", "notice", "org", "projection"));
        return map;
    }

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
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
        for (Class<?> planted :
                new Class<?>[] {PlantedFileRead.class, PlantedJdbc.class, PlantedSocket.class, PlantedVendorType.class
                }) {
            JavaClasses classes = new ClassFileImporter().importClasses(planted);
            assertThatThrownBy(() -> PURE_JAVA_WITHOUT_IO.check(classes))
                    .as(planted.getSimpleName())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining(planted.getName());
        }
    }

    @Test
    void aPlantedImplementationInPortFails() {
        JavaClasses classes = new ClassFileImporter().importClasses(PlantedAdapterInPort.class);
        assertThatThrownBy(() -> PORTS_ARE_ONLY_PORTS.check(classes))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedAdapterInPort.class.getName());
    }

    @Test
    void modelDependsOnNothingButJava() {
        classes()
                .that()
                .resideInAPackage("dev.billing.core.model..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.billing.core.model..", ANNOTATIONS)
                .check(core);
    }

    @Test
    void errorsDependOnNothingButJava() {
        classes()
                .that()
                .resideInAPackage("dev.billing.core.error..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.billing.core.error..", ANNOTATIONS)
                .check(core);
    }

    @Test
    void portsKnowOnlyTheModelAndTheErrors() {
        classes()
                .that()
                .resideInAPackage("dev.billing.core.port..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..",
                        "dev.billing.core.port..",
                        "dev.billing.core.model..",
                        "dev.billing.core.error..",
                        ANNOTATIONS)
                .check(core);
    }

    @Test
    void capabilitiesDoNotKnowTheFacade() {
        noClasses()
                .that()
                .resideInAnyPackage(CAPABILITY_PACKAGES)
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.billing.core")
                .check(core);
    }

    @Test
    @DisplayName("each capability uses only the capabilities below it (DESIGN §1, the core's map)")
    void capabilitiesUseOnlyTheOnesBelowThem() {
        for (Map.Entry<String, List<String>> capability : CAPABILITIES.entrySet()) {
            capabilityRule(capability.getKey()).check(core);
        }
    }

    @Test
    void aCapabilityReachingUpOrSidewaysFails() {
        JavaClasses classes = new ClassFileImporter().importClasses(PlantedReachUp.class);
        assertThatThrownBy(() -> capabilityRule("gateway").check(classes))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedReachUp.class.getName());
    }

    @Test
    void everyCorePackageIsAKnownLayerOrCapability() {
        Set<String> known = new TreeSet<>(CAPABILITIES.keySet());
        known.addAll(List.of("model", "port", "error", "config", "annotation"));
        Set<String> unknown = new TreeSet<>();
        for (JavaClass c : core) {
            String rest = c.getPackageName().equals("dev.billing.core")
                    ? null
                    : c.getPackageName().substring("dev.billing.core.".length()).split("\\.")[0];
            if (rest != null && !known.contains(rest)) {
                unknown.add(c.getPackageName());
            }
        }
        assertThat(unknown)
                .as("packages missing from CAPABILITIES (place them in the map)")
                .isEmpty();
    }

    @Test
    @DisplayName("no package of the core holds more than 25 top-level types")
    void noPackageHoldsMoreThanItsLimit() {
        Map<String, Integer> sizes = new TreeMap<>();
        for (JavaClass c : core) {
            if (c.isTopLevelClass()) {
                sizes.merge(c.getPackageName(), 1, Integer::sum);
            }
        }
        assertThat(sizes)
                .as("types per package")
                .isNotEmpty()
                .allSatisfy((pkg, size) -> assertThat(size).as(pkg).isLessThanOrEqualTo(MAX_TYPES_PER_PACKAGE));
    }

    @Test
    void corePackagesHaveNoCycles() {
        slices().matching("dev.billing.core.(*)..").should().beFreeOfCycles().check(core);
    }

    @Test
    void useCaseClassesAreFinal() {
        classes()
                .that()
                .resideInAnyPackage(CAPABILITY_PACKAGES)
                .and()
                .areNotInterfaces()
                .and()
                .areNotRecords()
                .and()
                .areNotEnums()
                .and()
                .areTopLevelClasses()
                .should()
                .haveModifier(JavaModifier.FINAL)
                .check(core);
    }

    /** Classes of {@code capability} depend only on the shared layers, themselves and the capabilities it names. */
    static ArchRule capabilityRule(String capability) {
        List<String> allowed = new ArrayList<>(List.of(
                "java..",
                "dev.billing.core.model..",
                "dev.billing.core.port..",
                "dev.billing.core.error..",
                "dev.billing.core.config..",
                ANNOTATIONS,
                "dev.billing.core." + capability + ".."));
        CAPABILITIES.get(capability).forEach(below -> allowed.add("dev.billing.core." + below + ".."));
        return classes()
                .that()
                .resideInAPackage("dev.billing.core." + capability + "..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(allowed.toArray(String[]::new))
                .as(capability + " uses only " + CAPABILITIES.get(capability) + " and the shared layers")
                .allowEmptyShould(true);
    }
}
