package dev.billing.smtp;

import dev.billing.core.model.notice.Notification;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The words of each notice: a stable subject, a plain-text body and a simple HTML alternative (every value escaped).
 * No template engine; no card data or secret ever appears (the notices carry none). Links are shown only when they
 * are absolute http(s) URLs.
 */
final class NoticeTemplates {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern(
                    "MMMM d, yyyy 'at' HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private NoticeTemplates() {}

    /** One rendered notice; {@code kind} names it in headers and logs. */
    record Rendered(String kind, String subject, String text, String html) {}

    static Rendered render(Notification notice, String appName) {
        if (notice instanceof Notification.SubscriptionStarted started) {
            return started(started, appName);
        }
        if (notice instanceof Notification.PlanChanged changed) {
            return planChanged(changed, appName);
        }
        if (notice instanceof Notification.SubscriptionCanceled canceled) {
            return canceled(canceled, appName);
        }
        if (notice instanceof Notification.RenewalReminder renewal) {
            return renewal(renewal, appName);
        }
        if (notice instanceof Notification.RefundIssued refund) {
            return refund(refund, appName);
        }
        if (notice instanceof Notification.TrialEnding trial) {
            return trialEnding(trial, appName);
        }
        if (notice instanceof Notification.PaymentFailed failed) {
            return paymentFailed(failed, appName);
        }
        if (notice instanceof Notification.Receipt receipt) {
            return receipt(receipt, appName);
        }
        throw new IllegalArgumentException("unknown notice " + notice.getClass().getName());
    }

    static String kind(Notification notice) {
        return notice.kind().wireName();
    }

    static String subject(Notification notice, String appName) {
        switch (notice.kind()) {
            case SUBSCRIPTION_STARTED:
                return "Your " + appName + " subscription has started";
            case TRIAL_ENDING:
                return "Your " + appName + " trial is ending";
            case PAYMENT_FAILED:
                return "Your " + appName + " payment failed";
            case RECEIPT:
                return "Your " + appName + " receipt";
            case PLAN_CHANGED:
                return "Your " + appName + " plan has changed";
            case SUBSCRIPTION_CANCELED:
                return "Your " + appName + " subscription is canceled";
            case RENEWAL_REMINDER:
                return "Your " + appName + " subscription renews soon";
            case REFUND_ISSUED:
                return "Your " + appName + " refund";
            default:
                throw new IllegalArgumentException("unknown notice " + notice.kind());
        }
    }

    private static Rendered started(Notification.SubscriptionStarted started, String app) {
        Body body = new Body();
        body.paragraph(
                started.plan() == null
                        ? "Your " + app + " subscription has started. Thank you!"
                        : "Your " + app + " subscription to the " + started.plan() + " plan has started. Thank you!");
        if (started.trialEnd() != null) {
            body.paragraph("Your trial runs until " + formatInstant(started.trialEnd()) + "; you are not charged "
                    + "before then.");
        }
        body.paragraph("You can change or cancel your plan at any time from the billing settings in " + app + ".");
        body.detail("Subscription", started.subscriptionId());
        return body.render(kind(started), subject(started, app), app);
    }

    private static Rendered planChanged(Notification.PlanChanged changed, String app) {
        Body body = new Body();
        body.paragraph(
                changed.fromPlan() == null
                        ? "Your " + app + " plan is now " + changed.toPlan() + "."
                        : "Your " + app + " plan changed from " + changed.fromPlan() + " to " + changed.toPlan() + ".");
        body.paragraph(difference(changed));
        body.detail("Plan", changed.toPlan());
        if (changed.charged() != null && changed.charged().amount() > 0) {
            body.detail("Charged now", MoneyFormat.format(changed.charged()));
        }
        body.detail("Subscription", changed.subscriptionId());
        return body.render(kind(changed), subject(changed, app), app);
    }

    /** Where the difference in price went: charged at once (with the amount when known), or the next invoice. */
    static String difference(Notification.PlanChanged changed) {
        if (!changed.invoicedNow()) {
            return "Any difference in price is settled on your next invoice.";
        }
        if (changed.charged() == null) {
            return "The difference in price was charged at once to your payment method on file.";
        }
        if (changed.charged().amount() == 0) {
            return "The difference in price was settled at once: nothing was charged, and any credit goes toward "
                    + "your next invoices.";
        }
        return "The difference in price, " + MoneyFormat.format(changed.charged()) + ", was charged at once to "
                + "your payment method on file.";
    }

    private static Rendered canceled(Notification.SubscriptionCanceled canceled, String app) {
        Body body = new Body();
        body.paragraph(
                canceled.accessUntil() == null
                        ? "Your " + app + " subscription has been canceled and has " + "ended."
                        : "Your " + app + " subscription has been canceled. You keep your plan until "
                                + formatInstant(canceled.accessUntil()) + ", and you will not be charged again.");
        body.paragraph("If this was a mistake, you can subscribe again from the billing settings in " + app + ".");
        body.detail("Subscription", canceled.subscriptionId());
        return body.render(kind(canceled), subject(canceled, app), app);
    }

    private static Rendered renewal(Notification.RenewalReminder renewal, String app) {
        Body body = new Body();
        body.paragraph(
                renewal.renewsAt() == null
                        ? "Your " + app + " subscription renews soon."
                        : "Your " + app + " subscription renews on " + formatInstant(renewal.renewsAt()) + ".");
        body.paragraph("We will charge " + MoneyFormat.format(renewal.amount()) + " to your payment method on file. "
                + "To change or cancel your plan, open the billing settings in " + app + " before then.");
        body.detail("Amount", MoneyFormat.format(renewal.amount()));
        if (renewal.subscriptionId() != null) {
            body.detail("Subscription", renewal.subscriptionId());
        }
        return body.render(kind(renewal), subject(renewal, app), app);
    }

    private static Rendered refund(Notification.RefundIssued refund, String app) {
        Body body = new Body();
        body.paragraph("We have refunded " + MoneyFormat.format(refund.amount()) + " to your original payment "
                + "method. Depending on your bank it can take 5 to 10 days to appear.");
        body.detail("Amount refunded", MoneyFormat.format(refund.amount()));
        body.detail("Reference", refund.chargeId());
        return body.render(kind(refund), subject(refund, app), app);
    }

    private static Rendered trialEnding(Notification.TrialEnding trial, String app) {
        String when = trial.trialEnd() == null ? null : formatInstant(trial.trialEnd());
        Body body = new Body();
        body.paragraph(
                when == null
                        ? "Your " + app + " trial is ending soon."
                        : "Your " + app + " trial ends on " + when + ".");
        body.paragraph("To keep your plan, make sure a payment method is on file before the trial ends: open the "
                + "billing settings in " + app + " and add or update your card. If one is already on file, there is "
                + "nothing to do: your subscription continues when the trial ends.");
        body.paragraph("If you do not want to continue, cancel from the same billing settings before the trial "
                + "ends and you will not be charged.");
        body.detail("Subscription", trial.subscriptionId());
        return body.render(kind(trial), subject(trial, app), app);
    }

    private static Rendered paymentFailed(Notification.PaymentFailed failed, String app) {
        Body body = new Body();
        body.paragraph(
                "We could not collect your payment of " + MoneyFormat.format(failed.amountDue()) + " for " + app + ".");
        String link = safeLink(failed.hostedInvoiceUrl());
        if (link != null) {
            body.link("Pay the invoice or update your payment method here:", "Pay the invoice", link);
        } else {
            body.paragraph("Sign in to " + app + " and update your payment method in the billing settings.");
        }
        body.paragraph("Please pay the invoice to keep your plan active.");
        body.detail("Amount due", MoneyFormat.format(failed.amountDue()));
        body.detail("Invoice", failed.invoiceId());
        return body.render(kind(failed), subject(failed, app), app);
    }

    private static Rendered receipt(Notification.Receipt receipt, String app) {
        Body body = new Body();
        body.paragraph("Thank you for your payment. This is your receipt.");
        String what = receipt.description() == null || receipt.description().isBlank()
                ? receipt.reference()
                : receipt.description().strip();
        body.detail("Item", what);
        body.detail("Amount paid", MoneyFormat.format(receipt.amount()));
        body.detail("Reference", receipt.reference());
        String link = safeLink(receipt.url());
        if (link != null) {
            body.link("View the invoice online:", "View the invoice", link);
        }
        return body.render(kind(receipt), subject(receipt, app), app);
    }

    static String formatInstant(Instant instant) {
        return WHEN.format(instant);
    }

    /** The URL when it is an absolute http(s) URL without whitespace or control characters, otherwise null. */
    static String safeLink(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String candidate = url.strip();
        if (candidate.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            return null;
        }
        try {
            URI uri = new URI(candidate);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
                return candidate;
            }
            return null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    static String escapeHtml(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Paragraphs, a link and a small table of details, written once as text and once as HTML. */
    private static final class Body {
        private final StringBuilder text = new StringBuilder("Hello,\n\n");
        private final StringBuilder html = new StringBuilder("<p>Hello,</p>\n");
        private final List<String[]> details = new ArrayList<>();

        void paragraph(String sentence) {
            text.append(sentence).append("\n\n");
            html.append("<p>").append(escapeHtml(sentence)).append("</p>\n");
        }

        void link(String lead, String label, String url) {
            text.append(lead).append('\n').append(url).append("\n\n");
            html.append("<p><a href=\"")
                    .append(escapeHtml(url))
                    .append("\">")
                    .append(escapeHtml(label))
                    .append("</a></p>\n");
        }

        void detail(String name, String value) {
            details.add(new String[] {name, value});
        }

        Rendered render(String kind, String subject, String app) {
            StringBuilder t = new StringBuilder(text);
            StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif; "
                            + "line-height: 1.5; color: #222;\">\n")
                    .append(html);
            if (!details.isEmpty()) {
                h.append("<table style=\"border-collapse: collapse;\">\n");
                for (String[] d : details) {
                    t.append(d[0]).append(": ").append(d[1]).append('\n');
                    h.append("<tr><td style=\"padding: 2px 12px 2px 0; color: #555;\">")
                            .append(escapeHtml(d[0]))
                            .append("</td><td>")
                            .append(escapeHtml(d[1]))
                            .append("</td></tr>\n");
                }
                h.append("</table>\n");
                t.append('\n');
            }
            t.append("-- \n").append(app).append('\n');
            h.append("<p style=\"color: #777;\">").append(escapeHtml(app)).append("</p>\n</body></html>\n");
            return new Rendered(kind, subject, t.toString(), h.toString());
        }
    }
}
