package dev.billing.clerk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwksDocumentTest {
    static final TestKey A = TestKeys.rsa2048("kid_a");
    static final TestKey B = TestKeys.rsa2048("kid_b");
    static final TestKey WEAK = TestKeys.rsa1024Weak("kid_weak");
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    static byte[] jwks(List<Map<String, Object>> keys) throws Exception {
        return new ObjectMapper().writeValueAsBytes(Map.of("keys", keys));
    }

    static Map<String, Object> jwk(TestKey key, String member, Object value) {
        Map<String, Object> jwk = key.jwk();
        if (value == null) {
            jwk.remove(member);
        } else {
            jwk.put(member, value);
        }
        return jwk;
    }

    @Test
    void keepsRs256SigningKeysByKid() throws Exception {
        JwksDocument.Parsed parsed = JwksDocument.parse(jwks(List.of(A.jwk(), B.jwk())), NOW);

        assertThat(parsed.keys().byKid()).containsOnlyKeys("kid_a", "kid_b");
        assertThat(parsed.keys().find("kid_a")).isEqualTo(A.publicKey());
        assertThat(parsed.keys().loadedAt()).isEqualTo(NOW);
        assertThat(parsed.skipped()).isZero();
    }

    @Test
    void useAndAlgMayBeAbsent() throws Exception {
        Map<String, Object> bare = jwk(A, "use", null);
        bare.remove("alg");

        assertThat(JwksDocument.parse(jwks(List.of(bare)), NOW).keys().find("kid_a"))
                .isEqualTo(A.publicKey());
    }

    @Test
    void skipsEntriesThisVerifierMustNotUse() throws Exception {
        List<Map<String, Object>> keys = List.of(
                jwk(A, "use", "enc"),
                jwk(A.withKid("rs512"), "alg", "RS512"),
                jwk(A.withKid("ec"), "kty", "EC"),
                jwk(A.withKid("no_n"), "n", null),
                jwk(A.withKid("bad_n"), "n", "***"),
                jwk(A.withKid("even_e"), "e", "Ag"),
                jwk(A.withKid("num_kid"), "kid", 5),
                A.withKid("../etc/passwd").jwk(),
                B.jwk(),
                B.withKid("kid_b").jwk()); // duplicate kid: first one wins

        JwksDocument.Parsed parsed = JwksDocument.parse(jwks(keys), NOW);

        assertThat(parsed.keys().byKid()).containsOnlyKeys("kid_b");
        assertThat(parsed.skipped()).isEqualTo(9);
    }

    @Test
    void weakKeysAreReportedAndNotUsed() throws Exception {
        JwksDocument.Parsed parsed = JwksDocument.parse(jwks(List.of(WEAK.jwk(), A.jwk())), NOW);

        assertThat(parsed.weak()).containsExactly("kid_weak");
        assertThat(parsed.keys().byKid()).containsOnlyKeys("kid_a");
    }

    @Test
    void keyWithoutKidServesKidlessTokensWhenAlone() throws Exception {
        KeySet keys =
                JwksDocument.parse(jwks(List.of(A.withKid(null).jwk())), NOW).keys();

        assertThat(keys.find(null)).isEqualTo(A.publicKey());
        assertThat(keys.find("kid_a")).isNull();
    }

    @Test
    void kidlessTokenIsAmbiguousWithSeveralKeys() throws Exception {
        assertThat(JwksDocument.parse(jwks(List.of(A.jwk(), B.jwk())), NOW)
                        .keys()
                        .find(null))
                .isNull();
    }

    @Test
    void onlyTheFirstEntriesAreLookedAt() throws Exception {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (int i = 0; i < JwksDocument.MAX_KEYS + 5; i++) {
            keys.add(A.withKid("k" + i).jwk());
        }

        JwksDocument.Parsed parsed = JwksDocument.parse(jwks(keys), NOW);

        assertThat(parsed.keys().all()).hasSize(JwksDocument.MAX_KEYS);
        assertThat(parsed.skipped()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html>", "[]", "{}", "{\"keys\":{}}", "{\"keys\":[]} trailing", ""})
    void documentThatIsNotAKeySetIsAnError(String body) {
        assertThatThrownBy(() -> JwksDocument.parse(body.getBytes(StandardCharsets.UTF_8), NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
