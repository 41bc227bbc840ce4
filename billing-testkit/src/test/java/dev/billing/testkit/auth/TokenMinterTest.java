package dev.billing.testkit.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.MutableClock;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.Jwts;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenMinterTest {
    private static final TestKey KEY = TestKeys.rsa2048("ins_minter");
    private static final String ISSUER = "https://clerk.example.test";

    private final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final TokenMinter minter = new TokenMinter(KEY, ISSUER, clock);

    @Test
    void signedTokenVerifiesWithThePublicKeyAndCarriesClerkDefaults() {
        String jwt = minter.token()
                .subject("user_1")
                .session("sess_1")
                .authorizedParty("https://app.test")
                .expiresIn(Duration.ofMinutes(5))
                .claim("email", "a@b.test")
                .sign();

        Jws<Claims> jws = Jwts.parser()
                .verifyWith(KEY.publicKey())
                .clock(() -> java.util.Date.from(clock.instant()))
                .build()
                .parseSignedClaims(jwt);

        assertThat(jws.getHeader().getAlgorithm()).isEqualTo("RS256");
        assertThat(jws.getHeader().getKeyId()).isEqualTo("ins_minter");
        Claims claims = jws.getPayload();
        assertThat(claims.getSubject()).isEqualTo("user_1");
        assertThat(claims.get("sid")).isEqualTo("sess_1");
        assertThat(claims.get("azp")).isEqualTo("https://app.test");
        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getExpiration().toInstant()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(claims.getIssuedAt().toInstant()).isEqualTo(clock.instant());
        assertThat(claims.get("email")).isEqualTo("a@b.test");
    }

    @Test
    void withoutRemovesDefaultClaims() {
        String jwt = minter.token().without("exp").without("sid").sign();

        String payload = decode(jwt.split("\\.")[1]);

        assertThat(payload).doesNotContain("\"exp\"").doesNotContain("\"sid\"").contains("\"sub\"");
    }

    @Test
    void hostileVariantsHaveTheAdvertisedShape() {
        var token = minter.token();

        assertThat(token.unsigned())
                .endsWith(".")
                .satisfies(t -> assertThat(decode(t.split("\\.")[0])).contains("\"none\""));
        assertThat(decode(token.hs256WithPublicKey().split("\\.")[0])).contains("\"HS256\"");
        assertThat(token.jwe().split("\\.", -1)).hasSize(5);
        assertThat(decode(token.signWithAlgorithm("ES256").split("\\.")[0])).contains("\"ES256\"");
        assertThat(token.oversized(10_000)).hasSizeGreaterThan(10_000);
        assertThat(decode(minter.token()
                        .withHeader("crit", List.of("x"))
                        .withHeader("x", 1)
                        .sign()
                        .split("\\.")[0]))
                .contains("\"crit\":[\"x\"]");
    }

    @Test
    void tamperedTokenKeepsTheOriginalSignatureOverADifferentPayload() {
        var token = minter.token().subject("user_1");
        String good = token.sign();
        String bad = token.tampered();

        assertThat(bad.split("\\.")[2]).isEqualTo(good.split("\\.")[2]);
        assertThat(decode(bad.split("\\.")[1])).contains("user_1_admin");
    }

    @Test
    void publicKeyPemRoundTrips() throws Exception {
        String pem = KEY.publicKeyPem();
        String body = pem.replace("-----BEGIN PUBLIC KEY-----", "")
                .replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");

        var decoded = KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));

        assertThat(decoded).isEqualTo(KEY.publicKey());
    }

    @Test
    void weakKeyIsTenTwentyFourBitsAndStillSigns() {
        TestKey weak = TestKeys.rsa1024Weak("weak");

        String jwt = new TokenMinter(weak, ISSUER, clock).token().sign();

        assertThat(weak.bits()).isEqualTo(1024);
        assertThat(jwt.split("\\.")).hasSize(3);
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }
}
