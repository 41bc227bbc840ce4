-- A claimed guest purchase is moved, not copied; a refund's creation is audited once per refund.
--
-- A guest's paid Checkout is recorded as a purchase under the customer Stripe made for the guest (CheckoutEvents).
-- Until now a claim (GuestPurchaseStore.claim) recorded a second purchase '<session>_claimed' under the claimer's
-- customer, without the payment intent: analytics counted the sale twice, the trail had two purchase.recorded, and
-- the purchase's refunds never showed for the claimer. A claim now moves the one row to the claimer's customer in
-- the claim's own statement (JdbiGuestPurchaseStore); the trigger below audits the move once as purchase.claimed.
-- The copies already made are repaired here: the original moves to the claimer's customer, the copy goes, and the
-- copy's purchase.recorded entry becomes the original's purchase.claimed (same time and cause: that is when and why
-- the claim happened), so the trail holds one recorded and one claimed entry per claimed purchase. A claim that took
-- the purchases but failed before its copy is finished by the claimer's next claim.
--
-- A customer's refunds (refundsOf) include those of its purchases' payment intents, since Stripe names the guest's
-- customer on a claimed purchase's refunds: refunds_payment_intent_idx finds them.
--
-- POST /admin/refunds retried with the same Idempotency-Key (a new request id) got Stripe's same refund back and
-- recorded refund.created a second time, since explicit entries were once per cause. A refund's creation is now once
-- per refund (AuditAction.oncePerEntity): the duplicates are removed (the oldest entry, the request that made the
-- refund, stays) and audit_log_refund_created_key keeps it so. Building it reads the audit_log once under a lock that
-- holds its inserts back; docs/POSTGRES.md says how to build it beforehand on a large trail.
--
-- MigrationsIT replays the latest migration: every statement changes nothing the
-- second time (the copies are gone, the duplicates too, the rest is IF NOT EXISTS or replaced).

CREATE OR REPLACE FUNCTION audit_purchases_claimed() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.audit_log (entity, entity_id, action, customer_id, cause, detail)
    SELECT 'purchase', n.id, 'claimed', n.customer_id, n.cause,
           jsonb_build_object('old_customer_id', o.customer_id, 'price_id', n.price_id,
                              'quantity', n.quantity::text, 'amount_total', n.amount_total::text,
                              'currency', n.currency)
    FROM (SELECT row_number() OVER () AS rn, r.* FROM new_rows r) AS n JOIN old_rows o ON o.id = n.id
    WHERE n.customer_id IS DISTINCT FROM o.customer_id AND n.cause IS DISTINCT FROM 'system:migration'
    ORDER BY n.rn;
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS purchases_audit_claim ON purchases;
CREATE TRIGGER purchases_audit_claim
    AFTER UPDATE ON purchases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_purchases_claimed();

CREATE INDEX IF NOT EXISTS refunds_payment_intent_idx ON refunds (payment_intent_id)
    WHERE payment_intent_id IS NOT NULL;

-- The repair runs as the system's own work (cause system:migration), which the trigger above does not audit: the
-- copy's entry becomes the move's.
WITH copies AS (
    SELECT c.id AS copy_id, o.id AS original_id, c.customer_id AS claimer, o.customer_id AS guest
    FROM guest_purchases g
    JOIN purchases c ON c.id = g.session_id || '_claimed'
    JOIN purchases o ON o.id = g.session_id
    WHERE g.claimed_by IS NOT NULL
), moved AS (
    UPDATE purchases p SET customer_id = c.claimer, cause = 'system:migration'
    FROM copies c
    WHERE p.id = c.original_id AND p.customer_id <> c.claimer
    RETURNING p.id
), relabelled AS (
    UPDATE audit_log a SET action = 'claimed', entity_id = c.original_id,
        detail = a.detail || jsonb_build_object('old_customer_id', c.guest)
    FROM copies c
    WHERE a.entity = 'purchase' AND a.action = 'recorded' AND a.entity_id = c.copy_id
    RETURNING a.id
)
DELETE FROM purchases p USING copies c WHERE p.id = c.copy_id;

DELETE FROM audit_log a
USING audit_log b
WHERE a.explicit AND b.explicit
  AND a.entity = 'refund' AND a.action = 'created' AND b.entity = 'refund' AND b.action = 'created'
  AND a.entity_id = b.entity_id AND a.id > b.id;
CREATE UNIQUE INDEX IF NOT EXISTS audit_log_refund_created_key ON audit_log (entity_id)
    WHERE explicit AND entity = 'refund' AND action = 'created';
