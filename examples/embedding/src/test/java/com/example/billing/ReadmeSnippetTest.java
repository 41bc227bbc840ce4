package com.example.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's "Embed it" shows EmbeddedBilling.java as it is, from its imports to its last brace. */
class ReadmeSnippetTest {
    static final String MARKER =
            "<!-- the file examples/embedding/src/main/java/com/example/billing/EmbeddedBilling.java -->";

    @Test
    void theReadmeShowsTheExampleVerbatim() throws IOException {
        Path readme = Path.of("..", "..", "README.md");
        assertThat(readme).as("the repository's README, two folders up").isRegularFile();
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int marker = text.indexOf(MARKER);
        assertThat(marker).as("the README marks the example with: " + MARKER).isNotNegative();
        int start = text.indexOf("```java\n", marker) + "```java\n".length();
        String shown = text.substring(start, text.indexOf("```", start));

        String source = Files.readString(
                Path.of("src", "main", "java", "com", "example", "billing", "EmbeddedBilling.java"),
                StandardCharsets.UTF_8);
        String fromImports = source.substring(source.indexOf("import "));

        assertThat(shown).isEqualTo(fromImports);
    }

    /** The README's dependency block is this project's: the BOM import and the modules without versions. */
    @Test
    void theReadmeShowsThisProjectsDependencies() throws IOException {
        String readme = Files.readString(Path.of("..", "..", "README.md"), StandardCharsets.UTF_8);
        String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        java.util.regex.Matcher line = java.util.regex.Pattern.compile(
                        "<dependency><groupId>dev\\.billing</groupId>.*?</dependency>")
                .matcher(pom);
        int shown = 0;
        while (line.find()) {
            String dependency = line.group();
            if (dependency.contains("<scope>test</scope>")) {
                continue; // the example's own tests
            }
            assertThat(readme)
                    .as("the README's \"Embed it\" shows " + dependency)
                    .contains(dependency.replace("${billing.version}", "0.1.0-SNAPSHOT"));
            shown++;
        }
        assertThat(shown).as("the BOM and the four modules").isEqualTo(5);
    }
}
