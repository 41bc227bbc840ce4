package dev.billing.testkit.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The rule every module other than the core checks in its architecture test: it uses the core's API, never a type or
 * a constructor marked {@code @dev.billing.core.annotation.Internal} (DESIGN, "Public API"). Billing's own modules are
 * held to what a host may use, so the API is proven sufficient by the code that needs it most.
 *
 * <p>Usage: {@code CoreInternals.NOT_USED.check(new ClassFileImporter().importPackages("dev.billing.http"))}
 */
public final class CoreInternals {
    static final String INTERNAL = "dev.billing.core.annotation.Internal";

    public static final ArchRule NOT_USED = noClasses()
            .should()
            .dependOnClassesThat()
            .areAnnotatedWith(INTERNAL)
            .orShould()
            .callCodeUnitWhere(DescribedPredicate.describe(
                    "an @Internal constructor or method of the core",
                    (JavaCall<?> call) -> call.getTarget()
                            .resolveMember()
                            .map(member -> member.isAnnotatedWith(INTERNAL))
                            .orElse(false)))
            .because("the core's internals may change in any release (DESIGN, \"Public API\")")
            .allowEmptyShould(true);

    private CoreInternals() {}
}
