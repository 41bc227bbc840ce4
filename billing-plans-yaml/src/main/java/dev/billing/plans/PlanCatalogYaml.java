package dev.billing.plans;

import dev.billing.core.model.catalog.CatalogItem;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Tier;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads the plan catalog YAML (format: {@code docs/PLANS.md}; the sample is {@code sample-plans.yaml}): tiers with
 * rank, features, quotas per meter per billing period ({@code unlimited} allowed), trial days, a discount on
 * one-time items, and a Stripe price per interval; one-time items; meters; promotion codes. {@code ${VAR}} and
 * {@code ${VAR:-default}} are replaced from {@code variables}; a paid tier without a price for an interval in the
 * file takes the variable {@code STRIPE_PRICE_<TIER>_MONTHLY} / {@code _YEARLY}.
 *
 * <p>Decision: the variables are a map the host passes, not the environment this reader looks up. Placeholders and
 * the {@code STRIPE_PRICE_*} fallback are part of the file format (a catalog names a price it leaves to each
 * deployment), so the reader needs values for them; where they come from is the host's business. The standalone
 * server and the Spring starter pass the process environment ({@code System.getenv()}), which is why messages call
 * them environment variables; a host that keeps its prices elsewhere passes {@code Map.of(...)}, or an empty map
 * when its file has no placeholder. This module never reads the environment itself.
 *
 * <p>Every problem is collected and reported together, each naming its path in the file
 * ({@code tiers.pro.quotas.api_calls: must be a whole number >= 0 or "unlimited"}); the core's {@link PlanCatalog}
 * then validates the whole (the checks here are a superset, so its message is a last resort).
 *
 * <p>Usage: {@code PlanCatalog plans = PlanCatalogYaml.load(Path.of("plans.yaml"), Map.of("PRO_PRICE",
 * "price_1Pro"));}
 */
public final class PlanCatalogYaml {
    /** The catalog shipped in the jar. */
    public static final String SAMPLE_RESOURCE = "/dev/billing/plans/sample-plans.yaml";

    static final int MAX_TRIAL_DAYS = 730;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:-([^}]*))?}");
    private static final Pattern TIER_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Pattern ITEM_KEY = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final Set<String> TOP_KEYS = Set.of("tiers", "items", "meters", "promotions");
    private static final Set<String> TIER_KEYS = Set.of(
            "rank",
            "features",
            "quotas",
            "trialDays",
            "purchaseDiscountPercent",
            "prices",
            "perSeat",
            MeteredPricesYaml.KEY);
    private static final Set<String> ITEM_KEYS = Set.of("key", "name", "priceId", "amount", "currency", "guests");
    private static final String UNLIMITED = "unlimited";

    final Map<String, String> variables;
    private final String source;
    final List<String> problems = new ArrayList<>();
    private final PricesYaml prices;
    PlanCatalog checked;

    private PlanCatalogYaml(Map<String, String> variables, String source, Function<String, Optional<String>> resolver) {
        this.variables = variables;
        this.source = source;
        this.prices = new PricesYaml(this, resolver);
    }

    /** Thrown with every problem found, each starting with the catalog's source and a path in it. */
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

    /**
     * Reads a catalog whose prices are all given by id (a price given by amount needs {@link #read(Path, Map)}).
     *
     * @param variables the values of the file's {@code ${VAR}} placeholders and {@code STRIPE_PRICE_*} fallbacks
     *                  (the class comment says why the host passes them)
     * @throws InvalidCatalogException with every problem
     */
    public static PlanCatalog load(Path file, Map<String, String> variables) {
        return byIdOnly(read(file, variables));
    }

    public static PlanCatalog sample(Map<String, String> variables) {
        return byIdOnly(readSample(variables));
    }

    /**
     * Reads and validates a plan file whose prices may be given by amount (resolved later through
     * {@link PlanFile#catalog(Function)}).
     *
     * @throws InvalidCatalogException with every problem
     */
    public static PlanFile read(Path file, Map<String, String> variables) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidCatalogException(List.of(
                    "plan catalog " + file + " cannot be read: " + e.getClass().getSimpleName()));
        }
        return readText(text, variables, file.toString());
    }

    /** The sample catalog as a {@link PlanFile}. */
    public static PlanFile readSample(Map<String, String> variables) {
        return readText(sampleText(), variables, "the sample plan catalog");
    }

    /** Reads a catalog document; {@code source} names it in messages. */
    public static PlanFile readText(String yaml, Map<String, String> variables, String source) {
        PlanCatalogYaml reader = parse(yaml, variables, source, null);
        return new PlanFile(yaml, variables, source, reader.checked, reader.prices.managed);
    }

    static PlanCatalogYaml parse(
            String yaml, Map<String, String> variables, String source, Function<String, Optional<String>> resolver) {
        PlanCatalogYaml reader = new PlanCatalogYaml(variables, source, resolver);
        reader.checked = reader.read(yaml);
        return reader;
    }

    private static PlanCatalog byIdOnly(PlanFile file) {
        if (file.needsLookup()) {
            PlanFile.ManagedPrice first = file.managedPrices().get(0);
            throw new InvalidCatalogException(List.of(file.source() + ": " + first.where() + ": a price given by "
                    + "amount has no id until its lookup key '" + first.lookupKey() + "' is resolved in Stripe "
                    + "(read the file with PlanCatalogYaml.read and PlanFile.catalog(resolver))"));
        }
        return file.catalog();
    }

    /** The sample catalog's YAML text. */
    public static String sampleText() {
        try (InputStream in = PlanCatalogYaml.class.getResourceAsStream(SAMPLE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the sample plan catalog is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("the sample plan catalog cannot be read", e);
        }
    }

    /** Parses a catalog document whose prices are all given by id; {@code source} names it in messages. */
    public static PlanCatalog parse(String yaml, Map<String, String> variables, String source) {
        return byIdOnly(readText(yaml, variables, source));
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
        unknownKeys(top, TOP_KEYS, null);
        PlanCatalog.Builder builder = PlanCatalog.builder();
        // Meters first: quotas are checked against them.
        MetersYaml meterSection = new MetersYaml(this);
        Set<String> meters = meterSection.meters(top.get("meters"), builder);
        Map<String, Object> metered = new LinkedHashMap<>();
        tiers(top.get("tiers"), meters, metered, builder);
        items(top.get("items"), builder);
        // After every plan and item price is known: a metered price may be none of them.
        MeteredPricesYaml meteredPrices = new MeteredPricesYaml(this, prices, meterSection);
        metered.forEach((tier, value) -> meteredPrices.tier(tier, value, builder));
        new PromotionsYaml(this).promotions(top.get("promotions"), builder);
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

    // ---------------------------------------------------------------- tiers

    /** Reads the tiers; each paid tier's {@code meteredPrices} is put aside in {@code metered}, read later. */
    private void tiers(Object value, Set<String> meters, Map<String, Object> metered, PlanCatalog.Builder builder) {
        if (value == null) {
            problems.add("tiers: is required (a mapping of tier name to tier, one of them with rank 0)");
            return;
        }
        if (!(value instanceof Map<?, ?> tiers) || tiers.isEmpty()) {
            problems.add("tiers: must be a mapping of tier name to tier, one of them with rank 0");
            return;
        }
        String freeTier = null;
        Map<Integer, String> ranks = new HashMap<>();
        for (Map.Entry<?, ?> entry : tiers.entrySet()) {
            String name = String.valueOf(entry.getKey());
            String where = "tiers." + name;
            boolean nameOk = TIER_NAME.matcher(name).matches();
            if (!nameOk) {
                problems.add(where + ": a tier name must be 1-32 lowercase letters, digits, '-' or '_', "
                        + "starting with a letter");
            }
            if (!(entry.getValue() instanceof Map<?, ?> tier)) {
                problems.add(where + ": must be a mapping with rank, features, quotas, trialDays, "
                        + "purchaseDiscountPercent, prices");
                continue;
            }
            unknownKeys(tier, TIER_KEYS, where);
            Integer rank = wholeNumber(tier.get("rank"), where + ".rank", 0, 1_000_000, true);
            Set<String> features = features(tier.get("features"), where + ".features");
            Map<String, Long> quotas = quotas(tier.get("quotas"), where + ".quotas", meters);
            Integer trial = wholeNumber(tier.get("trialDays"), where + ".trialDays", 0, MAX_TRIAL_DAYS, false);
            Integer discount =
                    wholeNumber(tier.get("purchaseDiscountPercent"), where + ".purchaseDiscountPercent", 0, 100, false);
            boolean free = rank != null && rank == 0;
            Boolean perSeat = flag(tier.get("perSeat"), where + ".perSeat");
            if (free && Boolean.TRUE.equals(perSeat)) {
                problems.add(where + ".perSeat: the free tier (rank 0) has no subscription, so no seats");
            }
            if (rank != null) {
                String other = ranks.putIfAbsent(rank, where);
                if (other != null) {
                    problems.add(where + ".rank: "
                            + (free
                                    ? "only one tier may have rank 0 (the free tier); " + other + " has it already"
                                    : rank + " is also the rank of " + other + " (ranks order the tiers: each must be "
                                            + "unique)"));
                    continue;
                }
            }
            if (free) {
                freeTier = name;
                if (trial != null && trial > 0) {
                    problems.add(where + ".trialDays: the free tier (rank 0) has no subscription, so no trial");
                }
                if (tier.get("prices") != null) {
                    problems.add(where + ".prices: the free tier (rank 0) cannot have prices");
                }
                if (tier.get(MeteredPricesYaml.KEY) != null) {
                    problems.add(where + "." + MeteredPricesYaml.KEY + ": the free tier (rank 0) has no "
                            + "subscription, so no metered prices");
                }
            } else {
                // With an invalid rank the tier is probably a paid one: its prices are still checked.
                prices.tierPrices(name, tier.get("prices"), where + ".prices", rank != null, builder);
                if (tier.get(MeteredPricesYaml.KEY) != null && nameOk) {
                    metered.put(name, tier.get(MeteredPricesYaml.KEY));
                }
            }
            if (!nameOk || rank == null || features == null || quotas == null) {
                continue;
            }
            Tier built = new Tier(
                    name,
                    rank,
                    features,
                    quotas,
                    trial == null ? 0 : trial,
                    discount == null ? 0 : discount,
                    Boolean.TRUE.equals(perSeat) && !free);
            if (free) {
                builder.freeTier(built);
            } else {
                builder.tier(built);
            }
        }
        if (freeTier == null) {
            problems.add("tiers: one tier must have rank 0 (the free tier: what users without a subscription get)");
        }
    }

    private Set<String> features(Object value, String where) {
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> list)) {
            problems.add(where + ": must be a list of feature names");
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        int i = 0;
        boolean ok = true;
        for (Object element : list) {
            String path = where + "[" + i++ + "]";
            String text = text(element, path, true);
            if (text == null) {
                ok = false;
            } else if (!out.add(text)) {
                problems.add(path + ": '" + text + "' is listed twice");
            }
        }
        return ok ? out : null;
    }

    private Map<String, Long> quotas(Object value, String where, Set<String> meters) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            problems.add(where + ": must be a mapping of meter name to a whole number >= 0 or \"unlimited\"");
            return null;
        }
        Map<String, Long> quotas = new LinkedHashMap<>();
        boolean ok = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String meter = String.valueOf(entry.getKey());
            String path = where + "." + meter;
            if (meters != null && !meters.contains(meter)) {
                problems.add(path + ": meter '" + meter + "' is not defined under meters"
                        + (meters.isEmpty()
                                ? " (there is no meters list)"
                                : " (defined: " + String.join(", ", new TreeSet<>(meters)) + ")"));
                ok = false;
            }
            Object raw = entry.getValue() instanceof String s ? substitute(s, path) : entry.getValue();
            Long limit = null;
            if (UNLIMITED.equals(raw)) {
                limit = Tier.UNLIMITED;
            } else if (raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger) {
                BigInteger n = raw instanceof BigInteger b ? b : BigInteger.valueOf(((Number) raw).longValue());
                if (n.signum() >= 0 && n.bitLength() < 63) {
                    limit = n.longValue();
                }
            } else if (raw instanceof String s && s.strip().matches("[0-9]{1,18}")) {
                limit = Long.parseLong(s.strip());
            }
            if (limit == null) {
                if (raw != null || entry.getValue() == null) {
                    problems.add(path + ": must be a whole number >= 0 or \"unlimited\"" + shown(raw));
                }
                ok = false;
            } else {
                quotas.put(meter, limit);
            }
        }
        return ok ? quotas : null;
    }

    // ---------------------------------------------------------------- items

    private void items(Object value, PlanCatalog.Builder builder) {
        if (value == null) {
            return;
        }
        if (!(value instanceof List<?> items)) {
            problems.add("items: must be a list of {key, name, priceId}");
            return;
        }
        Map<String, String> keys = new HashMap<>();
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
            Boolean guests = flag(item.get("guests"), where + ".guests");
            boolean ok = key != null && name != null;
            if (key != null) {
                if (!ITEM_KEY.matcher(key).matches()) {
                    problems.add(where + ".key: '" + key + "' must be 1-64 lowercase letters, digits, '-' or '_', "
                            + "starting with a letter");
                    ok = false;
                } else {
                    String other = keys.putIfAbsent(key, where);
                    if (other != null) {
                        problems.add(where + ".key: '" + key + "' is already the key of " + other);
                        ok = false;
                    }
                }
            }
            String priceId = prices.itemPrice(item, where, ok ? key : null, name);
            if (ok && priceId != null) {
                builder.item(new CatalogItem(key, name, priceId, Boolean.TRUE.equals(guests)));
            }
        }
    }

    // ---------------------------------------------------------------- meters

    /** The meter names defined; null when the section is broken (quotas are then not checked against it). */
    // ---------------------------------------------------------------- scalars

    /** true or false, or null when absent; anything else is a problem (and null). */
    Boolean flag(Object value, String where) {
        if (value == null || value instanceof Boolean) {
            return (Boolean) value;
        }
        problems.add(where + ": must be true or false, not '" + value + "'");
        return null;
    }

    Integer wholeNumber(Object value, String where, int min, int max, boolean required) {
        if (value == null) {
            if (required) {
                problems.add(where + ": is required (a whole number from " + min + " to " + max + ")");
            }
            return null;
        }
        Object raw = value instanceof String s ? substitute(s, where) : value;
        if (raw == null) {
            return null;
        }
        Long n = null;
        if (raw instanceof Integer || raw instanceof Long) {
            n = ((Number) raw).longValue();
        } else if (raw instanceof String s && s.strip().matches("-?[0-9]{1,12}")) {
            n = Long.parseLong(s.strip());
        }
        if (n == null || n < min || n > max) {
            problems.add(where + ": must be a whole number from " + min + " to " + max + shown(raw));
            return null;
        }
        return n.intValue();
    }

    String text(Object value, String where, boolean required) {
        if (value == null) {
            if (required) {
                problems.add(where + ": is required");
            }
            return null;
        }
        if (value instanceof Map || value instanceof List) {
            problems.add(where + ": must be text, not a " + (value instanceof Map ? "mapping" : "list"));
            return null;
        }
        String text = substitute(String.valueOf(value), where);
        if (text == null) {
            return null;
        }
        if (text.isBlank()) {
            if (required) {
                problems.add(where + ": is empty");
            }
            return null;
        }
        return text.strip();
    }

    /**
     * Replaces {@code ${VAR}} / {@code ${VAR:-default}}; an unset variable without a default is a problem (and
     * null is returned).
     */
    private String substitute(String value, String where) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        boolean ok = true;
        while (m.find()) {
            String variable = m.group(1);
            String replacement = variables.get(variable);
            if (replacement == null || replacement.isBlank()) {
                replacement = m.group(2) != null ? m.group(3) : null;
            }
            if (replacement == null) {
                problems.add(where + ": environment variable " + variable + " is not set (and " + m.group()
                        + " has no default)");
                ok = false;
                replacement = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement.strip()));
        }
        m.appendTail(out);
        return ok ? out.toString() : null;
    }

    void unknownKeys(Map<?, ?> map, Set<String> known, String where) {
        for (Object key : map.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                problems.add((where == null ? "" : where + ".") + key + ": unknown key (expected one of "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    private static String shown(Object raw) {
        if (raw == null) {
            return "";
        }
        String text = String.valueOf(raw);
        return ", not " + (raw instanceof String ? "'" + abbreviate(text) + "'" : abbreviate(text));
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
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
