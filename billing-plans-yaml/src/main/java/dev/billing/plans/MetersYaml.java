package dev.billing.plans;

import dev.billing.core.model.catalog.MeterDefinition;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.QuotaPeriod;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The {@code meters} section of a plan file: names, Stripe event names, shared pools and quota periods. */
final class MetersYaml {
    static final Pattern METER_NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");
    /** Stripe's meter event names: letters, digits and a few separators. */
    static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

    static final Set<String> METER_KEYS = Set.of("name", "stripeEventName", "shared", "period", "timeZone");

    private final PlanCatalogYaml yaml;
    /** Meter name -> its place in the file ({@code meters[0]}), and the event name it reports to Stripe under. */
    final Map<String, String> places = new HashMap<>();

    final Map<String, String> reporting = new HashMap<>();

    MetersYaml(PlanCatalogYaml yaml) {
        this.yaml = yaml;
    }

    Set<String> meters(Object value, PlanCatalog.Builder builder) {
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> meters)) {
            yaml.problems.add("meters: must be a list of {name, stripeEventName?}");
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        Map<String, String> eventNames = new HashMap<>();
        boolean complete = true;
        int i = 0;
        for (Object element : meters) {
            String where = "meters[" + i++ + "]";
            if (!(element instanceof Map<?, ?> meter)) {
                yaml.problems.add(where + ": must be a mapping with name and optional stripeEventName");
                complete = false;
                continue;
            }
            yaml.unknownKeys(meter, METER_KEYS, where);
            String name = yaml.text(meter.get("name"), where + ".name", true);
            String event = yaml.text(meter.get("stripeEventName"), where + ".stripeEventName", false);
            Boolean shared = yaml.flag(meter.get("shared"), where + ".shared");
            QuotaPeriod period = period(meter.get("period"), where + ".period");
            ZoneId zone = zone(meter.get("timeZone"), where + ".timeZone");
            boolean ok = name != null;
            if (name != null && !METER_NAME.matcher(name).matches()) {
                yaml.problems.add(where + ".name: '" + name + "' must be 1-64 lowercase letters, digits, '.', '-' or "
                        + "'_', starting with a letter");
                ok = false;
                complete = false;
            } else if (name != null && !names.add(name)) {
                yaml.problems.add(where + ".name: meter '" + name + "' is defined twice");
                ok = false;
            }
            if (event != null) {
                if (!EVENT_NAME.matcher(event).matches()) {
                    yaml.problems.add(where + ".stripeEventName: '" + event + "' is not a Stripe meter event name "
                            + "(1-100 letters, digits, '_', '.', ':' or '-')");
                    ok = false;
                } else {
                    String other = eventNames.putIfAbsent(event, where);
                    if (other != null) {
                        yaml.problems.add(where + ".stripeEventName: '" + event + "' is already reported by " + other
                                + " (Stripe would add both meters' usage together)");
                        ok = false;
                    }
                }
            }
            if (name == null) {
                complete = false;
            }
            if (name != null) {
                places.putIfAbsent(name, where);
                if (event != null) {
                    reporting.putIfAbsent(name, event);
                }
            }
            if (ok && period != null && zone != null) {
                builder.meter(new MeterDefinition(name, event, Boolean.TRUE.equals(shared), period, zone));
            }
        }
        return complete ? names : null;
    }

    /** {@code day}, {@code month} or {@code billing_period} (the default). */
    private QuotaPeriod period(Object value, String where) {
        String text = yaml.text(value, where, false);
        if (text == null) {
            return QuotaPeriod.BILLING_PERIOD;
        }
        QuotaPeriod period = QuotaPeriod.parse(text).orElse(null);
        if (period == null) {
            yaml.problems.add(where + ": '" + text + "' is not a quota period (day, month or billing_period)");
        }
        return period;
    }

    /** An IANA time zone such as {@code Europe/Berlin}, or {@code UTC} (the default). */
    private ZoneId zone(Object value, String where) {
        String text = yaml.text(value, where, false);
        if (text == null) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            yaml.problems.add(
                    where + ": '" + text + "' is not a time zone (an IANA name such as Europe/Berlin, or " + "UTC)");
            return null;
        }
    }
}
