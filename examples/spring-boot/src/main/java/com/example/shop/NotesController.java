package com.example.shop;

import dev.billing.core.Billing;
import dev.billing.core.model.UserId;
import dev.billing.core.model.subscription.Entitlements;
import dev.billing.spring.BillingPrincipal;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The shop's own routes: signed in by the same Clerk session token as the billing routes, gated by the user's
 * entitlements, stored in the shop's own table.
 */
@RestController
class NotesController {
    private final Billing billing;
    private final JdbcTemplate jdbc;

    NotesController(Billing billing, JdbcTemplate jdbc) {
        this.billing = billing;
        this.jdbc = jdbc;
    }

    @GetMapping("/api/me")
    Map<String, Object> me(@AuthenticationPrincipal BillingPrincipal me) {
        Entitlements entitlements = billing.entitlements(UserId.of(me.userId()));
        return Map.of(
                "userId",
                me.userId(),
                "sessionId",
                me.sessionId(),
                "orgId",
                me.orgId() == null ? "" : me.orgId(),
                "tier",
                entitlements.tier());
    }

    /** Writing notes is a pro feature. */
    @PostMapping("/api/notes")
    Map<String, Object> add(@AuthenticationPrincipal BillingPrincipal me, @RequestBody Map<String, String> note) {
        if (!billing.entitlements(UserId.of(me.userId())).features().contains("sso")) {
            throw new ResponseStatusException(HttpStatus.PAYMENT_REQUIRED, "Notes need the pro plan.");
        }
        jdbc.update("INSERT INTO notes (user_id, body) VALUES (?, ?)", me.userId(), note.get("body"));
        return Map.of("saved", true);
    }

    @GetMapping("/api/notes")
    List<String> list(@AuthenticationPrincipal BillingPrincipal me) {
        return jdbc.queryForList("SELECT body FROM notes WHERE user_id = ? ORDER BY id", String.class, me.userId());
    }
}
