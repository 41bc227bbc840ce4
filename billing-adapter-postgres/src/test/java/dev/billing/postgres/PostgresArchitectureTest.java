package dev.billing.postgres;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.billing.testkit.arch.CoreInternals;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** DESIGN §1 for this adapter: what it may use, and that no JDBI/JDBC type leaks through its public API. */
class PostgresArchitectureTest {
    /** The core, JDBI, HikariCP, Flyway, the driver: no other module of ours, no test code. */
    static final ArchRule DEPENDENCIES = classes()
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "dev.billing.postgres..",
                    "dev.billing.core..",
                    "org.jdbi.v3..",
                    "com.zaxxer.hikari..",
                    "org.flywaydb..",
                    "org.postgresql..",
                    "com.fasterxml.jackson..",
                    "java..",
                    "javax.sql..");
    /** Configuration is a value the host builds in code: reading the environment is the host's job. */
    static final ArchRule NO_ENVIRONMENT = noClasses()
            .should()
            .callMethod(System.class, "getenv")
            .orShould()
            .callMethod(System.class, "getenv", String.class)
            .because("hosts build PostgresConfig in code; the server and the Spring starter read the environment");

    private static final List<String> VENDOR_PACKAGES =
            List.of("org.jdbi", "java.sql", "javax.sql", "com.zaxxer.hikari", "org.flywaydb", "org.postgresql");
    private static JavaClasses adapter;

    @BeforeAll
    static void importAdapter() {
        adapter = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.postgres");
    }

    @Test
    @DisplayName("uses the core's API only, never an @Internal type or constructor")
    void usesNoInternalsOfTheCore() {
        CoreInternals.NOT_USED.check(adapter);
    }

    @Test
    void dependsOnlyOnCoreJdbiHikariFlywayTheDriverSlf4jJacksonAndJava() {
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
                .hasMessageContaining(PlantedEnvironmentRead.class.getName() + ".databaseUrl()")
                .hasMessageContaining(PlantedEnvironmentRead.class.getName() + ".everything()");
    }

    @Test
    void onlyTheEntryPointAndItsConfigArePublic() {
        classes()
                .that()
                .arePublic()
                .and()
                .areTopLevelClasses()
                .should()
                .haveSimpleName("PostgresBillingStores")
                .orShould()
                .haveSimpleName("PostgresConfig")
                .andShould()
                .haveModifier(JavaModifier.FINAL)
                .check(adapter);
        classes()
                .that()
                .haveSimpleNameStartingWith("Jdbi")
                .should()
                .notBePublic()
                .andShould()
                .haveModifier(JavaModifier.FINAL)
                .check(adapter);
    }

    @Test
    void noVendorTypeInAPublicSignatureButTheDataSourceEntryPoints() {
        methods()
                .that()
                .arePublic()
                .and()
                .areDeclaredInClassesThat()
                .arePublic()
                .and(DescribedPredicate.not(dataSourceEntryPoints()))
                .should(notMentionVendorTypes())
                .check(adapter);
    }

    /** {@code PostgresBillingStores.create(DataSource...)} and {@code migrate(DataSource...)}: embedding needs them. */
    private static DescribedPredicate<JavaMethod> dataSourceEntryPoints() {
        return DescribedPredicate.describe(
                "PostgresBillingStores.create/migrate(DataSource, ...)",
                m -> m.getOwner().isEquivalentTo(PostgresBillingStores.class)
                        && (m.getName().equals("create") || m.getName().equals("migrate"))
                        && m.getRawParameterTypes().get(0).getName().equals("javax.sql.DataSource"));
    }

    private static ArchCondition<JavaMethod> notMentionVendorTypes() {
        return new ArchCondition<>("mention no JDBI, JDBC, HikariCP, Flyway or driver type") {
            @Override
            public void check(JavaMethod method, ConditionEvents events) {
                Stream.concat(Stream.of(method.getRawReturnType()), method.getRawParameterTypes().stream())
                        .map(JavaClass::getName)
                        .filter(name -> VENDOR_PACKAGES.stream().anyMatch(p -> name.startsWith(p + ".")))
                        .forEach(name -> events.add(
                                SimpleConditionEvent.violated(method, method.getFullName() + " exposes " + name)));
            }
        };
    }
}
