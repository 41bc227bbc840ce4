package dev.billing.testkit.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * billing-bom lists exactly the modules the build publishes (every module of the parent's list but those that set
 * {@code maven.deploy.skip}), at the reactor's version, and carries the same Central metadata as the parent: a new
 * module cannot be forgotten, nor a tool published by mistake.
 */
class BomTest {
    private static final Path REPOSITORY = Path.of(System.getProperty("basedir", "."))
            .toAbsolutePath()
            .normalize()
            .getParent();

    @Test
    void theBomListsEveryPublishedModuleAndNothingElse() throws IOException {
        String parent = Files.readString(REPOSITORY.resolve("pom.xml"));
        List<String> published = new ArrayList<>();
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        while (module.find()) {
            String pom = Files.readString(REPOSITORY.resolve(module.group(1)).resolve("pom.xml"));
            String artifact = artifactId(pom);
            if (!pom.contains("<maven.deploy.skip>true</maven.deploy.skip>") && !artifact.equals("billing-bom")) {
                published.add(artifact);
            }
        }
        String bom = Files.readString(REPOSITORY.resolve("billing-bom/pom.xml"));
        List<String> listed = new ArrayList<>();
        Matcher entry = Pattern.compile("<dependency><groupId>dev\\.billing</groupId><artifactId>([^<]+)</artifactId>"
                        + "<version>\\$\\{project\\.version}</version></dependency>")
                .matcher(bom);
        while (entry.find()) {
            listed.add(entry.group(1));
        }

        assertThat(published)
                .as("published modules")
                .contains("billing-core", "billing-spring-boot-starter", "billing-spring-boot4-starter");
        assertThat(new TreeSet<>(listed)).as("billing-bom's entries").isEqualTo(new TreeSet<>(published));
        assertThat(listed).as("each listed once").doesNotHaveDuplicates();
        assertThat(version(bom)).as("billing-bom's version").isEqualTo(version(parent));
    }

    @Test
    void theBomCarriesTheParentsCentralMetadata() throws IOException {
        String parent = Files.readString(REPOSITORY.resolve("pom.xml"));
        String bom = Files.readString(REPOSITORY.resolve("billing-bom/pom.xml"));
        for (String element : List.of("url", "licenses", "developers")) {
            assertThat(section(bom, element)).as(element).isEqualTo(section(parent, element));
        }
        assertThat(section(bom, "connection")).isEqualTo(section(parent, "connection"));
    }

    private static String artifactId(String pom) {
        // The project's own artifactId: the first one after the parent block, if any.
        String own = pom.contains("</parent>") ? pom.substring(pom.indexOf("</parent>")) : pom;
        return section(own, "artifactId");
    }

    private static String version(String pom) {
        String own = pom.contains("</parent>") ? pom.substring(pom.indexOf("</parent>")) : pom;
        return section(own.substring(own.indexOf("<artifactId>")), "version");
    }

    private static String section(String xml, String element) {
        Matcher m = Pattern.compile("<" + element + ">(.*?)</" + element + ">", Pattern.DOTALL)
                .matcher(xml);
        assertThat(m.find()).as("<" + element + "> in the POM").isTrue();
        return m.group(1).replaceAll("\\s+", " ").strip();
    }
}
