package dev.billing.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code billing_audit_list} (025) reads an account's or a customer's page along their indexes: the rows it reads
 * stay a handful on a trail of thousands whose other entries are newer, where 011's function walked the whole trail
 * back from its newest entry. Counted with the transaction's own table statistics, on the plans Postgres uses for a
 * large table ({@link Sql#read}).
 */
class SupabaseAuditListIT {
    private static final int OTHERS = 4_000;
    private static final String EVERYTHING = "9223372036854775807";

    private static SupabaseProject project;
    private static List<Long> account;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_auditlist");
        // The account's entries first (its link, audited by 011's trigger, then two of its customer's), then
        // thousands of other customers' entries, all newer.
        Sql.execute(
                project.database(),
                "INSERT INTO public.stripe_customer_mapping (clerk_user_id, stripe_customer_id) VALUES ('user_a', 'cus_a')");
        Sql.execute(project.database(), """
                INSERT INTO public.billing_audit_log (entity, entity_id, action, customer_id)
                VALUES ('subscription', 'sub_a', 'created', 'cus_a'), ('invoice', 'in_a', 'paid', 'cus_a')""");
        Sql.execute(project.database(), """
                INSERT INTO public.billing_audit_log (entity, entity_id, action, customer_id)
                SELECT 'invoice', 'in_' || g, 'paid', 'cus_' || (g %% 400) FROM generate_series(1, %d) g""".formatted(OTHERS));
        Sql.execute(project.database(), "ANALYZE public.billing_audit_log");
        account = Sql.column(
                        project.database(),
                        "SELECT id FROM public.billing_audit_log WHERE user_id = 'user_a' OR customer_id = 'cus_a'"
                                + " ORDER BY id DESC")
                .stream()
                .map(Long::valueOf)
                .toList();
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Test
    void anAccountsPageReadsItsOwnEntriesNotTheTrail() {
        Listed listed = list("'user_a', NULL", 50);

        assertThat(account).hasSize(3);
        assertThat(listed.ids()).isEqualTo(account);
        assertThat(listed.rowsRead()).as("rows of billing_audit_log read").isLessThan(30);
    }

    @Test
    void aCustomersPageReadsItsOwnEntriesNotTheTrail() {
        Listed listed = list("NULL, 'cus_a'", 50);

        assertThat(listed.ids()).isEqualTo(account);
        assertThat(listed.rowsRead()).as("rows of billing_audit_log read").isLessThan(30);
    }

    @Test
    void theWholeTrailsFirstPageReadsAboutAPage() {
        Listed listed = list("NULL, NULL", 10);

        assertThat(listed.ids()).hasSize(10).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(listed.rowsRead()).as("rows of billing_audit_log read").isLessThan(40);
    }

    @Test
    void anAccountWithoutEntriesReadsNothingOfTheTrail() {
        Listed listed = list("'user_nobody', NULL", 50);

        assertThat(listed.ids()).isEmpty();
        assertThat(listed.rowsRead()).as("rows of billing_audit_log read").isLessThan(5);
    }

    private record Listed(List<Long> ids, long rowsRead) {}

    /** Calls the function with these account arguments, counting the rows of the trail it read. */
    private static Listed list(String accountArguments, int limit) {
        Sql.Read read = Sql.read(
                project.database(),
                "public.billing_audit_log",
                "SELECT id FROM public.billing_audit_list(" + accountArguments + ", NULL, NULL, NULL, NULL, "
                        + EVERYTHING + ", " + limit + ")");
        return new Listed(read.values().stream().map(Long::valueOf).toList(), read.rowsRead());
    }
}
