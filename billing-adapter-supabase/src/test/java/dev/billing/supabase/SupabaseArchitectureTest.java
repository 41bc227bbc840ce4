package dev.billing.supabase;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** DESIGN §1 for this adapter: core, Jackson and the JDK (java.net.http) only; no testkit, no other adapter. */
class SupabaseArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMain() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.supabase");
    }

    @Test
    void dependsOnlyOnCoreJacksonAndTheJdk() {
        classes().should().onlyDependOnClassesThat()
                .resideInAnyPackage("dev.billing.supabase..", "dev.billing.core..", "com.fasterxml.jackson..", "java..")
                .check(main);
    }

    @Test
    void knowsNoTestkitNoOtherAdapterAndNoServer() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.billing.testkit..", "dev.billing.postgres..",
                "dev.billing.stripe..", "dev.billing.http..", "org.junit..", "org.assertj..").check(main);
    }

    @Test
    void onlyTheEntryPointsArePublic() {
        classes().that().arePublic().and().areTopLevelClasses().should()
                .haveSimpleNameStartingWith("Supabase").check(main);
        classes().that().haveSimpleNameNotStartingWith("Supabase").and().areTopLevelClasses().should()
                .notBePublic().andShould().haveModifier(JavaModifier.FINAL).check(main);
    }
}
