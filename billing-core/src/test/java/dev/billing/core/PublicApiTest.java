package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.billing.core.annotation.Internal;
import dev.billing.core.planted.PlantedInternalLeak;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The line between the core's API and its internals (DESIGN, "Public API"): an {@link Internal} type is never part of
 * an API type's public signatures, so a host can reach internals only by naming them, which the marker and the
 * Javadoc tell it not to do.
 */
class PublicApiTest {
    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.billing.core");
    }

    /** Each public member of a public, non-internal type that takes, returns or holds an internal type. */
    static List<String> internalsHandedOut(JavaClasses classes) {
        List<String> found = new ArrayList<>();
        for (JavaClass type : classes) {
            if (!visible(type) || isInternal(type)) {
                continue;
            }
            for (JavaCodeUnit unit : type.getCodeUnits()) {
                if (!exposed(unit.getModifiers()) || unit.isAnnotatedWith(Internal.class)) {
                    continue;
                }
                Set<JavaClass> involved =
                        new java.util.LinkedHashSet<>(unit.getReturnType().getAllInvolvedRawTypes());
                unit.getParameterTypes().forEach(p -> involved.addAll(p.getAllInvolvedRawTypes()));
                involved.stream()
                        .filter(PublicApiTest::isInternal)
                        .forEach(t -> found.add(unit.getFullName() + " exposes " + t.getName()));
            }
            for (JavaField field : type.getFields()) {
                if (exposed(field.getModifiers())) {
                    field.getType().getAllInvolvedRawTypes().stream()
                            .filter(PublicApiTest::isInternal)
                            .forEach(t -> found.add(field.getFullName() + " exposes " + t.getName()));
                }
            }
        }
        return found;
    }

    private static boolean visible(JavaClass type) {
        for (JavaClass c = type; c != null; c = c.getEnclosingClass().orElse(null)) {
            if (!c.getModifiers().contains(JavaModifier.PUBLIC)) {
                return false;
            }
        }
        return true;
    }

    private static boolean exposed(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static boolean isInternal(JavaClass type) {
        JavaClass top = type;
        while (top.getEnclosingClass().isPresent()) {
            top = top.getEnclosingClass().get();
        }
        return top.isAnnotatedWith(Internal.class);
    }

    @Test
    @DisplayName("no public member of an API type takes, returns or holds an @Internal type")
    void theApiHandsOutNoInternals() {
        assertThat(internalsHandedOut(core)).isEmpty();
    }

    @Test
    void aPlantedLeakIsNamed() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedInternalLeak.class);
        assertThat(internalsHandedOut(planted))
                .singleElement()
                .asString()
                .contains("PlantedInternalLeak.keys()")
                .contains("IdempotencyKeys");
    }

    @Test
    @DisplayName("internals are few and named: each @Internal type is listed in DESIGN")
    void theInternalTypesAreThoseDesignLists() throws Exception {
        Set<String> internal = new TreeSet<>();
        for (JavaClass type : core) {
            if (type.isTopLevelClass() && type.isAnnotatedWith(Internal.class)) {
                internal.add(type.getSimpleName());
            }
        }
        String design = java.nio.file.Files.readString(
                java.nio.file.Path.of(System.getProperty("basedir", ".")).resolve("../docs/DESIGN.md"));
        assertThat(internal).isNotEmpty().allSatisfy(name -> assertThat(design).contains("`" + name + "`"));
    }
}
