package dev.billing.smtp;

import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.Notification;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Templates from a directory ({@link SmtpConfig#templatesDir()}) that replace built-in ones: {@code <kind>.txt}
 * replaces a notice's plain text, {@code <kind>.html} its HTML ({@code receipt.txt}, {@code plan-changed.html}),
 * each on its own; a kind without a file keeps the built-in words. {@code {{name}}} is replaced by the notice's value
 * (HTML-escaped in {@code .html}; an unsafe link is empty). Subjects stay built in, so mail filters keep working.
 *
 * <p>Decision: a directory that cannot be used is refused at start, never half-used with a warning: a missing or
 * unreadable directory or file, a file that is not UTF-8, a {@code .txt}/{@code .html} file naming no kind, and an
 * unknown {@code {{name}}} are all problems listed together, so a typo never silently sends the built-in words.
 */
final class NoticeTemplateOverrides {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z_]+)\\s*}}");
    private static final long MAX_FILE_BYTES = 64 * 1024;
    static final NoticeTemplateOverrides NONE = new NoticeTemplateOverrides(Map.of(), Map.of());

    private final Map<NoticeKind, String> texts;
    private final Map<NoticeKind, String> htmls;

    private NoticeTemplateOverrides(Map<NoticeKind, String> texts, Map<NoticeKind, String> htmls) {
        this.texts = texts;
        this.htmls = htmls;
    }

    /** What {@link #load} found: the overrides, or every problem (each naming the file). */
    record Loaded(NoticeTemplateOverrides overrides, List<String> problems) {}

    /**
     * Reads every {@code .txt} and {@code .html} file of {@code dir}.
     *
     * @param setting what the host calls the directory's setting: every problem starts with it
     */
    static Loaded load(Path dir, String setting) {
        List<String> problems = new ArrayList<>();
        Map<NoticeKind, String> texts = new EnumMap<>(NoticeKind.class);
        Map<NoticeKind, String> htmls = new EnumMap<>(NoticeKind.class);
        if (!Files.isDirectory(dir)) {
            return new Loaded(NONE, List.of(setting + ": " + dir + " is not a directory"));
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                boolean text = name.endsWith(".txt");
                if (!text && !name.endsWith(".html")) {
                    continue;
                }
                String kindName = name.substring(0, name.lastIndexOf('.'));
                NoticeKind kind = NoticeKind.fromName(kindName).orElse(null);
                if (kind == null) {
                    problems.add(setting + ": " + name + " names no notice (one of " + kindNames() + ")");
                    continue;
                }
                String content = read(file, setting, problems);
                if (content == null) {
                    continue;
                }
                Set<String> unknown = new TreeSet<>(placeholders(content));
                unknown.removeAll(names(kind));
                if (!unknown.isEmpty()) {
                    problems.add(setting + ": " + name + " uses unknown values " + unknown + " (known: " + names(kind)
                            + ")");
                    continue;
                }
                (text ? texts : htmls).put(kind, content);
            }
        } catch (IOException e) {
            problems.add(
                    setting + ": " + dir + " cannot be listed (" + e.getClass().getSimpleName() + ")");
        }
        return problems.isEmpty()
                ? new Loaded(new NoticeTemplateOverrides(Map.copyOf(texts), Map.copyOf(htmls)), List.of())
                : new Loaded(NONE, List.copyOf(problems));
    }

    /** How many templates replace built-in ones. */
    int size() {
        return texts.size() + htmls.size();
    }

    /** The built-in rendering with the overridden parts replaced. */
    NoticeTemplates.Rendered apply(NoticeTemplates.Rendered builtIn, Notification notice, String app) {
        String text = texts.get(notice.kind());
        String html = htmls.get(notice.kind());
        if (text == null && html == null) {
            return builtIn;
        }
        Map<String, String> values = values(notice, app);
        return new NoticeTemplates.Rendered(
                builtIn.kind(),
                builtIn.subject(),
                text == null ? builtIn.text() : fill(text, values, false),
                html == null ? builtIn.html() : fill(html, values, true));
    }

    /** The names a kind's templates may use. */
    static Set<String> names(NoticeKind kind) {
        Set<String> names = new TreeSet<>(List.of("app", "event_id"));
        switch (kind) {
            case SUBSCRIPTION_STARTED -> names.addAll(List.of("subscription", "plan", "trial_end"));
            case TRIAL_ENDING -> names.addAll(List.of("subscription", "trial_end"));
            case PAYMENT_FAILED -> names.addAll(List.of("amount_due", "invoice", "link"));
            case RECEIPT -> names.addAll(List.of("item", "amount", "reference", "link"));
            case PLAN_CHANGED -> names.addAll(List.of("subscription", "from_plan", "to_plan", "difference", "charged"));
            case SUBSCRIPTION_CANCELED -> names.addAll(List.of("subscription", "access_until"));
            case RENEWAL_REMINDER -> names.addAll(List.of("subscription", "amount", "renews_at"));
            case REFUND_ISSUED -> names.addAll(List.of("charge", "amount"));
            default -> throw new IllegalArgumentException("unknown notice " + kind);
        }
        return names;
    }

    /** The notice's values by name; an absent one is empty. */
    static Map<String, String> values(Notification notice, String app) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("app", app);
        v.put("event_id", notice.eventId());
        if (notice instanceof Notification.SubscriptionStarted n) {
            v.put("subscription", n.subscriptionId());
            v.put("plan", n.plan());
            v.put("trial_end", when(n.trialEnd()));
        } else if (notice instanceof Notification.TrialEnding n) {
            v.put("subscription", n.subscriptionId());
            v.put("trial_end", when(n.trialEnd()));
        } else if (notice instanceof Notification.PaymentFailed n) {
            v.put("amount_due", MoneyFormat.format(n.amountDue()));
            v.put("invoice", n.invoiceId());
            v.put("link", NoticeTemplates.safeLink(n.hostedInvoiceUrl()));
        } else if (notice instanceof Notification.Receipt n) {
            v.put("item", n.description() == null || n.description().isBlank() ? n.reference() : n.description());
            v.put("amount", MoneyFormat.format(n.amount()));
            v.put("reference", n.reference());
            v.put("link", NoticeTemplates.safeLink(n.url()));
        } else if (notice instanceof Notification.PlanChanged n) {
            v.put("subscription", n.subscriptionId());
            v.put("from_plan", n.fromPlan());
            v.put("to_plan", n.toPlan());
            v.put("difference", NoticeTemplates.difference(n));
            v.put("charged", n.charged() == null ? null : MoneyFormat.format(n.charged()));
        } else if (notice instanceof Notification.SubscriptionCanceled n) {
            v.put("subscription", n.subscriptionId());
            v.put("access_until", when(n.accessUntil()));
        } else if (notice instanceof Notification.RenewalReminder n) {
            v.put("subscription", n.subscriptionId());
            v.put("amount", MoneyFormat.format(n.amount()));
            v.put("renews_at", when(n.renewsAt()));
        } else if (notice instanceof Notification.RefundIssued n) {
            v.put("charge", n.chargeId());
            v.put("amount", MoneyFormat.format(n.amount()));
        }
        v.replaceAll((name, value) -> value == null ? "" : value);
        return v;
    }

    static String fill(String template, Map<String, String> values, boolean html) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        while (m.find()) {
            String value = values.getOrDefault(m.group(1), "");
            m.appendReplacement(out, Matcher.quoteReplacement(html ? NoticeTemplates.escapeHtml(value) : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Set<String> placeholders(String content) {
        Set<String> found = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(content);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static String read(Path file, String setting, List<String> problems) {
        String name = file.getFileName().toString();
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_FILE_BYTES) {
                problems.add(setting + ": " + name + " is not a file of at most 64 KiB");
                return null;
            }
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            problems.add(setting + ": " + name + " is not UTF-8 text");
        } catch (IOException e) {
            problems.add(
                    setting + ": " + name + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        return null;
    }

    private static String when(Instant instant) {
        return instant == null ? null : NoticeTemplates.formatInstant(instant);
    }

    private static List<String> kindNames() {
        return java.util.Arrays.stream(NoticeKind.values())
                .map(NoticeKind::wireName)
                .toList();
    }
}
