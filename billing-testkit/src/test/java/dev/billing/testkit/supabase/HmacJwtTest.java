package dev.billing.testkit.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HmacJwtTest {

    @Test
    void signsLikeTheReferenceHs256Example() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", "1234567890");
        claims.put("name", "John Doe");
        claims.put("iat", 1516239022);

        String token = HmacJwt.sign(claims, "your-256-bit-secret");

        assertThat(token)
                .isEqualTo("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
                        + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
                        + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c");
    }

    @Test
    void verifiesOnlyWithTheSameSecret() {
        String token = HmacJwt.sign(Map.of("role", "anon"), "s".repeat(40));

        assertThat(HmacJwt.hasValidSignature(token, "s".repeat(40))).isTrue();
        assertThat(HmacJwt.hasValidSignature(token, "t".repeat(40))).isFalse();
        assertThat(HmacJwt.hasValidSignature("not.a-token", "s".repeat(40))).isFalse();
    }

    @Test
    void randomSecretsAreLongEnoughForPostgrest() {
        String secret = SupabaseFixture.randomSecret(48);

        assertThat(secret).hasSize(48).matches("[A-Za-z0-9]+").isNotEqualTo(SupabaseFixture.randomSecret(48));
    }
}
