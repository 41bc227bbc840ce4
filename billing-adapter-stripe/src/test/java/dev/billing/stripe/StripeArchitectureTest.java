package dev.billing.stripe;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.billing.testkit.arch.CoreInternals;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** DESIGN §1 for this module: vendor types never cross the port, and the adapter knows only the core. */
class StripeArchitectureTest {
    /**
     * Java, the core, stripe-java and its JSON library, Bucket4j (the client-side rate limit): no other module of
     * ours, no test code.
     */
    static final ArchRule DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "javax..",
                    "dev.billing.core..",
                    "dev.billing.stripe..",
                    "com.stripe..",
                    "com.google.gson..",
                    "io.github.bucket4j..");
    /** Configuration is a value the host builds in code: reading the environment is the host's job. */
    static final ArchRule NO_ENVIRONMENT = noClasses()
            .should()
            .callMethod(System.class, "getenv")
            .orShould()
            .callMethod(System.class, "getenv", String.class)
            .because("hosts build StripeConfig and the verifier's secrets in code; the server and the Spring starter "
                    + "read the environment");

    private static JavaClasses adapter;

    @BeforeAll
    static void importAdapter() {
        adapter = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.stripe");
    }

    @Test
    @DisplayName("uses the core's API only, never an @Internal type or constructor")
    void usesNoInternalsOfTheCore() {
        CoreInternals.NOT_USED.check(adapter);
    }

    @Test
    void theRulesSeeTheAdapter() {
        assertThat(adapter.stream().map(JavaClass::getSimpleName))
                .contains("StripePaymentGateway", "StripeWebhookVerifier", "StripeErrors", "StripeJson");
    }

    @Test
    void stripeAndGsonTypesNeverAppearInPublicSignatures() {
        classes().that().arePublic().should(exposeNoVendorType()).check(adapter);
    }

    @Test
    void dependsOnlyOnJavaTheCoreStripeJavaAndGson() {
        DEPENDENCIES.check(adapter);
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
        NO_ENVIRONMENT.check(adapter);
    }

    @Test
    void aPlantedEnvironmentReadFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedEnvironmentRead.class);
        assertThatThrownBy(() -> NO_ENVIRONMENT.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedEnvironmentRead.class.getName() + ".secretKey()")
                .hasMessageContaining(PlantedEnvironmentRead.class.getName() + ".everything()");
    }

    @Test
    void onlyTheEntryPointsArePublicAndTheyAreFinal() {
        classes()
                .that()
                .arePublic()
                .and()
                .areTopLevelClasses()
                .should()
                .haveSimpleNameStartingWith("Stripe")
                .andShould()
                .haveModifier(JavaModifier.FINAL)
                .check(adapter);
        assertThat(adapter.stream()
                        .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC) && c.isTopLevelClass())
                        .map(JavaClass::getSimpleName))
                .containsExactlyInAnyOrder(
                        "StripePaymentGateway",
                        "StripeWebhookVerifier",
                        "StripeConfig",
                        "StripeCatalogSync",
                        "StripeCatalogSpec");
    }

    @Test
    void helpersArePackagePrivateAndFinal() {
        classes()
                .that()
                .haveSimpleNameEndingWith("Errors")
                .or()
                .haveSimpleNameEndingWith("Objects")
                .or()
                .haveSimpleNameEndingWith("Json")
                .or()
                .haveSimpleNameEndingWith("Reader")
                .should()
                .notBePublic()
                .andShould()
                .haveModifier(JavaModifier.FINAL)
                .check(adapter);
    }

    /** The gateway's helpers too: whatever is not an entry point stays inside the package and is not extended. */
    @Test
    void everyOtherTopLevelClassIsPackagePrivateAndFinal() {
        assertThat(adapter.stream().map(JavaClass::getSimpleName))
                .contains("StripeCalls", "StripeCatalog", "StripeSubscriptions", "StripeMeterEvents");
        classes()
                .that()
                .areTopLevelClasses()
                .and()
                .doNotHaveSimpleName("StripePaymentGateway")
                .and()
                .doNotHaveSimpleName("StripeWebhookVerifier")
                .and()
                .doNotHaveSimpleName("StripeConfig")
                .and()
                .doNotHaveSimpleName("StripeCatalogSync")
                .and()
                .doNotHaveSimpleName("StripeCatalogSpec")
                .should()
                .notBePublic()
                .andShould()
                .haveModifier(JavaModifier.FINAL)
                .check(adapter);
    }

    private static final DescribedPredicate<JavaClass> VENDOR = DescribedPredicate.describe(
            "a vendor type",
            c -> c.getPackageName().startsWith("com.stripe")
                    || c.getPackageName().startsWith("com.google.gson"));

    /** No public or protected member of the class mentions a vendor type (parameters, returns, throws, generics). */
    private static ArchCondition<JavaClass> exposeNoVendorType() {
        return new ArchCondition<>("expose no com.stripe or com.google.gson type") {
            @Override
            public void check(JavaClass owner, ConditionEvents events) {
                List<String> violations = new ArrayList<>();
                if (owner.getRawSuperclass().map(VENDOR::test).orElse(false)) {
                    violations.add("extends " + owner.getRawSuperclass().get().getName());
                }
                owner.getRawInterfaces().stream()
                        .filter(VENDOR)
                        .forEach(i -> violations.add("implements " + i.getName()));
                for (JavaCodeUnit unit : owner.getCodeUnits()) {
                    if (!visible(unit.getModifiers())) {
                        continue;
                    }
                    List<JavaType> types = new ArrayList<>(unit.getParameterTypes());
                    types.add(unit.getReturnType());
                    for (JavaType type : types) {
                        type.getAllInvolvedRawTypes().stream()
                                .filter(VENDOR)
                                .forEach(v -> violations.add(unit.getFullName() + " mentions " + v.getName()));
                    }
                    unit.getThrowsClause().getTypes().stream()
                            .filter(VENDOR)
                            .forEach(v -> violations.add(unit.getFullName() + " throws " + v.getName()));
                }
                for (JavaField field : owner.getFields()) {
                    if (visible(field.getModifiers())) {
                        field.getType().getAllInvolvedRawTypes().stream()
                                .filter(VENDOR)
                                .forEach(v -> violations.add(field.getFullName() + " is a " + v.getName()));
                    }
                }
                violations.forEach(v -> events.add(SimpleConditionEvent.violated(owner, v)));
                if (violations.isEmpty()) {
                    events.add(SimpleConditionEvent.satisfied(owner, owner.getName() + " exposes no vendor type"));
                }
            }
        };
    }

    private static boolean visible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }
}
