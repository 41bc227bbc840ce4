package dev.billing.clerk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.error.WebhookRejectedException.Reason;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.testkit.webhook.SvixSignature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClerkWebhookVerifierTest {
    static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    static final String OLD_SECRET = "whsec_"
            + Base64.getEncoder().encodeToString("the-previous-signing-secret-0001".getBytes(StandardCharsets.UTF_8));
    static final ClerkWebhookVerifier VERIFIER = ClerkWebhookVerifier.create(List.of(SvixSignature.SECRET));

    static byte[] body(String action) {
        return SvixSignature.membershipEvent(action, "org_acme", "user_ada", "org:admin", NOW.minusSeconds(30))
                .getBytes(StandardCharsets.UTF_8);
    }

    static String sign(String secret, byte[] body) {
        return SvixSignature.sign(secret, "msg_1", NOW, body);
    }

    static StripeEvent verify(ClerkWebhookVerifier verifier, String signature, Instant timestamp, byte[] body) {
        return verifier.verify("msg_1", Long.toString(timestamp.getEpochSecond()), signature, body, NOW);
    }

    static Reason rejection(Runnable call) {
        try {
            call.run();
        } catch (WebhookRejectedException e) {
            return e.reason();
        }
        throw new AssertionError("the delivery was accepted");
    }

    @Test
    void aSignedMembershipEventIsReadAsAJoiningDatedByTheEvent() {
        byte[] body = body("created");

        StripeEvent event = verify(VERIFIER, sign(SvixSignature.SECRET, body), NOW, body);

        assertThat(event.id()).isEqualTo("msg_1");
        assertThat(event.type()).isEqualTo("clerk.organizationMembership.created");
        assertThat(event.created()).isEqualTo(NOW.minusSeconds(30));
        assertThat(event.objectId()).isEqualTo("orgmem_orgacmeuserada");
        assertThat(VERIFIER.decode(event))
                .contains(new OrgMember(
                        "org_acme",
                        UserId.of("user_ada"),
                        "org:admin",
                        true,
                        NOW.minusSeconds(30),
                        "msg_1",
                        "orgmem_orgacmeuserada"));
    }

    @Test
    void aDeletedMembershipIsALeavingAndOtherEventsCarryNoChange() {
        byte[] deleted = body("deleted");
        assertThat(VERIFIER.decode(verify(VERIFIER, sign(SvixSignature.SECRET, deleted), NOW, deleted)))
                .hasValueSatisfying(m -> assertThat(m.active()).isFalse());

        byte[] user = "{\"type\":\"user.created\",\"object\":\"event\",\"data\":{\"id\":\"user_1\"}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(VERIFIER.decode(verify(VERIFIER, sign(SvixSignature.SECRET, user), NOW, user)))
                .isEmpty();
    }

    @Test
    void anEventIsAboutTheUserItNamesSoAnErasureAndAnExportFindIt() {
        byte[] membership = body("updated");
        assertThat(verify(VERIFIER, sign(SvixSignature.SECRET, membership), NOW, membership)
                        .subjectId())
                .isEqualTo("user_ada");
        byte[] user = ("{\"type\":\"user.updated\",\"object\":\"event\",\"data\":{\"id\":\"user_1\","
                        + "\"object\":\"user\"}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(verify(VERIFIER, sign(SvixSignature.SECRET, user), NOW, user).subjectId())
                .isEqualTo("user_1");
        byte[] session = ("{\"type\":\"session.created\",\"object\":\"event\",\"data\":{\"id\":\"sess_1\","
                        + "\"object\":\"session\",\"user_id\":\"user_2\"}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(verify(VERIFIER, sign(SvixSignature.SECRET, session), NOW, session)
                        .subjectId())
                .isEqualTo("user_2");
    }

    @Test
    void anyOfSeveralSignaturesUnderAnyConfiguredSecretPasses() {
        byte[] body = body("created");
        String header = "v1," + Base64.getEncoder().encodeToString(new byte[32]) + " v1a,c29tZXRoaW5n "
                + sign(OLD_SECRET, body);
        ClerkWebhookVerifier rotating = ClerkWebhookVerifier.create(List.of(SvixSignature.SECRET, OLD_SECRET));

        assertThat(verify(rotating, header, NOW, body).id()).isEqualTo("msg_1");
        assertThat(rejection(() -> verify(VERIFIER, header, NOW, body))).isEqualTo(Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void aChangedBodyIdOrTimestampFailsTheSignature() {
        byte[] body = body("created");
        String signature = sign(SvixSignature.SECRET, body);
        byte[] changed = body("deleted");

        assertThat(rejection(() -> verify(VERIFIER, signature, NOW, changed))).isEqualTo(Reason.NO_MATCHING_SIGNATURE);
        assertThat(rejection(() -> VERIFIER.verify("msg_2", Long.toString(NOW.getEpochSecond()), signature, body, NOW)))
                .isEqualTo(Reason.NO_MATCHING_SIGNATURE);
        assertThat(rejection(() -> verify(VERIFIER, signature, NOW.minusSeconds(1), body)))
                .isEqualTo(Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void aTimestampMoreThanFiveMinutesAwayIsRefusedEvenWhenSigned() {
        byte[] body = body("created");
        Instant stale = NOW.minusSeconds(301);
        Instant future = NOW.plusSeconds(301);

        assertThat(rejection(() ->
                        verify(VERIFIER, SvixSignature.sign(SvixSignature.SECRET, "msg_1", stale, body), stale, body)))
                .isEqualTo(Reason.TIMESTAMP_TOO_OLD);
        assertThat(rejection(() -> verify(
                        VERIFIER, SvixSignature.sign(SvixSignature.SECRET, "msg_1", future, body), future, body)))
                .isEqualTo(Reason.TIMESTAMP_IN_FUTURE);
        Instant edge = NOW.minusSeconds(300);
        assertThat(verify(VERIFIER, SvixSignature.sign(SvixSignature.SECRET, "msg_1", edge, body), edge, body))
                .isNotNull();
    }

    @Test
    void missingOrMalformedHeadersAreRefused() {
        byte[] body = body("created");
        String ts = Long.toString(NOW.getEpochSecond());
        String signature = sign(SvixSignature.SECRET, body);

        assertThat(rejection(() -> VERIFIER.verify(null, ts, signature, body, NOW)))
                .isEqualTo(Reason.MISSING_SIGNATURE);
        assertThat(rejection(() -> VERIFIER.verify("msg_1", ts, " ", body, NOW)))
                .isEqualTo(Reason.MISSING_SIGNATURE);
        assertThat(rejection(() -> VERIFIER.verify("msg 1", ts, signature, body, NOW)))
                .isEqualTo(Reason.MALFORMED_SIGNATURE);
        assertThat(rejection(() -> VERIFIER.verify("msg_1", "soon", signature, body, NOW)))
                .isEqualTo(Reason.MALFORMED_SIGNATURE);
        assertThat(rejection(() -> VERIFIER.verify("msg_1", ts, "garbage", body, NOW)))
                .isEqualTo(Reason.MALFORMED_SIGNATURE);
        assertThat(rejection(() -> VERIFIER.verify("msg_1", ts, "v1,***", body, NOW)))
                .isEqualTo(Reason.MALFORMED_SIGNATURE);
    }

    @Test
    void aSignedBodyThatIsNotAClerkEventIsRefused() {
        for (String text : List.of("not json", "[]", "{\"type\":\"x\"}", "{\"data\":{}}")) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            assertThat(rejection(() -> verify(VERIFIER, sign(SvixSignature.SECRET, body), NOW, body)))
                    .as(text)
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
        }
        byte[] noOrg = "{\"type\":\"organizationMembership.created\",\"data\":{\"id\":\"orgmem_1\"}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(rejection(() -> verify(VERIFIER, sign(SvixSignature.SECRET, noOrg), NOW, noOrg)))
                .isEqualTo(Reason.MALFORMED_PAYLOAD);
    }

    @Test
    void aMembershipEventWithoutClerksIdsIsRefusedBeforeAnythingIsStored() {
        String good = SvixSignature.membershipEvent(
                "deleted", "orgmem_2abc", "org_2abc", "user_2abc", "org:member", NOW.minusSeconds(30));
        assertThat(verify(VERIFIER, sign(SvixSignature.SECRET, bytes(good)), NOW, bytes(good))
                        .objectId())
                .isEqualTo("orgmem_2abc");
        List<String> refused = List.of(
                good.replace("\"org_2abc\"", "\"acme\""),
                good.replace("\"org_2abc\"", "\"org_2a-bc\""),
                good.replace("\"org_2abc\"", "\"\""),
                good.replace("\"org_2abc\"", "17"),
                good.replace("\"user_2abc\"", "\"usr_2abc\""),
                good.replace("\"user_2abc\"", "\"user_\""),
                good.replace("\"user_2abc\"", "null"),
                good.replace("\"orgmem_2abc\"", "\"mem_2abc\""),
                good.replace("\"orgmem_2abc\"", "\"orgmem_2abc/../x\""),
                good.replace("\"id\":\"orgmem_2abc\",", ""),
                good.replace("\"user_2abc\"", "\"user_" + "a".repeat(65) + "\""));
        for (String body : refused) {
            assertThat(rejection(() -> verify(VERIFIER, sign(SvixSignature.SECRET, bytes(body)), NOW, bytes(body))))
                    .as(body)
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
        }
        // Other Clerk events carry no membership and are not held to it.
        byte[] user = bytes("{\"type\":\"user.updated\",\"data\":{\"id\":\"whatever\"}}");
        assertThat(verify(VERIFIER, sign(SvixSignature.SECRET, user), NOW, user).type())
                .isEqualTo("clerk.user.updated");
    }

    @Test
    void aSignedBodyNamingAKeyTwiceAnywhereIsRefused() {
        String good =
                SvixSignature.membershipEvent("created", "org_acme", "user_ada", "org:member", NOW.minusSeconds(30));
        List<String> doubled = List.of(
                good.replace("\"type\":", "\"type\":\"organizationMembership.deleted\",\"type\":"),
                good.replace("\"organization\":{", "\"organization\":{\"id\":\"org_other\","),
                good.replace("\"public_user_data\":{", "\"public_user_data\":{\"user_id\":\"user_eve\","),
                good.replace("\"slug\":\"acme\"", "\"slug\":\"acme\",\"slug\":\"acme\""),
                good.replace("\"data\":{", "\"data\":{\"role\":\"org:admin\","));
        for (String body : doubled) {
            assertThat(rejection(() -> verify(VERIFIER, sign(SvixSignature.SECRET, bytes(body)), NOW, bytes(body))))
                    .as(body)
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
        }
        byte[] user = bytes("{\"type\":\"user.updated\",\"data\":{\"id\":\"u\",\"x\":{\"a\":1,\"a\":2}}}");
        assertThat(rejection(() -> verify(VERIFIER, sign(SvixSignature.SECRET, user), NOW, user)))
                .isEqualTo(Reason.MALFORMED_PAYLOAD);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSecretThatIsNotSvixsIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> ClerkWebhookVerifier.create(List.of(SvixSignature.SECRET, "whsec_not base64!")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secret #2")
                .hasMessageNotContaining("not base64");
        assertThatThrownBy(() -> ClerkWebhookVerifier.create(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
