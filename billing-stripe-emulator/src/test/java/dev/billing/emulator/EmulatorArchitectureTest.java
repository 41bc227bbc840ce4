package dev.billing.emulator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.billing.emulator.planted.PlantedStripeJavaUse;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The emulator's structure, as rules the build checks. Its main code stays independent of
 * stripe-java and of everything but the JDK, Jackson and SnakeYAML, and is built in layers, each of
 * which uses only the layers below it:
 *
 * <ol>
 *   <li>values: the public records and enums of the top package ({@link EmulatorOptions},
 *       {@link Fault}, ...), which every layer may use and which use none;
 *   <li>{@code wire}: Stripe's wire format (JSON, form parameters, errors, the route contract);
 *   <li>{@code state}: the state and clock (objects, events, lists, the state file, ...);
 *   <li>{@code service}: what more than one resource needs (invoicing, card charges, ...);
 *   <li>{@code resource}: one class per Stripe resource family, none calling another;
 *   <li>{@code http}: routing, the control API, hosted pages, seeds, webhook delivery, the wiring;
 *   <li>the facade: {@link StripeEmulator}, {@link WebhookControls} and {@link Main}.
 * </ol>
 *
 * <p>Only the top package's documented API is public there; the internal packages have public
 * types because the layers above use them. Every new rule is proven by a planted violation in the
 * test sources ({@code planted} packages), so a rule that stops catching anything fails the build.
 */
class EmulatorArchitectureTest {
    private static final String TOP = "dev.billing.emulator";
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(TOP);
    /**
     * Main code with the violations planted in the layers' own packages ({@code state.planted},
     * {@code resource.planted}): a layer rule needs the real layers around the planted class.
     */
    private static final JavaClasses MAIN_AND_PLANTED_IN_LAYERS = new ClassFileImporter()
            .withImportOption(location -> ImportOption.Predefined.DO_NOT_INCLUDE_TESTS.includes(location)
                    || location.contains("/planted/") && !location.contains("/emulator/planted/"))
            .importPackages(TOP);

    /** The public records and enums callers build and read. */
    private static final Set<String> VALUES = Set.of(
            "EmulatorOptions",
            "Fault",
            "FaultKind",
            "RecordedRequest",
            "DeliveryAttempt",
            "EmittedEvent",
            "CheckoutCompletion");
    /** The public classes that run an emulator. */
    private static final Set<String> FACADE = Set.of("StripeEmulator", "WebhookControls", "Main");

    private static final Set<String> PUBLIC_API = union(VALUES, FACADE);
    private static final String RESOURCES = TOP + ".resource";
    /** About what one room of the code can hold and still be seen across at a glance. */
    static final int MAX_FILES_PER_PACKAGE = 25;

    /**
     * The JDK, Jackson and SnakeYAML only: the emulator runs inside the server's local mode and other
     * modules' tests, so whatever it pulls in lands on their classpaths too.
     */
    static final ArchRule ONLY_ALLOWED_DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "javax.crypto..",
                    "com.sun.net.httpserver..",
                    "com.fasterxml.jackson..",
                    "org.yaml.snakeyaml..",
                    "dev.billing.emulator..");

    /**
     * No class uses a layer above its own, and every class is in a layer. A lower layer that needs
     * something from above gets it handed down (the router implements {@code wire.Routes}; the state
     * publishes event batches to a sink the HTTP layer sets).
     */
    static final ArchRule LAYERS = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("Values")
            .definedBy(inTopPackage("the public records and enums", VALUES))
            .layer("Wire")
            .definedBy(TOP + ".wire..")
            .layer("State")
            .definedBy(TOP + ".state..")
            .layer("Services")
            .definedBy(TOP + ".service..")
            .layer("Resources")
            .definedBy(RESOURCES + "..")
            .layer("Http")
            .definedBy(TOP + ".http..")
            .layer("Facade")
            .definedBy(inTopPackage("the public classes that run an emulator", FACADE))
            .whereLayer("Values")
            .mayNotAccessAnyLayer()
            .whereLayer("Wire")
            .mayOnlyAccessLayers("Values")
            .whereLayer("State")
            .mayOnlyAccessLayers("Wire", "Values")
            .whereLayer("Services")
            .mayOnlyAccessLayers("State", "Wire", "Values")
            .whereLayer("Resources")
            .mayOnlyAccessLayers("Services", "State", "Wire", "Values")
            .whereLayer("Http")
            .mayOnlyAccessLayers("Resources", "Services", "State", "Wire", "Values")
            .whereLayer("Facade")
            .mayOnlyAccessLayers("Http", "Resources", "Services", "State", "Wire", "Values")
            .ensureAllClassesAreContainedInArchitecture();

    /**
     * Each resource class (with its nested classes) is a slice of its own, and no slice depends on
     * another: what two resources need is a shared service below them, never a call sideways.
     */
    static final ArchRule NO_SIDEWAYS_CALLS = slices().assignedFrom(new SliceAssignment() {
                @Override
                public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                    return javaClass.getPackageName().startsWith(RESOURCES)
                            ? SliceIdentifier.of(topLevelName(javaClass))
                            : SliceIdentifier.ignore();
                }

                @Override
                public String getDescription() {
                    return "each resource class";
                }
            })
            .should()
            .notDependOnEachOther();

    @Test
    void mainCodeDoesNotDependOnStripeJava() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.stripe..")
                .check(MAIN);
    }

    @Test
    void mainCodeDependsOnlyOnTheJdkJacksonAndSnakeYaml() {
        ONLY_ALLOWED_DEPENDENCIES.check(MAIN);
    }

    @Test
    void theDependencyRuleRejectsAPlantedStripeJavaUse() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedStripeJavaUse.class);
        assertThatThrownBy(() -> ONLY_ALLOWED_DEPENDENCIES.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("com.stripe.model.Customer");
    }

    @Test
    void layersOnlyUseTheLayersBelowThem() {
        LAYERS.check(MAIN);
    }

    @Test
    void theLayerRuleRejectsAPlantedImportFromALayerAbove() {
        assertThatThrownBy(() -> LAYERS.check(MAIN_AND_PLANTED_IN_LAYERS))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("PlantedUpwardImport")
                .hasMessageContaining("dev.billing.emulator.service.Products");
    }

    @Test
    void resourcesNeverCallEachOther() {
        NO_SIDEWAYS_CALLS.check(MAIN);
    }

    @Test
    void theSidewaysRuleRejectsAPlantedCallToASiblingResource() {
        assertThatThrownBy(() -> NO_SIDEWAYS_CALLS.check(MAIN_AND_PLANTED_IN_LAYERS))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("PlantedSidewaysCall")
                .hasMessageContaining("dev.billing.emulator.resource.Customers");
    }

    @Test
    void noPackageHoldsMoreThanItsShareOfFiles() {
        packagesHoldAtMost(MAX_FILES_PER_PACKAGE).check(MAIN);
    }

    @Test
    void theSizeRuleRejectsAPackageOverItsLimit() {
        // Each layer's package holds more than 5 files, so at that limit the rule must name one.
        assertThatThrownBy(() -> packagesHoldAtMost(5).check(MAIN))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("dev.billing.emulator.service holds");
    }

    @Test
    void onlyTheDocumentedApiIsPublic() {
        classes()
                .that()
                .resideInAPackage(TOP)
                .and()
                .areTopLevelClasses()
                .and()
                .arePublic()
                .should(new ArchCondition<JavaClass>("be part of the documented public API") {
                    @Override
                    public void check(JavaClass item, ConditionEvents events) {
                        if (!PUBLIC_API.contains(item.getSimpleName())) {
                            events.add(SimpleConditionEvent.violated(
                                    item, item.getName() + " is public but not part of the documented API"));
                        }
                    }
                })
                .check(MAIN);
    }

    /** Public or not, a class is final: the emulator's classes are not extension points. */
    @Test
    void classesAreFinal() {
        classes()
                .that()
                .areTopLevelClasses()
                .and()
                .areNotInterfaces()
                .and()
                .areNotEnums()
                .and()
                .areNotRecords()
                .should()
                .haveModifier(JavaModifier.FINAL)
                .check(MAIN);
    }

    @Test
    void nothingCallsInstantNowOutsideTheClock() {
        noClasses()
                .that()
                .doNotHaveSimpleName("EmulatorClock")
                .should()
                .callMethod(java.time.Instant.class, "now")
                .check(MAIN);
    }

    /** Counts the top-level classes (one a file) of each package and names every package over the limit. */
    static ArchRule packagesHoldAtMost(int files) {
        return classes()
                .that()
                .areTopLevelClasses()
                .should(new ArchCondition<JavaClass>("be in a package of at most " + files + " files") {
                    private final Map<String, Integer> perPackage = new TreeMap<>();

                    @Override
                    public void init(Collection<JavaClass> all) {
                        perPackage.clear();
                        all.forEach(c -> perPackage.merge(c.getPackageName(), 1, Integer::sum));
                    }

                    @Override
                    public void check(JavaClass item, ConditionEvents events) {
                        // Counted in init; judged per package in finish.
                    }

                    @Override
                    public void finish(ConditionEvents events) {
                        perPackage.forEach((name, count) -> {
                            if (count > files) {
                                events.add(SimpleConditionEvent.violated(
                                        name, name + " holds " + count + " files, more than " + files));
                            }
                        });
                    }
                });
    }

    private static DescribedPredicate<JavaClass> inTopPackage(String description, Set<String> names) {
        return DescribedPredicate.describe(
                description, c -> c.getPackageName().equals(TOP) && names.contains(topLevelName(c)));
    }

    /** The simple name of a class's outermost class ({@code Main} for {@code Main$UsageException}). */
    private static String topLevelName(JavaClass javaClass) {
        String inPackage =
                javaClass.getName().substring(javaClass.getPackageName().length() + 1);
        int nested = inPackage.indexOf('$');
        return nested < 0 ? inPackage : inPackage.substring(0, nested);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
