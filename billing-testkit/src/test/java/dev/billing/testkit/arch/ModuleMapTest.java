package dev.billing.testkit.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * DESIGN §1's module map as one rule over the whole repository, read from every module's {@code pom.xml}: each
 * module sits on a floor and may depend only on the modules the map lists for it, all on lower floors, so no arrow
 * runs back up; tests may add the testkit and the emulator. The per-module ArchUnit tests check what each module's
 * classes use; this one checks the arrows between modules, which no single module's test can see.
 */
class ModuleMapTest {
    /** What every module may use outside its tests, on floors from the ground up. */
    static final Map<String, Module> MAP = map();
    /** What any module's tests may use besides its own dependencies. */
    static final Set<String> TEST_SUPPORT = Set.of("billing-testkit", "billing-stripe-emulator");
    /** Documented exceptions for tests: the HTTP module's tests verify real Clerk tokens. */
    static final Map<String, Set<String>> TEST_EXTRAS = Map.of("billing-http", Set.of("billing-adapter-clerk"));

    record Module(int floor, Set<String> uses) {}

    private static Map<String, Module> map() {
        Map<String, Module> map = new LinkedHashMap<>();
        Set<String> core = Set.of("billing-core");
        map.put("billing-core", new Module(0, Set.of()));
        map.put("billing-stripe-emulator", new Module(0, Set.of()));
        map.put("billing-embedded-postgres", new Module(0, Set.of()));
        for (String library : List.of(
                "billing-adapter-stripe",
                "billing-adapter-postgres",
                "billing-adapter-supabase",
                "billing-adapter-clerk",
                "billing-adapter-smtp",
                "billing-plans-yaml",
                "billing-micrometer",
                "billing-opentelemetry",
                "billing-http",
                "billing-admin")) {
            map.put(library, new Module(1, core));
        }
        map.put("billing-testkit", new Module(1, Set.of("billing-core", "billing-embedded-postgres")));
        Set<String> adapters = Set.of(
                "billing-adapter-stripe",
                "billing-adapter-postgres",
                "billing-adapter-supabase",
                "billing-adapter-clerk",
                "billing-adapter-smtp");
        map.put(
                "billing-server",
                new Module(
                        2,
                        union(
                                adapters,
                                Set.of(
                                        "billing-core",
                                        "billing-http",
                                        "billing-admin",
                                        "billing-plans-yaml",
                                        "billing-micrometer",
                                        "billing-opentelemetry",
                                        "billing-embedded-postgres",
                                        "billing-stripe-emulator"))));
        map.put(
                "billing-spring-boot-autoconfigure",
                new Module(
                        2,
                        union(
                                adapters,
                                Set.of(
                                        "billing-core",
                                        "billing-http",
                                        "billing-plans-yaml",
                                        "billing-micrometer",
                                        "billing-opentelemetry"))));
        map.put(
                "billing-spring-boot-starter",
                new Module(
                        3,
                        union(
                                adapters,
                                Set.of(
                                        "billing-core",
                                        "billing-http",
                                        "billing-plans-yaml",
                                        "billing-micrometer",
                                        "billing-spring-boot-autoconfigure"))));
        // Spring Boot 4's auto-configuration compiles the 3.5 one's sources: it may use what that one may, and its
        // starter what the 3.5 starter does, with the Boot 4 auto-configuration in place of the 3.5 one.
        map.put("billing-spring-boot4-autoconfigure", map.get("billing-spring-boot-autoconfigure"));
        Set<String> boot4Starter =
                new TreeSet<>(map.get("billing-spring-boot-starter").uses());
        boot4Starter.remove("billing-spring-boot-autoconfigure");
        boot4Starter.add("billing-spring-boot4-autoconfigure");
        map.put("billing-spring-boot4-starter", new Module(3, boot4Starter));
        map.put(
                "billing-bench",
                new Module(
                        3,
                        Set.of(
                                "billing-core",
                                "billing-server",
                                "billing-adapter-postgres",
                                "billing-embedded-postgres",
                                "billing-stripe-emulator")));
        map.put("billing-server-image", new Module(3, Set.of("billing-server")));
        map.put("examples/embedding", new Module(4, union(adapters, core)));
        // The shop's TracingIT adds billing's spans to Spring's tracing, as a host does (docs/SPRING_BOOT.md).
        map.put("examples/spring-boot", new Module(4, Set.of("billing-spring-boot4-starter", "billing-opentelemetry")));
        map.put(
                "examples/spring-boot-3",
                new Module(4, Set.of("billing-spring-boot-starter", "billing-opentelemetry")));
        // Lists every published module in its dependencyManagement and depends on none: above them all.
        map.put("billing-bom", new Module(5, Set.of()));
        return map;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void everyModuleOfTheRepositoryIsOnTheMapAndTheMapNamesNoOther() throws IOException {
        assertThat(modulesOf(repository())).containsExactlyInAnyOrderElementsOf(MAP.keySet());
    }

    @Test
    void everyArrowOfTheMapPointsToALowerFloor() {
        List<String> upward = new ArrayList<>();
        MAP.forEach((name, module) -> module.uses().forEach(used -> {
            Module target = MAP.get(used);
            if (target == null || target.floor() >= module.floor()) {
                upward.add(name + " -> " + used);
            }
        }));
        assertThat(upward).as("arrows that do not point down").isEmpty();
    }

    @Test
    void everyModuleDependsOnlyOnWhatTheMapAllowsIt() throws IOException {
        Path root = repository();
        List<String> violations = new ArrayList<>();
        for (String module : modulesOf(root)) {
            violations.addAll(
                    check(module, Files.readString(root.resolve(module).resolve("pom.xml"))));
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void aPlantedArrowBackUpIsRefusedByName() {
        String planted = """
                <project xmlns="http://maven.apache.org/POM/4.0.0"><dependencies>
                  <dependency><groupId>dev.billing</groupId><artifactId>billing-server</artifactId></dependency>
                  <dependency><groupId>dev.billing</groupId><artifactId>billing-adapter-postgres</artifactId>
                    <scope>test</scope></dependency>
                </dependencies></project>""";
        assertThat(check("billing-core", planted))
                .containsExactly(
                        "billing-core uses billing-server, which the module map does not allow",
                        "billing-core's tests use billing-adapter-postgres, which the module map does not allow");
        assertThatThrownBy(() -> assertThat(check("billing-core", planted)).isEmpty())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("billing-server");
    }

    @Test
    void theDesignRecordNamesEveryModule() throws IOException {
        String design = Files.readString(repository().resolve("docs/DESIGN.md"));
        List<String> missing = MAP.keySet().stream()
                .filter(m -> !m.startsWith("examples/"))
                .filter(m -> !design.contains("`" + m + "`"))
                .toList();
        assertThat(missing).as("modules missing from DESIGN §1's table").isEmpty();
    }

    /** The module's arrows the map does not allow, one line each. */
    static List<String> check(String module, String pom) {
        Module allowed = MAP.get(module);
        List<String> violations = new ArrayList<>();
        for (String[] dependency : billingDependencies(pom)) {
            String artifact = dependency[0];
            boolean test = "test".equals(dependency[1]);
            boolean ok = allowed.uses().contains(artifact)
                    || test
                            && (TEST_SUPPORT.contains(artifact)
                                    || TEST_EXTRAS
                                            .getOrDefault(module, Set.of())
                                            .contains(artifact));
            if (!ok) {
                violations.add(module + (test ? "'s tests use " : " uses ") + artifact
                        + ", which the module map does not allow");
            }
        }
        return violations;
    }

    /** Each {@code billing-*} dependency of the POM's own dependency list: its artifact id and scope. */
    private static List<String[]> billingDependencies(String pom) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document =
                    factory.newDocumentBuilder().parse(new ByteArrayInputStream(pom.getBytes(StandardCharsets.UTF_8)));
            List<String[]> found = new ArrayList<>();
            NodeList lists = document.getDocumentElement().getChildNodes();
            for (int i = 0; i < lists.getLength(); i++) {
                if (lists.item(i) instanceof Element list && list.getTagName().equals("dependencies")) {
                    NodeList dependencies = list.getElementsByTagName("dependency");
                    for (int j = 0; j < dependencies.getLength(); j++) {
                        Element d = (Element) dependencies.item(j);
                        String artifact = text(d, "artifactId");
                        if (artifact.startsWith("billing-")) {
                            found.add(new String[] {artifact, text(d, "scope")});
                        }
                    }
                }
            }
            return found;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read a pom.xml", e);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }

    /** The folders holding a module: the repository's own and the examples'. */
    private static Set<String> modulesOf(Path root) throws IOException {
        Set<String> modules = new TreeSet<>();
        for (String parent : List.of("", "examples/")) {
            try (Stream<Path> dirs = Files.list(root.resolve(parent.isEmpty() ? "." : parent))) {
                dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))
                        .forEach(d -> modules.add(parent + d.getFileName()));
            }
        }
        return modules;
    }

    private static Path repository() {
        // Surefire sets basedir to the module directory; the working directory is the fallback.
        return Path.of(System.getProperty("basedir", "."))
                .toAbsolutePath()
                .normalize()
                .getParent();
    }
}
