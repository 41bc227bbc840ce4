package dev.billing.http;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.billing.http.wire.PersonalDataResponses;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.Responses;
import dev.billing.testkit.arch.CoreInternals;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** DESIGN §1 for billing-http: the API knows the core and its web libraries only. */
class HttpArchitectureTest {
    /** The core and libraries made for HTTP work; no adapter, server, logging backend or CLI library. */
    static final ArchRule DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "dev.billing.core..",
                    "dev.billing.http..",
                    "io.javalin..",
                    "org.eclipse.jetty..",
                    "jakarta.servlet..",
                    "com.fasterxml.jackson..",
                    "io.micrometer..",
                    "io.github.bucket4j..",
                    "com.github.benmanes.caffeine..",
                    "org.slf4j..",
                    "io.opentelemetry.api..",
                    "io.opentelemetry.context..",
                    "kotlin..");
    /**
     * Javalin and Jetty are optional: only the Javalin binding (with the webhook routes it serves on Jetty itself) may
     * touch them, the rest serves any framework.
     */
    static final ArchRule SERVER_NEUTRAL = noClasses()
            .that()
            .haveNameNotMatching(
                    "dev\\.billing\\.http\\.(HttpApi|JavalinExchange|JsonErrorHandler|DirectRoutes|JettyExchange|RequestThreads)(\\$.*)?")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.javalin..", "org.eclipse.jetty..");

    /**
     * Library modules log through {@code System.Logger} (DESIGN); SLF4J only in the request log a host opts into for
     * its MDC and key-value access line.
     */
    static final ArchRule ONE_LOGGING_FACADE = noClasses()
            .that()
            .doNotHaveFullyQualifiedName("dev.billing.http.log.Slf4jRequestLog")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.slf4j..");

    private static JavaClasses http;

    @BeforeAll
    static void importHttp() {
        http = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.http");
    }

    @Test
    @DisplayName("uses the core's API only, never an @Internal type or constructor")
    void usesNoInternalsOfTheCore() {
        CoreInternals.NOT_USED.check(http);
    }

    @Test
    @DisplayName("the API depends on the core and its web libraries only")
    void apiDependsOnCoreOnly() {
        DEPENDENCIES.check(http);
    }

    @Test
    @DisplayName("a planted use of an adapter breaks the rule")
    void aPlantedForbiddenDependencyFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedAdapterUse.class);
        assertThatThrownBy(() -> DEPENDENCIES.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedAdapterUse.class.getName());
    }

    @Test
    @DisplayName("only the Javalin binding knows Javalin and Jetty")
    void onlyTheJavalinBindingKnowsJavalin() {
        SERVER_NEUTRAL.check(http);
    }

    @Test
    @DisplayName("a planted use of Javalin outside the binding breaks the rule")
    void aPlantedJavalinUseFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedJavalinUse.class);
        assertThatThrownBy(() -> SERVER_NEUTRAL.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedJavalinUse.class.getName());
    }

    @Test
    @DisplayName("only the SLF4J request log uses SLF4J; everything else logs through System.Logger")
    void oneLoggingFacade() {
        ONE_LOGGING_FACADE.check(http);
    }

    @Test
    @DisplayName("a planted SLF4J logger breaks the rule")
    void aPlantedSlf4jLoggerFails() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedSlf4jUse.class);
        assertThatThrownBy(() -> ONE_LOGGING_FACADE.check(planted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(PlantedSlf4jUse.class.getName());
    }

    @Test
    void routeHandlersAreInstanceMethods() {
        methods()
                .that()
                .areDeclaredInClassesThat()
                .haveSimpleNameEndingWith("Handlers")
                .and()
                .areDeclaredInClassesThat()
                .resideInAPackage("dev.billing.http")
                .and()
                .doNotHaveModifier(JavaModifier.SYNTHETIC)
                .should()
                .notBeStatic()
                .orShould()
                .bePrivate()
                .check(http);
    }

    @Test
    @DisplayName("domain records never go on the wire: body records hold only plain values and other body records")
    void bodiesHoldNoDomainTypes() {
        List<String> offenders = new ArrayList<>();
        for (Class<?> holder : List.of(Requests.class, Responses.class, PersonalDataResponses.class)) {
            for (Class<?> body : holder.getDeclaredClasses()) {
                if (!body.isRecord()) {
                    continue;
                }
                for (RecordComponent component : body.getRecordComponents()) {
                    collectDomainTypes(
                            component.getGenericType(), body.getSimpleName() + "." + component.getName(), offenders);
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    private static void collectDomainTypes(Type type, String where, List<String> offenders) {
        if (type instanceof ParameterizedType p) {
            for (Type argument : p.getActualTypeArguments()) {
                collectDomainTypes(argument, where, offenders);
            }
            collectDomainTypes(p.getRawType(), where, offenders);
        } else if (type instanceof Class<?> c && c.getName().startsWith("dev.billing.core.")) {
            offenders.add(where + " is " + c.getName());
        }
    }
}
