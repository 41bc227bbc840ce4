package dev.billing.clerk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.billing.core.error.IdentityRejectedException;
import dev.billing.core.error.IdentityRejectedException.Reason;
import dev.billing.core.model.Identity;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.auth.TokenMinter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The verification rules, in networkless (PEM) mode: no server involved. */
class ClerkIdentityVerifierTest {
    static final TestKey KEY = TestKeys.rsa2048("ins_test_main");
    static final TestKey OTHER_KEY = TestKeys.rsa2048("ins_test_other");
    static final String ISSUER = "https://clerk.billing.test";

    final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T12:00:00Z"));
    final TokenMinter minter = new TokenMinter(KEY, ISSUER, clock);
    final ClerkIdentityVerifier verifier = verifier(ClerkConfig.builder());

    ClerkIdentityVerifier verifier(ClerkConfig.Builder builder) {
        return ClerkIdentityVerifier.create(
                builder.issuer(ISSUER).jwtKey(KEY.publicKeyPem()).build(), clock);
    }

    static void assertRejected(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        IdentityRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }

    /** An RS256 signature with the test key over {@code header.payload}, whatever the payload holds. */
    static String signRs256(String signingInput) {
        try {
            java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
            rsa.initSign(KEY.privateKey());
            rsa.update(signingInput.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return signingInput + "."
                    + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Nested
    class Accepted {
        @Test
        void validTokenBecomesIdentityWithTheRestOfTheClaims() {
            String token = minter.token()
                    .subject("user_1")
                    .session("sess_1")
                    .authorizedParty("https://app.test")
                    .claim("email", "ada@example.test")
                    .claim("org_id", "org_1")
                    .claim("v", 2)
                    .sign();

            Identity identity = verifier.verify(token);

            assertThat(identity.userId().value()).isEqualTo("user_1");
            assertThat(identity.sessionId()).isEqualTo("sess_1");
            assertThat(identity.email()).isEqualTo("ada@example.test");
            assertThat(identity.orgId()).isEqualTo("org_1");
            assertThat(identity.claims())
                    .containsEntry("azp", "https://app.test")
                    .containsEntry("iss", ISSUER)
                    .containsEntry("exp", clock.instant().plusSeconds(60).getEpochSecond())
                    .containsEntry("v", 2)
                    .doesNotContainKeys("sub", "sid", "email", "org_id")
                    .allSatisfy((k, v) -> assertThat(v.toString()).doesNotContain(token));
        }

        @Test
        void versionTwoOrganizationClaimGivesOrgIdAndStaysInClaims() {
            String token = minter.token()
                    .claim("o", Map.of("id", "org_2", "rol", "admin", "slg", "acme"))
                    .sign();

            Identity identity = verifier.verify(token);

            assertThat(identity.orgId()).isEqualTo("org_2");
            assertThat(identity.claims().get("o")).isEqualTo(Map.of("id", "org_2", "rol", "admin", "slg", "acme"));
        }

        @Test
        void versionOneOrganizationClaimsGiveTheRoleAndPermissions() {
            String token = minter.token()
                    .claim("org_id", "org_3")
                    .claim("org_role", "org:admin")
                    .claim("org_permissions", java.util.List.of("org:billing:manage", "org:sys_memberships:read"))
                    .sign();

            Identity identity = verifier.verify(token);

            assertThat(identity.org().orgId()).isEqualTo("org_3");
            assertThat(identity.org().role()).isEqualTo("org:admin");
            assertThat(identity.org().permissions())
                    .containsExactlyInAnyOrder("org:billing:manage", "org:sys_memberships:read");
            assertThat(identity.claims()).doesNotContainKeys("org_id", "org_role", "org_permissions");
        }

        @Test
        void versionTwoPermissionsAreUnpackedFromFeaturesAndBitmasks() {
            // Clerk's own example: features dashboard and teams, permissions manage and read, masks 3 and 2.
            String token = minter.token()
                    .claim("fea", "o:dashboard,o:teams,u:profile")
                    .claim("o", Map.of("id", "org_4", "rol", "member", "per", "manage,read", "fpm", "3,2,1"))
                    .sign();

            Identity identity = verifier.verify(token);

            assertThat(identity.org().role()).isEqualTo("org:member");
            assertThat(identity.org().permissions())
                    .containsExactlyInAnyOrder("org:dashboard:manage", "org:dashboard:read", "org:teams:read");
        }

        @Test
        void malformedVersionTwoMasksGrantNothing() {
            String token = minter.token()
                    .claim("fea", "o:billing")
                    .claim("o", Map.of("id", "org_5", "rol", "member", "per", "manage", "fpm", "x"))
                    .sign();

            assertThat(verifier.verify(token).org().permissions()).isEmpty();
        }

        @Test
        void aNegativeVersionTwoMaskGrantsNothing() {
            // A negative number is no mask Clerk writes; read as bits, its sign would grant every permission.
            String token = minter.token()
                    .claim("fea", "o:billing,o:teams,o:dashboard")
                    .claim(
                            "o",
                            Map.of(
                                    "id",
                                    "org_6",
                                    "rol",
                                    "member",
                                    "per",
                                    "manage,read",
                                    "fpm",
                                    "-1,-9223372036854775808,2"))
                    .sign();

            assertThat(verifier.verify(token).org().permissions()).containsExactly("org:dashboard:read");
        }

        @Test
        void primaryEmailIsUsedWhenEmailIsAbsent() {
            String token =
                    minter.token().claim("primary_email", "grace@example.test").sign();

            assertThat(verifier.verify(token).email()).isEqualTo("grace@example.test");
        }

        @Test
        void optionalClaimsMayBeAbsent() {
            Identity identity = verifier.verify(minter.token().without("nbf").sign());

            assertThat(identity.email()).isNull();
            assertThat(identity.orgId()).isNull();
        }

        @Test
        void nestedClaimsOfAnIdentityCannotBeModified() {
            Identity identity = verifier.verify(minter.token()
                    .claim("o", Map.of("id", "org_3"))
                    .claim("fva", List.of(7, -1))
                    .sign());

            @SuppressWarnings("unchecked")
            Map<String, Object> org = (Map<String, Object>) identity.claims().get("o");
            @SuppressWarnings("unchecked")
            List<Object> fva = (List<Object>) identity.claims().get("fva");
            assertThatThrownBy(() -> org.put("id", "org_evil")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> fva.add(1)).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void tokenWithoutKidIsAcceptedWithASingleConfiguredKey() {
            assertThat(verifier.verify(minter.token().kid(null).sign()).userId().value())
                    .isEqualTo(TokenMinter.DEFAULT_SUBJECT);
        }

        @Test
        void expiredWithinClockSkewIsStillAccepted() {
            String token = minter.token().expiresIn(Duration.ofSeconds(-4)).sign();

            assertThat(verifier.verify(token).sessionId()).isEqualTo(TokenMinter.DEFAULT_SESSION);
        }

        @Test
        void issuedAtAndNotBeforeWithinClockSkewAreAccepted() {
            Instant soon = clock.instant().plusSeconds(4);

            assertThat(verifier.verify(
                            minter.token().issuedAt(soon).notBefore(soon).sign()))
                    .isNotNull();
        }

        @Test
        void headerWithoutTypIsAccepted() {
            String token = minter.token().withHeader("typ", null).sign();

            assertThat(token.substring(0, token.indexOf('.')))
                    .isEqualTo(b64("{\"alg\":\"RS256\",\"kid\":\"ins_test_main\"}"));
            assertThat(verifier.verify(token)).isNotNull();
        }

        @Test
        void activeSessionStatusIsAccepted() {
            assertThat(verifier.verify(minter.token().claim("sts", "active").sign()))
                    .isNotNull();
        }
    }

    @Nested
    class Rejected {
        @ParameterizedTest
        @NullSource
        @ValueSource(strings = {"", " ", "\t\n"})
        void missingToken(String token) {
            assertRejected(() -> verifier.verify(token), Reason.MISSING);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "abc",
                    "a.b",
                    "a.b.c.d",
                    "...",
                    "a..c",
                    ".b.c",
                    "not a token",
                    "eyJ.eyJ.sig",
                    "e30.e30.c2ln", // {} header: no alg
                    "W10.e30.c2ln", // [] header
                    "bnVsbA.e30.c2ln", // null header
                    "eyJhbGciOiJSUzI1NiJ9.e30.", // RS256 without signature
                    "eyJhbGciOiJSUzI1NiJ9.e30.c2ln=", // padding is not base64url
                    "eyJhbGciOiJSUzI1NiJ9.e30.c2ln\u00e9" // non-ASCII
                })
        void malformedToken(String token) {
            assertRejected(() -> verifier.verify(token), Reason.MALFORMED);
        }

        @ParameterizedTest
        @ValueSource(strings = {"exp", "iat", "nbf"})
        @DisplayName("a time claim written as a JSON string is malformed: a NumericDate is a number")
        void timeClaimsAsStringsAreMalformed(String claim) {
            Object value =
                    minter.token().claims().getOrDefault(claim, clock.instant().getEpochSecond());
            long seconds = value instanceof java.util.Date d ? d.getTime() / 1000 : ((Number) value).longValue();
            String token = minter.token().claim(claim, Long.toString(seconds)).signWithAlgorithm("RS256");

            assertRejected(() -> verifier.verify(token), Reason.MALFORMED);
            String asBoolean = minter.token().claim(claim, true).signWithAlgorithm("RS256");
            assertRejected(() -> verifier.verify(asBoolean), Reason.MALFORMED);
            assertThat(verifier.verify(minter.token().claim(claim, seconds).signWithAlgorithm("RS256"))
                            .userId())
                    .as("the same claim as a number passes")
                    .isNotNull();
        }

        @Test
        void payloadWithADuplicateClaimIsMalformed() {
            String good = minter.token().sign();
            String payload = new String(
                    java.util.Base64.getUrlDecoder().decode(good.split("\\.")[1]),
                    java.nio.charset.StandardCharsets.UTF_8);
            String doubled = payload.replaceFirst("\\{", "{\"sub\":\"user_other\",");
            String signingInput = good.substring(0, good.indexOf('.')) + "." + b64(doubled);

            assertRejected(() -> verifier.verify(signRs256(signingInput)), Reason.MALFORMED);
        }

        @Test
        void headerWithDuplicateAlgIsMalformed() {
            String good = minter.token().sign();
            String token = b64("{\"alg\":\"RS256\",\"alg\":\"none\"}") + good.substring(good.indexOf('.'));

            assertRejected(() -> verifier.verify(token), Reason.MALFORMED);
        }

        @Test
        void algNone() {
            assertRejected(() -> verifier.verify(minter.token().unsigned()), Reason.UNSUPPORTED_ALGORITHM);
        }

        @Test
        void algNoneWithASignaturePart() {
            String unsigned = minter.token().unsigned();

            assertRejected(() -> verifier.verify(unsigned + "c2ln"), Reason.UNSUPPORTED_ALGORITHM);
        }

        @Test
        void hs256SignedWithThePublicKeyAsSecret() {
            assertRejected(() -> verifier.verify(minter.token().hs256WithPublicKey()), Reason.UNSUPPORTED_ALGORITHM);
        }

        @ParameterizedTest
        @ValueSource(strings = {"RS384", "RS512", "PS256", "ES256"})
        void otherSignatureAlgorithms(String alg) {
            assertRejected(() -> verifier.verify(minter.token().signWithAlgorithm(alg)), Reason.UNSUPPORTED_ALGORITHM);
        }

        @Test
        void editedPayload() {
            assertRejected(() -> verifier.verify(minter.token().tampered()), Reason.BAD_SIGNATURE);
        }

        @Test
        void signedByAnotherKey() {
            assertRejected(
                    () -> verifier.verify(minter.token().signedBy(OTHER_KEY).sign()), Reason.BAD_SIGNATURE);
        }

        @Test
        void truncatedSignature() {
            String token = minter.token().sign();

            assertRejected(() -> verifier.verify(token.substring(0, token.length() - 4)), Reason.BAD_SIGNATURE);
        }

        @Test
        void expired() {
            assertRejected(
                    () -> verifier.verify(
                            minter.token().expiresIn(Duration.ofSeconds(-6)).sign()),
                    Reason.EXPIRED);
        }

        @Test
        void notBeforeInTheFuture() {
            String token =
                    minter.token().notBefore(clock.instant().plusSeconds(30)).sign();

            assertRejected(() -> verifier.verify(token), Reason.NOT_YET_VALID);
        }

        @Test
        void issuedAtInTheFuture() {
            String token =
                    minter.token().issuedAt(clock.instant().plusSeconds(30)).sign();

            assertRejected(() -> verifier.verify(token), Reason.ISSUED_IN_FUTURE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"exp", "iat", "sub", "sid"})
        void missingRequiredClaim(String claim) {
            assertRejected(() -> verifier.verify(minter.token().without(claim).sign()), Reason.MISSING_CLAIM);
        }

        @ParameterizedTest
        @ValueSource(strings = {"sub", "sid"})
        void blankIdClaim(String claim) {
            assertRejected(
                    () -> verifier.verify(minter.token().claim(claim, " ").sign()), Reason.MISSING_CLAIM);
        }

        @Test
        void sessionIdThatIsNotAString() {
            assertRejected(() -> verifier.verify(minter.token().claim("sid", 42).sign()), Reason.MALFORMED);
        }

        @Test
        void userIdWithControlCharacters() {
            assertRejected(
                    () -> verifier.verify(
                            minter.token().subject("user_1\u0000admin").sign()),
                    Reason.MALFORMED);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "https://evil.test",
                    "https://clerk.billing.test/",
                    "http://clerk.billing.test",
                    "HTTPS://CLERK.BILLING.TEST"
                })
        void wrongIssuer(String issuer) {
            assertRejected(() -> verifier.verify(minter.token().issuer(issuer).sign()), Reason.WRONG_ISSUER);
        }

        @Test
        void missingIssuer() {
            assertRejected(() -> verifier.verify(minter.token().without("iss").sign()), Reason.WRONG_ISSUER);
        }

        @Test
        void encryptedToken() {
            assertRejected(() -> verifier.verify(minter.token().jwe()), Reason.MALFORMED);
        }

        @Test
        void unknownCriticalHeader() {
            String token = minter.token()
                    .withHeader("crit", List.of("exp_v2"))
                    .withHeader("exp_v2", true)
                    .sign();

            assertRejected(() -> verifier.verify(token), Reason.MALFORMED);
        }

        @ParameterizedTest
        @ValueSource(strings = {"at+jwt", "JWE", "jwt"})
        void typeOtherThanJwt(String typ) {
            assertRejected(
                    () -> verifier.verify(minter.token().withHeader("typ", typ).sign()), Reason.MALFORMED);
        }

        @Test
        void compressedPayloadHeader() {
            assertRejected(
                    () -> verifier.verify(
                            minter.token().withHeader("zip", "DEF").sign()),
                    Reason.MALFORMED);
        }

        @Test
        void oversizedSignedToken() {
            String token = minter.token().oversized(ClerkConfig.DEFAULT_MAX_TOKEN_CHARS);

            assertRejected(() -> verifier.verify(token), Reason.TOO_LARGE);
        }

        @Test
        void oversizedGarbageIsRejectedForSizeBeforeItIsDecoded() {
            String garbage = "!".repeat(ClerkConfig.DEFAULT_MAX_TOKEN_CHARS + 1);

            assertRejected(() -> verifier.verify(garbage), Reason.TOO_LARGE);
            assertRejected(() -> verifier.verify(garbage.substring(1)), Reason.MALFORMED);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "../../etc/passwd",
                    "kid/with/slashes",
                    "kid\u0000nul",
                    "kid\r\nX-Injected: 1",
                    "https://evil.test/jwks.json",
                    "kid with spaces",
                    "",
                    "%2e%2e"
                })
        void hostileKid(String kid) {
            String token = minter.token().kid(null).withHeader("kid", kid).sign();

            assertRejected(() -> verifier.verify(token), Reason.MALFORMED);
        }

        @Test
        void hugeKid() {
            assertRejected(
                    () -> verifier.verify(minter.token()
                            .kid("k".repeat(TokenShape.MAX_KID_CHARS + 1))
                            .sign()),
                    Reason.MALFORMED);
        }

        @Test
        void kidThatIsNotAString() {
            assertRejected(
                    () -> verifier.verify(
                            minter.token().kid(null).withHeader("kid", 7).sign()),
                    Reason.MALFORMED);
        }

        @Test
        void pendingSession() {
            assertRejected(
                    () -> verifier.verify(minter.token().claim("sts", "pending").sign()), Reason.SESSION_PENDING);
        }

        @Test
        void pendingSessionIsOnlyReportedForAnOtherwiseValidToken() {
            String token = minter.token()
                    .claim("sts", "pending")
                    .expiresIn(Duration.ofMinutes(-1))
                    .sign();

            assertRejected(() -> verifier.verify(token), Reason.EXPIRED);
        }
    }

    @Nested
    class AuthorizedParties {
        final ClerkIdentityVerifier strict = verifier(
                ClerkConfig.builder().authorizedParties(List.of("https://app.test", "https://admin.app.test/")));

        @ParameterizedTest
        @ValueSource(strings = {"https://app.test", "https://admin.app.test"})
        void allowedPartyIsAccepted(String azp) {
            assertThat(strict.verify(minter.token().authorizedParty(azp).sign()))
                    .isNotNull();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {"https://evil.test", "https://app.test.evil.test", "https://app.test/", "http://app.test"})
        void otherPartyIsRejected(String azp) {
            assertRejected(
                    () -> strict.verify(minter.token().authorizedParty(azp).sign()), Reason.UNAUTHORIZED_PARTY);
        }

        @Test
        void missingPartyIsRejected() {
            assertRejected(() -> strict.verify(minter.token().sign()), Reason.UNAUTHORIZED_PARTY);
        }

        @Test
        void partyThatIsNotAStringIsRejected() {
            assertRejected(
                    () -> strict.verify(minter.token()
                            .claim("azp", List.of("https://app.test"))
                            .sign()),
                    Reason.UNAUTHORIZED_PARTY);
        }

        @Test
        void anyPartyIsAcceptedWhenNoneAreConfigured() {
            assertThat(verifier.verify(minter.token()
                            .authorizedParty("https://anything.test")
                            .sign()))
                    .isNotNull();
        }
    }

    @Nested
    class VerifiedTokenCaching {
        @Test
        void hotTokenIsVerifiedOnceThenServedFromTheCache() {
            String token = minter.token().sign();

            Identity first = verifier.verify(token);
            Identity second = verifier.verify(token);

            assertThat(second).isSameAs(first);
            assertThat(verifier.cacheStats().hitCount()).isEqualTo(1);
        }

        @Test
        void cachedTokenIsRejectedOnceItsExpiryPasses() {
            String token = minter.token().expiresIn(Duration.ofSeconds(30)).sign();
            verifier.verify(token);

            clock.advance(Duration.ofSeconds(30 + 5 + 1)); // past exp + skew, well within the cache's 60 s TTL

            assertRejected(() -> verifier.verify(token), Reason.EXPIRED);
            assertThat(verifier.cacheStats().hitCount())
                    .as("rejected by the cache-hit path")
                    .isEqualTo(1);
            assertRejected(() -> verifier.verify(token), Reason.EXPIRED); // and by full verification after eviction
        }

        @Test
        void rejectedTokensAreNeverCached() {
            String pending = minter.token().claim("sts", "pending").sign();

            assertRejected(() -> verifier.verify(pending), Reason.SESSION_PENDING);
            assertRejected(() -> verifier.verify(pending), Reason.SESSION_PENDING);
            assertThat(verifier.cacheStats().hitCount()).isZero();
        }

        @Test
        void differentTokensOfTheSameUserAreCachedSeparately() {
            Identity a = verifier.verify(
                    minter.token().claim("email", "a@example.test").sign());
            Identity b = verifier.verify(
                    minter.token().claim("email", "b@example.test").sign());

            assertThat(a.email()).isEqualTo("a@example.test");
            assertThat(b.email()).isEqualTo("b@example.test");
            assertThat(verifier.cacheStats().hitCount()).isZero();
        }

        @Test
        void cacheCanBeTurnedOff() {
            ClerkIdentityVerifier uncached = verifier(ClerkConfig.builder().withoutCache());
            String token = minter.token().sign();

            assertThat(uncached.verify(token)).isEqualTo(uncached.verify(token));
            assertThat(uncached.cacheStats()).isNull();
        }
    }

    @Nested
    class Robustness {
        @Test
        void mutatedTokensOnlyEverRaiseIdentityRejected() {
            String token = minter.token().claim("email", "ada@example.test").sign();
            char[] alphabet = "AZaz09-_.=+/ \u0000\u00ff{}\"".toCharArray();
            Random random = new Random(20260301);
            int accepted = 0;
            for (int i = 0; i < 2_000; i++) {
                StringBuilder mutated = new StringBuilder(token);
                int edits = 1 + random.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    int at = random.nextInt(mutated.length());
                    switch (random.nextInt(3)) {
                        case 0 -> mutated.setCharAt(at, alphabet[random.nextInt(alphabet.length)]);
                        case 1 -> mutated.deleteCharAt(at);
                        default -> mutated.insert(at, alphabet[random.nextInt(alphabet.length)]);
                    }
                }
                String candidate = mutated.toString();
                Throwable thrown = catchThrowable(() -> verifier.verify(candidate));
                if (thrown == null) {
                    accepted++;
                    continue;
                }
                assertThat(thrown).as("mutation %d", i).isInstanceOf(IdentityRejectedException.class);
                assertThat(thrown.getMessage()).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
            }
            // Base64URL's last character can carry unused bits, so an edit there may decode identically.
            assertThat(accepted).isLessThan(20);
        }

        @Test
        void rejectionMessagesNeverContainTheTokenOrItsClaims() {
            String token = minter.token()
                    .subject("user_secret_subject")
                    .issuer("https://evil-issuer.test")
                    .sign();

            Throwable thrown = catchThrowable(() -> verifier.verify(token));

            assertThat(thrown).isInstanceOf(IdentityRejectedException.class);
            assertThat(thrown.getMessage())
                    .doesNotContain("user_secret_subject")
                    .doesNotContain("evil-issuer")
                    .doesNotContain(token.substring(0, 20));
        }
    }
}
