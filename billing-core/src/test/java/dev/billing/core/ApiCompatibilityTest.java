package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.annotation.Internal;
import japicmp.cmp.JApiCmpArchive;
import japicmp.cmp.JarArchiveComparator;
import japicmp.cmp.JarArchiveComparatorOptions;
import japicmp.filter.AnnotationBehaviorFilter;
import japicmp.filter.AnnotationClassFilter;
import japicmp.model.AccessModifier;
import japicmp.model.JApiBehavior;
import japicmp.model.JApiClass;
import japicmp.model.JApiCompatibilityChange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javassist.ClassPool;
import javassist.CtClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public API check (docs/RELEASING.md, "Compatibility"): japicmp compares the core's public types and members with
 * a baseline, and every binary- or source-incompatible change is named. Until a release exists to compare with, the
 * check is shown here to catch a planted break: the core as built, against itself with one public method removed.
 * Once 0.1.0 is out, {@code -Dbilling.api.baseline=0.1.0} runs the same comparison in the build (the japicmp plugin in the
 * parent POM's api-check profile, for every published module).
 */
class ApiCompatibilityTest {
    private static final Path CLASSES =
            Path.of(System.getProperty("basedir", ".")).resolve("target/classes");

    @TempDir
    Path dir;

    /** Each incompatible change, one line: the class, the member when there is one, and what changed. */
    static List<String> breaks(Path baseline, Path candidate) {
        JarArchiveComparatorOptions options = new JarArchiveComparatorOptions();
        options.setAccessModifier(AccessModifier.PUBLIC);
        options.getIgnoreMissingClasses().setIgnoreAllMissingClasses(true);
        // As the plugin's <exclude>@dev.billing.core.annotation.Internal</exclude>: internals may change freely.
        String internal = "@" + Internal.class.getName();
        options.getFilters().getExcludes().add(new AnnotationClassFilter(internal));
        options.getFilters().getExcludes().add(new AnnotationBehaviorFilter(internal));
        List<JApiClass> classes = new JarArchiveComparator(options)
                .compare(
                        new JApiCmpArchive(baseline.toFile(), "baseline"),
                        new JApiCmpArchive(candidate.toFile(), "candidate"));
        List<String> found = new ArrayList<>();
        for (JApiClass type : classes) {
            for (JApiCompatibilityChange change : type.getCompatibilityChanges()) {
                if (!change.isBinaryCompatible() || !change.isSourceCompatible()) {
                    found.add(type.getFullyQualifiedName() + ": " + change.getType());
                }
            }
            List<JApiBehavior> behaviors = new ArrayList<>(type.getMethods());
            behaviors.addAll(type.getConstructors());
            for (JApiBehavior behavior : behaviors) {
                for (JApiCompatibilityChange change : behavior.getCompatibilityChanges()) {
                    if (!change.isBinaryCompatible() || !change.isSourceCompatible()) {
                        found.add(type.getFullyQualifiedName() + "." + behavior.getName() + "("
                                + behavior.getParameters().stream()
                                        .map(p -> p.getType())
                                        .collect(Collectors.joining(", "))
                                + "): " + change.getType());
                    }
                }
            }
        }
        return found;
    }

    @Test
    void anUnchangedApiHasNoBreak() throws Exception {
        Path core = jar(dir.resolve("core.jar"), Map.of());
        assertThat(breaks(core, core)).isEmpty();
    }

    @Test
    void aRemovedPublicMethodIsNamed() throws Exception {
        Path baseline = jar(dir.resolve("baseline.jar"), Map.of());
        ClassPool pool = new ClassPool(true);
        pool.appendClassPath(CLASSES.toString());
        CtClass billing = pool.get(Billing.class.getName());
        billing.removeMethod(billing.getDeclaredMethod("pruneExpired"));
        Path planted = jar(dir.resolve("planted.jar"), Map.of("dev/billing/core/Billing.class", billing.toBytecode()));

        assertThat(breaks(baseline, planted))
                .containsExactly("dev.billing.core.Billing.pruneExpired(): METHOD_REMOVED");
        assertThat(breaks(planted, baseline))
                .as("adding a method breaks nothing")
                .isEmpty();
    }

    @Test
    void changesToInternalsAreNoBreak() throws Exception {
        Path baseline = jar(dir.resolve("baseline.jar"), Map.of());
        ClassPool pool = new ClassPool(true);
        pool.appendClassPath(CLASSES.toString());
        CtClass keys = pool.get(dev.billing.core.gateway.IdempotencyKeys.class.getName());
        for (var method : keys.getDeclaredMethods()) {
            keys.removeMethod(method);
        }
        CtClass cancel = pool.get(dev.billing.core.subscription.CancelSubscription.class.getName());
        for (var constructor : cancel.getDeclaredConstructors()) {
            cancel.removeConstructor(constructor);
        }
        Path planted = jar(
                dir.resolve("planted.jar"),
                Map.of(
                        "dev/billing/core/gateway/IdempotencyKeys.class", keys.toBytecode(),
                        "dev/billing/core/subscription/CancelSubscription.class", cancel.toBytecode()));

        assertThat(breaks(baseline, planted))
                .as("an @Internal type's methods and a use case's @Internal constructor")
                .isEmpty();
    }

    /** The built classes as a jar, with some class files replaced. */
    private static Path jar(Path target, Map<String, byte[]> replaced) throws IOException {
        assertThat(CLASSES.resolve("dev/billing/core/Billing.class"))
                .as("the core's compiled classes (run the tests through Maven)")
                .isRegularFile();
        try (OutputStream out = Files.newOutputStream(target);
                JarOutputStream jar = new JarOutputStream(out);
                Stream<Path> files = Files.walk(CLASSES)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = CLASSES.relativize(file).toString().replace('\\', '/');
                jar.putNextEntry(new JarEntry(name));
                jar.write(replaced.containsKey(name) ? replaced.get(name) : Files.readAllBytes(file));
                jar.closeEntry();
            }
        }
        return target;
    }
}
