package dev.billing.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AdminSessionsTest {
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final AdminSessions sessions = new AdminSessions("token-one", Duration.ofHours(1), clock);

    @Test
    void aSessionHoldsUntilItsLifetimeEnds() {
        String cookie = sessions.open();
        assertThat(sessions.verify(cookie)).isPresent();
        clock.advance(Duration.ofMinutes(59));
        assertThat(sessions.verify(cookie)).isPresent();
        clock.advance(Duration.ofMinutes(1));
        assertThat(sessions.verify(cookie)).isEmpty();
    }

    @Test
    void anotherTokenSignsEveryoneOut() {
        String cookie = sessions.open();
        assertThat(new AdminSessions("token-two", Duration.ofHours(1), clock).verify(cookie))
                .isEmpty();
        assertThat(new AdminSessions("token-one", Duration.ofHours(1), clock).verify(cookie))
                .isPresent();
    }

    @Test
    void aLongerExpiryCannotBeWrittenIn() {
        String cookie = sessions.open();
        String[] parts = cookie.split("\\.");
        String extended = parts[0] + "." + (Long.parseLong(parts[1]) + 86_400) + "." + parts[2];
        assertThat(sessions.verify(extended)).isEmpty();
        assertThat(sessions.verify("garbage")).isEmpty();
        assertThat(sessions.verify(null)).isEmpty();
        assertThat(sessions.verify("a.b.c")).isEmpty();
    }

    @Test
    void csrfTokensBelongToOneSession() {
        AdminSessions.Session one = sessions.verify(sessions.open()).orElseThrow();
        AdminSessions.Session two = sessions.verify(sessions.open()).orElseThrow();
        assertThat(sessions.csrfMatches(one, sessions.csrfToken(one))).isTrue();
        assertThat(sessions.csrfMatches(one, sessions.csrfToken(two))).isFalse();
        assertThat(sessions.csrfMatches(one, null)).isFalse();
        assertThat(sessions.csrfMatches(one, "%%%")).isFalse();
    }

    @Test
    void theTokenComparisonIgnoresSurroundingSpaceOnly() {
        assertThat(sessions.isAdminToken(" token-one\n")).isTrue();
        assertThat(sessions.isAdminToken("token-on")).isFalse();
        assertThat(sessions.isAdminToken(null)).isFalse();
    }

    @Test
    void aRevokedSessionStaysRevokedUntilItsCookieWouldExpireAndIsThenForgotten() {
        String cookie = sessions.open();
        sessions.revoke(sessions.verify(cookie).orElseThrow());
        assertThat(sessions.verify(cookie)).isEmpty();
        assertThat(sessions.revokedCount()).isEqualTo(1);

        clock.advance(Duration.ofHours(1));
        sessions.revoke(sessions.verify(sessions.open()).orElseThrow());

        assertThat(sessions.verify(cookie)).as("expired anyway").isEmpty();
        assertThat(sessions.revokedCount())
                .as("the expired revocation is dropped")
                .isEqualTo(1);
    }
}
