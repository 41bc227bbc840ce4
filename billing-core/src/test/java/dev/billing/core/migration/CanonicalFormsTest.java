package dev.billing.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.migration.MigrationReport;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The canonical forms and the order-independent checksum the migration verifies with. */
class CanonicalFormsTest {
    private static final Instant T = Instant.parse("2026-11-21T10:00:00.123456Z");

    @Test
    void aLinkHasTheDocumentedCanonicalForm() {
        CustomerLink link = new CustomerLink(UserId.of("user_é"), CustomerId.of("cus_1"), null, T);

        assertThat(CanonicalForms.canonical(link))
                .isEqualTo(
                        "customer_links|user_id:7:user_é;customer_id:5:cus_1;email:-;created_at:20:1795255200.123456000;");
    }

    @Test
    void nullAndEmptyAndShiftedValuesAreDistinct() {
        CustomerLink withNull = new CustomerLink(UserId.of("u"), CustomerId.of("c"), null, T);
        CustomerLink other = new CustomerLink(UserId.of("u"), CustomerId.of("c"), "a@b", T);
        CustomerLink later = new CustomerLink(UserId.of("u"), CustomerId.of("c"), null, T.plusNanos(1_000));

        assertThat(CanonicalForms.canonical(withNull))
                .isNotEqualTo(CanonicalForms.canonical(other))
                .isNotEqualTo(CanonicalForms.canonical(later));
    }

    @Test
    void metadataIsCanonicalWhateverTheMapOrder() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");

        assertThat(CanonicalForms.canonical(subscription(ab)))
                .isEqualTo(CanonicalForms.canonical(subscription(ba)))
                .contains("metadata:24:k:1:a;v:1:1;k:1:b;v:1:2;;");
    }

    @Test
    void whenASubscriptionTurnedPastDueIsPartOfItsForm() {
        Subscription pastDue = new Subscription(
                "sub_1",
                CustomerId.of("cus_1"),
                SubscriptionStatus.PAST_DUE,
                "price_1",
                1,
                T,
                T,
                false,
                null,
                null,
                null,
                null,
                null,
                T,
                Map.of(),
                SourceVersion.snapshot(T));

        assertThat(CanonicalForms.canonical(pastDue)).endsWith("past_due_since:-;");
        assertThat(CanonicalForms.canonical(pastDue.withPastDueSince(T)))
                .endsWith("past_due_since:20:1795255200.123456000;");
    }

    @Test
    void theChecksumIgnoresOrderButNotDuplicatesOrChanges() {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            records.add("record-" + i);
        }
        MigrationReport.Tally inOrder = tally(records);
        Collections.shuffle(records);
        MigrationReport.Tally shuffled = tally(records);
        List<String> duplicated = new ArrayList<>(records);
        duplicated.set(0, records.get(1));
        List<String> changed = new ArrayList<>(records);
        changed.set(5, "record-x");

        assertThat(shuffled).isEqualTo(inOrder);
        assertThat(tally(duplicated).checksum()).isNotEqualTo(inOrder.checksum());
        assertThat(tally(changed).checksum()).isNotEqualTo(inOrder.checksum());
        assertThat(inOrder.count()).isEqualTo(200);
    }

    @Test
    void theChecksumIsTheSumOfDigestsModulo2To256() throws Exception {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            records.add("r" + i);
        }
        BigInteger expected = BigInteger.ZERO;
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (String record : records) {
            expected = expected.add(new BigInteger(1, sha256.digest(record.getBytes(StandardCharsets.UTF_8))));
        }
        expected = expected.mod(BigInteger.ONE.shiftLeft(256));

        assertThat(tally(records).checksum()).isEqualTo(String.format("%064x", expected));
    }

    private static MigrationReport.Tally tally(List<String> records) {
        MigrateStores.Checksum checksum = new MigrateStores.Checksum();
        records.forEach(checksum::add);
        return checksum.tally();
    }

    private static Subscription subscription(Map<String, String> metadata) {
        return new Subscription(
                "sub_1",
                CustomerId.of("cus_1"),
                SubscriptionStatus.ACTIVE,
                "price_1",
                1,
                T,
                T,
                false,
                null,
                null,
                null,
                null,
                null,
                T,
                metadata,
                SourceVersion.snapshot(T));
    }
}
