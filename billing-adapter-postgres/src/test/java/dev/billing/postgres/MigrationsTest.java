package dev.billing.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The constant behind the start-up fast path follows the migration files this module ships. */
class MigrationsTest {
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.+\\.sql");

    @Test
    void latestVersionIsTheHighestShippedMigrationAndVersionsHaveNoGap() throws IOException, URISyntaxException {
        URL location = Migrations.class.getClassLoader().getResource("db/billing/migration");
        assertThat(location).as("the migrations on the test class path").isNotNull();
        List<Integer> versions;
        try (Stream<Path> files = Files.list(Path.of(location.toURI()))) {
            versions = files.map(f -> VERSIONED.matcher(f.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1)))
                    .sorted()
                    .toList();
        }
        assertThat(versions).isNotEmpty();
        assertThat(versions.get(versions.size() - 1)).isEqualTo(Migrations.LATEST_VERSION);
        List<Integer> expected = IntStream.rangeClosed(1, Migrations.LATEST_VERSION)
                .boxed()
                .filter(v -> !Migrations.NOT_SHIPPED.contains(v))
                .toList();
        assertThat(versions)
                .as("versions 1..n without gaps but the ones another change ships")
                .isEqualTo(expected);
    }
}
