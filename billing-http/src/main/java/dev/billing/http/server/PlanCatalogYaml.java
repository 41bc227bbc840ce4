package dev.billing.http.server;

import dev.billing.core.model.BillingInterval;
import dev.billing.core.model.CatalogItem;
import dev.billing.core.model.MeterDefinition;
import dev.billing.core.model.PlanCatalog;
import dev.billing.core.model.Tier;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the plan catalog YAML (see the sample, {@code sample-plans.yaml}): tiers with rank, features, quotas
 * ({@code unlimited} allowed), trial days, discount on one-time items and prices per interval; one-time items;
 * meters. {@code ${VAR}} and {@code ${VAR:-default}} are replaced from the environment; a tier without a price for
 * an interval takes {@code STRIPE_PRICE_<TIER>_MONTHLY} / {@code _YEARLY}. Every problem is collected and reported
 * together, then the core's {@link PlanCatalog} validates the whole.
 *
 * <p>Usage: {@code PlanCatalog plans = PlanCatalogYaml.load(Path.of("plans.yaml"), System.getenv());}
 */
public final class PlanCatalogYaml {
    /** The catalog shipped in the jar. */
    public static final String SAMPLE_RESOURCE = "/dev/billing/http/server/sample-plans.yaml";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:-([^}]*))?}");
    private static final Set<String> TOP_KEYS = Set.of("tiers", "items", "meters");
    private static final Set<String> TIER_KEYS = Set.of("rank", "features", "quotas", "trialDays",
            "purchaseDiscountPercent", "prices");
    private static final Set<String> ITEM_KEYS = Set.of("key", "name", "priceId");
    private static final Set<String> METER_KEYS = Set.of("name", "stripeEventName");

    private final Map<String, String> env;
    private final String source;
    private final List<String> problems = new ArrayList<>();

    private PlanCatalogYaml(Map<String, String> env, String source) {
        this.env = env;
        this.source = source;
    }

    /** Thrown with every problem found. */
    public static final class InvalidCatalogException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        InvalidCatalogException(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    public static PlanCatalog load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidCatalogException(List.of("plan catalog " + file + " cannot be read: "
                    + e.getClass().getSimpleName()));
        }
        return parse(text, env, file.toString());
    }

    public static PlanCatalog sample(Map<String, String> env) {
        try (InputStream in = PlanCatalogYaml.class.getResourceAsStream(SAMPLE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the sample plan catalog is missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), env, "the sample plan catalog");
        } catch (IOException e) {
            throw new IllegalStateException("the sample plan catalog cannot be read", e);
        }
    }

    /** Parses a catalog document; {@code source} names it in messages. */
    public static PlanCatalog parse(String yaml, Map<String, String> env, String source) {
        return new PlanCatalogYaml(env, source).read(yaml);
    }

    private PlanCatalog read(String yaml) {
        Object root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            root = new Yaml(new SafeConstructor(options)).load(yaml);
        } catch (RuntimeException e) {
            throw new InvalidCatalogException(List.of(source + " is not valid YAML: " + firstLine(e.getMessage())));
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new InvalidCatalogException(List.of(source + " must be a YAML mapping with tiers, items, meters"));
        }
        unknownKeys(top, TOP_KEYS, "the catalog");
        PlanCatalog.Builder builder = PlanCatalog.builder();
        tiers(top.get("tiers"), builder);
        items(top.get("items"), builder);
        meters(top.get("meters"), builder);
        if (!problems.isEmpty()) {
            throw new InvalidCatalogException(prefixed());
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage().replaceFirst("^invalid plan catalog: ", "");
            List<String> all = new ArrayList<>();
            for (String part : message.split("; ")) {
                all.add(source + ": " + part);
            }
            throw new InvalidCatalogException(all);
        }
    }

    private void tiers(Object value, PlanCatalog.Builder builder) {
        if (!(value instanceof Map<?, ?> tiers) || tiers.isEmpty()) {
            problems.add("tiers: a mapping of tier name to tier is required");
            return;
        }
        boolean free = false;
        for (Map.Entry<?, ?> entry : tiers.entrySet()) {
            String name = String.valueOf(entry.getKey());
            String where = "tier '" + name + "'";
            if (!(entry.getValue() instanceof Map<?, ?> tier)) {
                problems.add(where + ": must be a mapping");
                continue;
            }
            unknownKeys(tier, TIER_KEYS, where);
            Integer rank = integer(tier.get("rank"), where + ".rank", true);
            Set<String> features = strings(tier.get("features"), where + ".features");
            Map<String, Long> quotas = quotas(tier.get("quotas"), where + ".quotas");
            Integer trial = integer(tier.get("trialDays"), where + ".trialDays", false);
            Integer discount = integer(tier.get("purchaseDiscountPercent"), where + ".purchaseDiscountPercent", false);
            if (rank == null || features == null || quotas == null) {
                continue;
            }
            Tier built;
            try {
                built = new Tier(name, rank, features, quotas, trial == null ? 0 : trial,
                        discount == null ? 0 : discount);
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage());
                continue;
            }
            if (rank == 0) {
                if (free) {
                    problems.add(where + ": only one tier may have rank 0 (the free tier)");
                    continue;
                }
                free = true;
                builder.freeTier(built);
                if (tier.get("prices") != null) {
                    problems.add(where + ": the free tier (rank 0) cannot have prices");
                }
            } else {
                builder.tier(built);
                prices(name, tier.get("prices"), where, builder);
            }
        }
        if (!free) {
            problems.add("tiers: one tier must have rank 0 (the free tier)");
        }
    }

    private void prices(String tier, Object value, String where, PlanCatalog.Builder builder) {
        Map<?, ?> prices = Map.of();
        if (value != null) {
            if (!(value instanceof Map<?, ?> m)) {
                problems.add(where + ".prices: must be a mapping of month/year to a Stripe price id");
                return;
            }
            prices = m;
        }
        for (Object key : prices.keySet()) {
            String k = String.valueOf(key);
            if (!k.equals("month") && !k.equals("year")) {
                problems.add(where + ".prices: unknown interval '" + k + "' (month or year)");
            }
        }
        for (BillingInterval interval : List.of(BillingInterval.MONTH, BillingInterval.YEAR)) {
            String field = where + ".prices." + interval.stripeName();
            String priceId = prices.containsKey(interval.stripeName())
                    ? text(prices.get(interval.stripeName()), field, true) : envPrice(tier, interval);
            if (priceId != null) {
                if (!priceId.matches("[A-Za-z0-9_]{1,255}")) {
                    problems.add(field + ": '" + priceId + "' is not a Stripe price id");
                } else {
                    builder.plan(tier, interval, priceId);
                }
            }
        }
    }

    private String envPrice(String tier, BillingInterval interval) {
        String variable = "STRIPE_PRICE_" + tier.toUpperCase(Locale.ROOT).replace('-', '_') + "_"
                + (interval == BillingInterval.MONTH ? "MONTHLY" : "YEARLY");
        String value = env.get(variable);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private void items(Object value, PlanCatalog.Builder builder) {
        if (value == null) {
            return;
        }
        if (!(value instanceof List<?> items)) {
            problems.add("items: must be a list");
            return;
        }
        int i = 0;
        for (Object element : items) {
            String where = "items[" + i++ + "]";
            if (!(element instanceof Map<?, ?> item)) {
                problems.add(where + ": must be a mapping with key, name, priceId");
                continue;
            }
            unknownKeys(item, ITEM_KEYS, where);
            String key = text(item.get("key"), where + ".key", true);
            String name = text(item.get("name"), where + ".name", true);
            String priceId = text(item.get("priceId"), where + ".priceId", true);
            if (key != null && name != null && priceId != null) {
                builder.item(new CatalogItem(key, name, priceId));
            }
        }
    }

    private void meters(Object value, PlanCatalog.Builder builder) {
        if (value == null) {
            return;
        }
        if (!(value instanceof List<?> meters)) {
            problems.add("meters: must be a list");
            return;
        }
        int i = 0;
        for (Object element : meters) {
            String where = "meters[" + i++ + "]";
            if (!(element instanceof Map<?, ?> meter)) {
                problems.add(where + ": must be a mapping with name and optional stripeEventName");
                continue;
            }
            unknownKeys(meter, METER_KEYS, where);
            String name = text(meter.get("name"), where + ".name", true);
            String event = text(meter.get("stripeEventName"), where + ".stripeEventName", false);
            if (name != null) {
                try {
                    builder.meter(new MeterDefinition(name, event));
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                }
            }
        }
    }

    private Map<String, Long> quotas(Object value, String where) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            problems.add(where + ": must be a mapping of meter to a number or 'unlimited'");
            return null;
        }
        Map<String, Long> quotas = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String meter = String.valueOf(entry.getKey());
            Object raw = entry.getValue() instanceof String s ? substitute(s, where + "." + meter) : entry.getValue();
            if ("unlimited".equals(raw)) {
                quotas.put(meter, Tier.UNLIMITED);
            } else if (raw instanceof Integer || raw instanceof Long) {
                long n = ((Number) raw).longValue();
                if (n < 0) {
                    problems.add(where + "." + meter + ": must not be negative");
                } else {
                    quotas.put(meter, n);
                }
            } else if (raw instanceof String s && s.matches("[0-9]{1,18}")) {
                quotas.put(meter, Long.parseLong(s));
            } else {
                problems.add(where + "." + meter + ": must be a whole number or 'unlimited'");
            }
        }
        return quotas;
    }

    private Set<String> strings(Object value, String where) {
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> list)) {
            problems.add(where + ": must be a list");
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object element : list) {
            String text = text(element, where, true);
            if (text != null) {
                out.add(text);
            }
        }
        return out;
    }

    private Integer integer(Object value, String where, boolean required) {
        if (value == null) {
            if (required) {
                problems.add(where + ": is required");
            }
            return null;
        }
        Object raw = value instanceof String s ? substitute(s, where) : value;
        if (raw instanceof Integer i) {
            return i;
        }
        if (raw instanceof String s && s.matches("-?[0-9]{1,9}")) {
            return Integer.parseInt(s);
        }
        problems.add(where + ": must be a whole number");
        return null;
    }

    private String text(Object value, String where, boolean required) {
        if (value == null) {
            if (required) {
                problems.add(where + ": is required");
            }
            return null;
        }
        if (value instanceof Map || value instanceof List) {
            problems.add(where + ": must be text");
            return null;
        }
        String text = substitute(String.valueOf(value), where);
        if (text == null || text.isBlank()) {
            if (required) {
                problems.add(where + ": is empty");
            }
            return null;
        }
        return text.strip();
    }

    /** Replaces {@code ${VAR}} / {@code ${VAR:-default}}; an unset variable without a default is a problem. */
    private String substitute(String value, String where) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        boolean ok = true;
        while (m.find()) {
            String variable = m.group(1);
            String replacement = env.get(variable);
            if (replacement == null || replacement.isBlank()) {
                replacement = m.group(2) != null ? m.group(3) : null;
            }
            if (replacement == null) {
                problems.add(where + ": environment variable " + variable + " is not set");
                ok = false;
                replacement = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement.strip()));
        }
        m.appendTail(out);
        return ok ? out.toString() : null;
    }

    private void unknownKeys(Map<?, ?> map, Set<String> known, String where) {
        for (Object key : map.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                problems.add(where + ": unknown key '" + key + "' (expected one of " + new java.util.TreeSet<>(known)
                        + ")");
            }
        }
    }

    private List<String> prefixed() {
        List<String> out = new ArrayList<>();
        for (String problem : problems) {
            out.add(source + ": " + problem);
        }
        return out;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
