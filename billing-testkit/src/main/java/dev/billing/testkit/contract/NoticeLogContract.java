package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.port.NoticeLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every store's notice log guarantees: each attempt is kept as recorded (kind, user, customer, cause event,
 * status, error, message id, time), listed newest first, filtered by user, kind and status, paged by a cursor that
 * neither skips nor repeats a row; an erasure's pseudonym replaces the user on every row. The store may be shared:
 * every test uses users of its own.
 *
 * <p>Usage: {@code class JdbiNoticeLogContractIT extends NoticeLogContract { protected NoticeLog log() {...} }}
 */
public abstract class NoticeLogContract {
    private NoticeLog log;
    private UserId user;
    private CustomerId customer;

    /** The notice log under test. */
    protected abstract NoticeLog log();

    @BeforeEach
    void setUpNotices() {
        log = log();
        user = UserId.of(unique("user_notice_"));
        customer = CustomerId.of(unique("cus_notice_"));
    }

    private NoticeRecord notice(String event, NoticeKind kind, NoticeStatus status) {
        return new NoticeRecord(
                event,
                kind,
                user,
                customer,
                status,
                status == NoticeStatus.SENT ? "<billing." + event + "@example.com>" : null,
                status == NoticeStatus.SENT ? null : "SmtpSendException: connection refused",
                T0);
    }

    @Test
    @DisplayName("retention: the oldest rows attempted before the cut-off go, a batch at a time; newer rows stay")
    void pruneDeletesOldRows() {
        log.record(notice(unique("evt_"), NoticeKind.PAYMENT_FAILED, NoticeStatus.FAILED));
        log.record(notice(unique("evt_"), NoticeKind.PAYMENT_FAILED, NoticeStatus.SENT));
        NoticeRecord recent = new NoticeRecord(
                unique("evt_"),
                NoticeKind.PAYMENT_FAILED,
                user,
                customer,
                NoticeStatus.SENT,
                "<billing.recent@example.com>",
                null,
                T0.plus(Duration.ofDays(400)));
        log.record(recent);
        Instant cutOff = T0.plus(Duration.ofDays(1));

        assertThat(log.prune(cutOff, 1)).as("one batch of one").isEqualTo(1);
        while (log.prune(cutOff, 100) > 0) {
            // other tests' rows are as old: work them off too
        }

        assertThat(log.forUser(user)).extracting(NoticeEntry::record).containsExactly(recent);
        assertThat(log.prune(cutOff, 100)).isZero();
    }

    @Test
    @DisplayName("a recorded attempt comes back as it was recorded")
    void keepsEveryField() {
        NoticeRecord failed = notice(unique("evt_"), NoticeKind.PAYMENT_FAILED, NoticeStatus.FAILED);
        log.record(failed);

        List<NoticeEntry> rows = log.list(NoticeQuery.all(10).withUser(user)).items();

        assertThat(rows).extracting(NoticeEntry::record).containsExactly(failed);
    }

    @Test
    @DisplayName("a failure and then a success of one event are two rows, newest first")
    void everyAttemptIsItsOwnRow() {
        String event = unique("evt_");
        log.record(notice(event, NoticeKind.RECEIPT, NoticeStatus.FAILED));
        log.record(notice(event, NoticeKind.RECEIPT, NoticeStatus.SENT));

        List<NoticeEntry> rows = log.list(NoticeQuery.all(10).withUser(user)).items();

        assertThat(rows).extracting(e -> e.record().status()).containsExactly(NoticeStatus.SENT, NoticeStatus.FAILED);
        assertThat(rows.get(0).id()).isGreaterThan(rows.get(1).id());
        assertThat(rows.get(0).record().messageId()).isEqualTo("<billing." + event + "@example.com>");
    }

    @Test
    @DisplayName("a notice went out to a user once a row of that event is sent or skipped, not while it only failed")
    void wentOutCountsSentAndSkippedForThatUser() {
        String failedOnly = unique("evt_");
        String sent = unique("evt_");
        String skipped = unique("evt_");
        log.record(notice(failedOnly, NoticeKind.PAYMENT_FAILED, NoticeStatus.FAILED));
        log.record(notice(sent, NoticeKind.RECEIPT, NoticeStatus.FAILED));
        log.record(notice(sent, NoticeKind.RECEIPT, NoticeStatus.SENT));
        log.record(notice(skipped, NoticeKind.TRIAL_ENDING, NoticeStatus.SKIPPED));

        assertThat(log.wentOut(failedOnly, user)).isFalse();
        assertThat(log.wentOut(sent, user)).isTrue();
        assertThat(log.wentOut(skipped, user)).isTrue();
        assertThat(log.wentOut(sent, UserId.of(unique("user_other_")))).isFalse();
        assertThat(log.wentOut(unique("evt_"), user)).isFalse();
    }

    @Test
    @DisplayName("filters by kind and status, each alone and together")
    void filters() {
        log.record(notice(unique("evt_"), NoticeKind.RECEIPT, NoticeStatus.SENT));
        log.record(notice(unique("evt_"), NoticeKind.PLAN_CHANGED, NoticeStatus.SENT));
        log.record(notice(unique("evt_"), NoticeKind.PLAN_CHANGED, NoticeStatus.FAILED));
        NoticeQuery mine = NoticeQuery.all(10).withUser(user);

        assertThat(log.list(mine.withKind(NoticeKind.PLAN_CHANGED)).items()).hasSize(2);
        assertThat(log.list(mine.withStatus(NoticeStatus.SENT)).items()).hasSize(2);
        assertThat(log.list(mine.withKind(NoticeKind.PLAN_CHANGED).withStatus(NoticeStatus.FAILED))
                        .items())
                .extracting(e -> e.record().kind())
                .containsExactly(NoticeKind.PLAN_CHANGED);
        assertThat(log.list(mine.withKind(NoticeKind.REFUND_ISSUED)).items()).isEmpty();
    }

    @Test
    @DisplayName("the cursor pages through every row once")
    void pagesWithTheCursor() {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(unique("evt_"));
            log.record(notice(events.get(i), NoticeKind.RENEWAL_REMINDER, NoticeStatus.SENT));
        }
        List<String> seen = new ArrayList<>();
        NoticeQuery query = NoticeQuery.all(2).withUser(user);
        Page<NoticeEntry> page;
        do {
            page = log.list(query);
            page.items().forEach(e -> seen.add(e.record().eventId()));
            query = query.after(page.nextCursor());
        } while (page.hasMore());

        Collections.reverse(events);
        assertThat(seen).containsExactlyElementsOf(events);
    }

    @Test
    @DisplayName(
            "an erasure's pseudonym replaces the user on every row; a failure's text (it may quote the address) goes")
    void pseudonymises() {
        log.record(notice(unique("evt_"), NoticeKind.SUBSCRIPTION_STARTED, NoticeStatus.SENT));
        log.record(notice(unique("evt_"), NoticeKind.SUBSCRIPTION_CANCELED, NoticeStatus.SKIPPED));
        log.record(new NoticeRecord(
                unique("evt_"),
                NoticeKind.PAYMENT_FAILED,
                user,
                customer,
                NoticeStatus.FAILED,
                null,
                "550 5.1.1 <ada@example.com>: Recipient address rejected",
                T0));
        UserId pseudonym = UserId.of(unique("erased_"));

        assertThat(log.pseudonymise(user, pseudonym)).isEqualTo(3);

        assertThat(log.forUser(user)).isEmpty();
        assertThat(log.forUser(pseudonym))
                .hasSize(3)
                .allSatisfy(e -> assertThat(e.record().error()).isNull())
                .extracting(e -> e.record().status())
                .containsExactlyInAnyOrder(NoticeStatus.SENT, NoticeStatus.SKIPPED, NoticeStatus.FAILED);
        assertThat(log.list(NoticeQuery.all(10).withUser(user)).items()).isEmpty();
    }

    @Test
    @DisplayName("restore writes a row with its own id once, replaces a changed one, and later rows come after it")
    void restoreWritesARowWithItsOwnIdOnce() {
        List<NoticeEntry> newest = log.list(NoticeQuery.all(1)).items();
        // Above every row, far enough that tests sharing the store do not reach it first.
        long id = (newest.isEmpty() ? 0 : newest.get(0).id()) + 1_000 + Math.floorMod(user.hashCode(), 1_000_000);
        NoticeEntry sent = new NoticeEntry(
                id,
                new NoticeRecord(
                        unique("evt_"),
                        NoticeKind.RECEIPT,
                        user,
                        customer,
                        NoticeStatus.SENT,
                        "<m1@example.com>",
                        null,
                        T0.plusNanos(123_000)));
        NoticeEntry failed =
                new NoticeEntry(id + 1, notice(unique("evt_"), NoticeKind.PAYMENT_FAILED, NoticeStatus.FAILED));

        assertThat(log.restore(failed)).isTrue();
        assertThat(log.restore(sent)).isTrue();
        assertThat(log.restore(sent)).isFalse();
        assertThat(log.list(NoticeQuery.all(10).withUser(user)).items()).containsExactly(failed, sent);

        UserId pseudonym = UserId.of(unique("erased_"));
        NoticeRecord r = sent.record();
        NoticeEntry erased = new NoticeEntry(
                id,
                new NoticeRecord(
                        r.eventId(),
                        r.kind(),
                        pseudonym,
                        r.customerId(),
                        r.status(),
                        r.messageId(),
                        r.error(),
                        r.at()));
        assertThat(log.restore(erased)).isTrue();
        assertThat(log.forUser(pseudonym)).containsExactly(erased);

        log.record(notice(unique("evt_"), NoticeKind.RECEIPT, NoticeStatus.SENT));
        assertThat(log.list(NoticeQuery.all(10).withUser(user)).items().get(0).id())
                .isGreaterThan(id + 1);
    }
}
