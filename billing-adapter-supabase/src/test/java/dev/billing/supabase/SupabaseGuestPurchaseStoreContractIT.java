package dev.billing.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.GuestPurchaseStore;
import dev.billing.testkit.contract.GuestPurchaseStoreContract;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link GuestPurchaseStoreContract} on real PostgREST over the billing SQL; and, beyond it, an email with more
 * purchases than PostgREST's {@code db-max-rows} (1000 here, as on Supabase), which cuts every answer without saying
 * so, and the index that serves the claim and the read (009).
 */
class SupabaseGuestPurchaseStoreContractIT extends GuestPurchaseStoreContract {
    /** '+' would be a space in a query string unless encoded. */
    private static final String MANY = "many+guest@example.com";

    private static final Comparator<GuestPurchase> PURCHASE_ORDER =
            Comparator.comparing(GuestPurchase::purchasedAt).thenComparing(GuestPurchase::sessionId, Keyset.BYTE_ORDER);
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_guests");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Override
    protected BillingStores stores() {
        return project.stores();
    }

    @Test
    void everyPurchaseOfAnEmailComesPageAfterPageInPurchaseOrderAndTheClaimTakesThemAll() {
        // 1,200 purchases, four to a second (ties broken by session id across page ends), 100 of them claimed by
        // someone else before.
        project.supabase().executeSql("""
                INSERT INTO public.billing_guest_purchases (session_id, email, price_id, quantity, currency,
                       amount_total, customer_id, purchased_at, claimed_by, claimed_at)
                SELECT 'cs_many_' || lpad(i::text, 4, '0'), 'many+guest@example.com', 'price_credits_100', 1, 'usd',
                       500, NULL, timestamptz '2026-01-01' + (i / 4) * interval '1 second',
                       CASE WHEN i % 12 = 0 THEN 'user_other' END, CASE WHEN i % 12 = 0 THEN now() END
                  FROM generate_series(1, 1200) AS i;
                ANALYZE public.billing_guest_purchases;
                """);
        GuestPurchaseStore store = stores().guests();

        List<GuestPurchase> all = store.ofEmail(" Many+Guest@Example.com");
        assertThat(all)
                .hasSize(1200)
                .isSortedAccordingTo(PURCHASE_ORDER)
                .extracting(GuestPurchase::sessionId)
                .doesNotHaveDuplicates();

        UserId ada = UserId.of("user_many_guest");
        Instant at = Instant.parse("2026-02-01T00:00:00Z");
        List<GuestPurchase> claimed = store.claim(MANY, ada, at);
        assertThat(claimed)
                .hasSize(1100)
                .isSortedAccordingTo(PURCHASE_ORDER)
                .allSatisfy(p -> assertThat(p.claimedBy()).isEqualTo(ada))
                .extracting(GuestPurchase::sessionId)
                .doesNotHaveDuplicates();
        assertThat(store.claim(MANY, ada, at.plusSeconds(60))).isEqualTo(claimed);
        assertThat(store.ofEmail(MANY)).filteredOn(p -> p.claimedBy() == null).isEmpty();
    }

    @Test
    void theClaimAndTheReadFindTheEmailsRowsInItsIndex() {
        String claim = Sql.plan(project.database(), """
                WITH taken AS (
                  UPDATE public.billing_guest_purchases g SET claimed_by = 'u', claimed_at = now()
                   WHERE g.email = 'e' AND g.claimed_by IS NULL RETURNING g.*)
                SELECT t.* FROM taken t
                UNION ALL
                SELECT g.* FROM public.billing_guest_purchases g WHERE g.email = 'e' AND g.claimed_by = 'u'""");
        String read = Sql.plan(project.database(), """
                SELECT * FROM public.billing_guest_purchases WHERE email = 'e'
                 ORDER BY purchased_at, session_id LIMIT 500""");

        assertThat(claim)
                .as(claim)
                .contains("Index Scan using billing_guest_purchases_email_idx")
                .doesNotContain("Seq Scan");
        assertThat(read)
                .as(read)
                .contains("Index Scan using billing_guest_purchases_email_idx")
                .doesNotContain("Seq Scan");
    }
}
