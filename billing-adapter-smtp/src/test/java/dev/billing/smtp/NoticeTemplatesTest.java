package dev.billing.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.Money;
import dev.billing.core.model.UserId;
import dev.billing.core.model.notice.Notification;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NoticeTemplatesTest {
    private static final UserId USER = UserId.of("user_1");
    private static final String EMAIL = "ada@example.com";
    private static final String INVOICE_URL = "https://invoice.stripe.com/i/acct_1/test_abc?s=em";

    @Nested
    class TrialEnding {
        private final Notification.TrialEnding notice =
                new Notification.TrialEnding("evt_1", USER, EMAIL, "sub_42", Instant.parse("2026-12-05T10:00:00Z"));

        @Test
        void saysWhenTheTrialEndsAndHowToKeepThePlan() {
            NoticeTemplates.Rendered r = NoticeTemplates.render(notice, "Acme");

            assertThat(r.kind()).isEqualTo("trial-ending");
            assertThat(r.subject()).isEqualTo("Your Acme trial is ending");
            assertThat(r.text())
                    .contains("Your Acme trial ends on December 5, 2026 at 10:00 UTC.")
                    .contains("To keep your plan, make sure a payment method is on file")
                    .contains("billing settings in Acme")
                    .contains("Subscription: sub_42");
            assertThat(r.html())
                    .contains("<p>Your Acme trial ends on December 5, 2026 at 10:00 UTC.</p>")
                    .contains("To keep your plan")
                    .contains("<td>sub_42</td>");
        }

        @Test
        void withoutAnEndDateSaysSoon() {
            Notification.TrialEnding undated = new Notification.TrialEnding("evt_1", USER, EMAIL, "sub_42", null);

            assertThat(NoticeTemplates.render(undated, "Acme").text())
                    .contains("Your Acme trial is ending soon.")
                    .doesNotContain("null");
        }
    }

    @Nested
    class PaymentFailed {
        @Test
        void givesTheAmountAndTheHostedInvoiceLink() {
            NoticeTemplates.Rendered r = NoticeTemplates.render(
                    new Notification.PaymentFailed("evt_2", USER, EMAIL, "in_7", Money.of(2900, "usd"), INVOICE_URL),
                    "Acme");

            assertThat(r.kind()).isEqualTo("payment-failed");
            assertThat(r.subject()).isEqualTo("Your Acme payment failed");
            assertThat(r.text())
                    .contains("We could not collect your payment of $29.00 for Acme.")
                    .contains("Pay the invoice or update your payment method here:\n" + INVOICE_URL + "\n")
                    .contains("Invoice: in_7");
            assertThat(r.html())
                    .contains("<a href=\"https://invoice.stripe.com/i/acct_1/test_abc?s=em\">" + "Pay the invoice</a>")
                    .contains("$29.00");
        }

        @Test
        void formatsZeroDecimalAmountsInWholeUnits() {
            NoticeTemplates.Rendered r = NoticeTemplates.render(
                    new Notification.PaymentFailed("evt_2", USER, EMAIL, "in_7", Money.of(1500, "jpy"), INVOICE_URL),
                    "Acme");

            assertThat(r.text()).contains("payment of ¥1,500 for").doesNotContain("¥15.00");
        }

        @Test
        void withoutALinkSendsThePersonToTheBillingSettings() {
            NoticeTemplates.Rendered r = NoticeTemplates.render(
                    new Notification.PaymentFailed("evt_2", USER, EMAIL, "in_7", Money.of(1999, "eur"), null), "Acme");

            assertThat(r.text())
                    .contains("€19.99")
                    .contains("Sign in to Acme and update your payment method in the billing settings.")
                    .doesNotContain("http");
            assertThat(r.html()).doesNotContain("<a ");
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "javascript:alert(1)",
                    "invoice.stripe.com/i/1",
                    "ftp://example.com/i",
                    "https://exa mple.com/i",
                    "data:text/html,hi",
                    "https://example.com/i?a=\"><script>x</script>"
                })
        void aLinkThatIsNotAnAbsoluteHttpUrlIsLeftOut(String url) {
            NoticeTemplates.Rendered r = NoticeTemplates.render(
                    new Notification.PaymentFailed("evt_2", USER, EMAIL, "in_7", Money.of(2900, "usd"), url), "Acme");

            assertThat(r.text()).doesNotContain(url).contains("Sign in to Acme");
            assertThat(r.html()).doesNotContain("<a ");
        }
    }

    @Nested
    class Receipt {
        @Test
        void saysWhatWasPaidHowMuchAndLinksTheInvoice() {
            NoticeTemplates.Rendered r = NoticeTemplates.render(
                    new Notification.Receipt(
                            "evt_3", USER, EMAIL, "in_9", "Invoice INV-0009", Money.of(4900, "usd"), INVOICE_URL),
                    "Acme");

            assertThat(r.kind()).isEqualTo("receipt");
            assertThat(r.subject()).isEqualTo("Your Acme receipt");
            assertThat(r.text())
                    .contains("Thank you for your payment.")
                    .contains("Item: Invoice INV-0009\n")
                    .contains("Amount paid: $49.00\n")
                    .contains("Reference: in_9\n")
                    .contains("View the invoice online:\n" + INVOICE_URL);
            assertThat(r.html())
                    .contains("<td>Invoice INV-0009</td>")
                    .contains("<td>$49.00</td>")
                    .contains("href=\"" + INVOICE_URL + "\"");
        }

        @Test
        void aOneTimePurchaseWithoutLinkHasNoLink() {
            NoticeTemplates.Rendered r = NoticeTemplates.render(
                    new Notification.Receipt("evt_4", USER, EMAIL, "cs_5", "2 x credits", Money.of(1000, "eur"), null),
                    "Acme");

            assertThat(r.text())
                    .contains("Item: 2 x credits")
                    .contains("Amount paid: €10.00")
                    .contains("Reference: cs_5")
                    .doesNotContain("View the invoice")
                    .doesNotContain("http");
            assertThat(r.html()).doesNotContain("<a ");
        }

        @Test
        void withoutADescriptionTheReferenceNamesTheItem() {
            NoticeTemplates.Rendered r = NoticeTemplates.render(
                    new Notification.Receipt("evt_4", USER, EMAIL, "cs_5", null, Money.of(1000, "usd"), null), "Acme");

            assertThat(r.text()).contains("Item: cs_5").doesNotContain("null");
        }
    }

    @Test
    void everyValueIsEscapedInTheHtml() {
        NoticeTemplates.Rendered r = NoticeTemplates.render(
                new Notification.Receipt(
                        "evt_5",
                        USER,
                        EMAIL,
                        "cs_5",
                        "<script>alert('x')</script> & more",
                        Money.of(1000, "usd"),
                        "https://example.com/i?a=1&b=2"),
                "A&B <Co>");

        assertThat(r.html())
                .doesNotContain("<script>")
                .doesNotContain("<Co>")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more")
                .contains("A&amp;B &lt;Co&gt;")
                .contains("href=\"https://example.com/i?a=1&amp;b=2\"");
        assertThat(r.text()).as("plain text is shown as is").contains("<script>alert('x')</script> & more");
    }

    @Test
    void subjectsAreFixedPerKindAndCarryNoPerNoticeValue() {
        Notification one = new Notification.PaymentFailed("evt_a", USER, EMAIL, "in_1", Money.of(100, "usd"), null);
        Notification other = new Notification.PaymentFailed(
                "evt_b", UserId.of("user_2"), "bob@example.com", "in_2", Money.of(99_999, "jpy"), INVOICE_URL);

        assertThat(NoticeTemplates.subject(one, "Acme"))
                .isEqualTo(NoticeTemplates.subject(other, "Acme"))
                .isEqualTo("Your Acme payment failed");
    }

    @Test
    void noBodyShowsTheRecipientAddress() {
        for (Notification notice : new Notification[] {
            new Notification.TrialEnding("evt_1", USER, EMAIL, "sub_1", Instant.parse("2026-12-05T10:00:00Z")),
            new Notification.PaymentFailed("evt_2", USER, EMAIL, "in_1", Money.of(100, "usd"), INVOICE_URL),
            new Notification.Receipt("evt_3", USER, EMAIL, "in_1", "Invoice", Money.of(100, "usd"), INVOICE_URL)
        }) {
            NoticeTemplates.Rendered r = NoticeTemplates.render(notice, "Acme");
            assertThat(r.text() + r.html() + r.subject())
                    .as(r.kind())
                    .doesNotContain(EMAIL)
                    .doesNotContain("user_1");
        }
    }

    @Nested
    class SubscriptionNotices {
        @Test
        void aStartedTrialSaysWhenItEnds() {
            NoticeTemplates.Rendered r = NoticeTemplates.render(
                    new Notification.SubscriptionStarted(
                            "evt_1", USER, EMAIL, "sub_42", "pro", Instant.parse("2026-12-05T10:00:00Z")),
                    "Acme");

            assertThat(r.kind()).isEqualTo("subscription-started");
            assertThat(r.text())
                    .contains("Your Acme subscription to the pro plan has started.")
                    .contains("Your trial runs until December 5, 2026 at 10:00 UTC")
                    .contains("Subscription: sub_42");
        }

        @Test
        void aPlanChangeWithoutTheEarlierPlanNamesTheNewOne() {
            NoticeTemplates.Rendered r = NoticeTemplates.render(
                    new Notification.PlanChanged("evt_1", USER, EMAIL, "sub_42", null, "pro"), "Acme");

            assertThat(r.text()).contains("Your Acme plan is now pro.").contains("Plan: pro");
        }

        @Test
        void aPlanChangeInvoicedAtOnceSaysTheDifferenceWasCharged() {
            NoticeTemplates.Rendered charged = NoticeTemplates.render(
                    new Notification.PlanChanged(
                            "evt_1", USER, EMAIL, "sub_42", "basic", "pro", true, new Money(1450, "usd")),
                    "Acme");
            assertThat(charged.text())
                    .contains("The difference in price, $14.50, was charged at once")
                    .contains("Charged now: $14.50")
                    .doesNotContain("next invoice");
            assertThat(charged.html()).contains("The difference in price, $14.50, was charged at once");

            assertThat(NoticeTemplates.render(
                                    new Notification.PlanChanged(
                                            "evt_1", USER, EMAIL, "sub_42", "basic", "pro", true, null),
                                    "Acme")
                            .text())
                    .contains("The difference in price was charged at once")
                    .doesNotContain("Charged now")
                    .doesNotContain("next invoice");
            assertThat(NoticeTemplates.render(
                                    new Notification.PlanChanged(
                                            "evt_1", USER, EMAIL, "sub_42", "pro", "basic", true, new Money(0, "usd")),
                                    "Acme")
                            .text())
                    .contains("nothing was charged")
                    .doesNotContain("Charged now");
            // the difference goes on the next invoice: today's words
            assertThat(NoticeTemplates.render(
                                    new Notification.PlanChanged("evt_1", USER, EMAIL, "sub_42", "basic", "pro"),
                                    "Acme")
                            .text())
                    .contains("Any difference in price is settled on your next invoice.")
                    .doesNotContain("charged");
        }

        @Test
        void aCancellationSaysWhetherThePlanRunsOn() {
            assertThat(NoticeTemplates.render(
                                    new Notification.SubscriptionCanceled("evt_1", USER, EMAIL, "sub_42", null), "Acme")
                            .text())
                    .contains("has been canceled and has ended.");
            assertThat(NoticeTemplates.render(
                                    new Notification.SubscriptionCanceled(
                                            "evt_1", USER, EMAIL, "sub_42", Instant.parse("2026-12-05T10:00:00Z")),
                                    "Acme")
                            .text())
                    .contains("You keep your plan until December 5, 2026 at 10:00 UTC");
        }

        @Test
        void renewalAndRefundSayTheAmountInItsCurrency() {
            assertThat(NoticeTemplates.render(
                                    new Notification.RenewalReminder(
                                            "evt_1", USER, EMAIL, null, new Money(1500, "jpy"), null),
                                    "Acme")
                            .text())
                    .contains("renews soon")
                    .contains("¥1,500")
                    .doesNotContain("Subscription:");
            assertThat(NoticeTemplates.render(
                                    new Notification.RefundIssued("evt_1", USER, EMAIL, "ch_1", new Money(1999, "eur")),
                                    "Acme")
                            .html())
                    .contains("€19.99")
                    .contains("<td>ch_1</td>");
        }

        @Test
        void valuesAreEscapedInHtml() {
            NoticeTemplates.Rendered r = NoticeTemplates.render(
                    new Notification.PlanChanged("evt_1", USER, EMAIL, "sub_42", "<b>basic</b>", "pro & more"), "Acme");

            assertThat(r.html())
                    .contains("&lt;b&gt;basic&lt;/b&gt;")
                    .contains("pro &amp; more")
                    .doesNotContain("<b>basic");
            assertThat(r.html()).doesNotContain(EMAIL);
            assertThat(r.text()).doesNotContain(EMAIL);
        }
    }
}
