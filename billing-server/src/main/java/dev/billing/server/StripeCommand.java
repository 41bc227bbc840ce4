package dev.billing.server;

import dev.billing.core.error.BillingException;
import dev.billing.plans.PlanCatalogYaml;
import dev.billing.plans.PlanFile;
import dev.billing.stripe.StripeCatalogSpec;
import dev.billing.stripe.StripeCatalogSync;
import dev.billing.stripe.StripeConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code billing-server stripe plan|apply}: makes Stripe match the plan file (docs/STRIPE.md, "Stripe as code").
 * Reads {@code STRIPE_SECRET_KEY}, {@code STRIPE_API_BASE}, {@code BILLING_PLANS_FILE} and
 * {@code BILLING_WEBHOOK_URL} (or {@code --webhook-url}); nothing else of the server's configuration is needed.
 * Both name the account's mode (test or live, from the key) before anything else; a publishable key and a webhook
 * URL Stripe would not deliver to (plain http, except to a loopback address: the emulator) are refused before any
 * call. {@code apply} with a live key changes nothing until a person confirms on the terminal, or {@code --yes} says
 * so beforehand; with neither (CI has no terminal) it refuses.
 *
 * <p>Usage: {@code BILLING_PLANS_FILE=plans.yaml billing-server stripe plan}, then {@code ... stripe apply}
 */
@Command(
        name = "stripe",
        description = "Make Stripe match the plan file: products, prices, meters, the customer "
                + "portal, the webhook endpoint.",
        subcommands = {StripeCommand.Plan.class, StripeCommand.Apply.class})
final class StripeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        new CommandLine(this).usage(main.out);
        return Main.CONFIG;
    }

    /** The Stripe account's mode, as its key says: a live key changes what real customers are charged. */
    enum AccountMode {
        TEST,
        LIVE;

        /** The key's mode; a problem (and null) for a publishable key or anything that is not a secret key. */
        static AccountMode of(String key, EnvReader r) {
            if (key.startsWith("pk_")) {
                r.problem("STRIPE_SECRET_KEY: a publishable key (pk_...) cannot change Stripe: use the account's "
                        + "secret key (sk_live_... or sk_test_...), or a restricted key (rk_...) that may write "
                        + "products, prices, billing meters, the customer portal and webhook endpoints");
                return null;
            }
            if (!key.matches("(sk|rk)_(live|test)_[A-Za-z0-9_]+")) {
                r.problem("STRIPE_SECRET_KEY: not a Stripe secret key (expected sk_live_..., sk_test_... or rk_...)");
                return null;
            }
            return key.startsWith("sk_live_") || key.startsWith("rk_live_") ? LIVE : TEST;
        }

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What both subcommands read. */
    static final class Target {
        final StripeCatalogSync sync;
        final StripeCatalogSpec spec;
        final String source;
        final AccountMode mode;
        final String maskedKey;

        Target(StripeCatalogSync sync, StripeCatalogSpec spec, String source, AccountMode mode, String maskedKey) {
            this.sync = sync;
            this.spec = spec;
            this.source = source;
            this.mode = mode;
            this.maskedKey = maskedKey;
        }

        static Target of(Main main, String webhookUrlOption) {
            EnvReader r = new EnvReader(main.env);
            String key = r.required("STRIPE_SECRET_KEY", "your Stripe secret key (sk_live_... or sk_test_...)");
            AccountMode mode = key == null ? null : AccountMode.of(key, r);
            URI apiBase = r.url("STRIPE_API_BASE", false);
            URI webhookUrl =
                    webhookUrlOption != null ? option(r, webhookUrlOption) : r.url("BILLING_WEBHOOK_URL", false);
            webhookUrl = deliverable(r, webhookUrlOption != null ? "--webhook-url" : "BILLING_WEBHOOK_URL", webhookUrl);
            String plansPath = r.optional("BILLING_PLANS_FILE");
            PlanFile file = null;
            try {
                file = plansPath == null
                        ? PlanCatalogYaml.readSample(main.env)
                        : PlanCatalogYaml.read(Path.of(plansPath), main.env);
            } catch (PlanCatalogYaml.InvalidCatalogException e) {
                e.problems().forEach(p -> r.problem("BILLING_PLANS_FILE: " + p));
            }
            r.failIfAny();
            return new Target(
                    Adapters.stripeSync(key, apiBase),
                    StripeSetup.spec(file, webhookUrl),
                    file.source(),
                    mode,
                    StripeConfig.of(key).maskedKey());
        }

        /**
         * Stripe delivers webhooks over https only; plain http is kept for a loopback address, where only a local
         * stand-in (the emulator) can be listening.
         */
        private static URI deliverable(EnvReader r, String name, URI url) {
            if (url == null || "https".equalsIgnoreCase(url.getScheme()) || isLoopback(url.getHost())) {
                return url;
            }
            r.problem(name + ": Stripe delivers webhooks over https only: " + url + " is plain http (http is "
                    + "accepted only for a loopback address such as http://127.0.0.1, where the emulator runs)");
            return null;
        }

        /** By name, never by a DNS lookup: localhost, 127.0.0.0/8, ::1. */
        static boolean isLoopback(String host) {
            if (host == null) {
                return false;
            }
            String h = host.toLowerCase(Locale.ROOT);
            return h.equals("localhost") || h.matches("127(\\.[0-9]{1,3}){3}") || h.equals("[::1]") || h.equals("::1");
        }

        private static URI option(EnvReader r, String value) {
            URI uri = URI.create(value);
            if (uri.getHost() == null || !(value.startsWith("https://") || value.startsWith("http://"))) {
                r.problem("--webhook-url: must be an absolute http(s) URL");
                return null;
            }
            return uri;
        }

        String header(boolean dryRun) {
            return "Stripe account: " + mode.wireName() + " mode (key " + maskedKey + ")"
                    + (mode == AccountMode.LIVE ? ": changes reach real customers" : "") + System.lineSeparator()
                    + (dryRun ? "Planned" : "Applying") + " for " + source + ": "
                    + spec.products().size()
                    + " product(s), " + spec.prices().size() + " price(s) by lookup key, "
                    + spec.meters().size()
                    + " meter(s), the portal, "
                    + (spec.webhookEndpoint() == null
                            ? "no webhook endpoint (no --webhook-url / BILLING_WEBHOOK_URL)"
                            : "the webhook endpoint " + spec.webhookEndpoint().url());
        }
    }

    /** What plan and apply both take: where the webhook endpoint is, and whether one of another version goes. */
    static final class TargetOptions {
        @Option(
                names = "--webhook-url",
                description = "The webhook endpoint's URL (default: BILLING_WEBHOOK_URL; "
                        + "without either, endpoints are left alone).")
        String webhookUrl;

        @Option(
                names = "--replace-webhook-endpoint",
                description =
                        "Replace an endpoint of another API version: "
                                + "a new endpoint (a new signing secret), then the old one deleted (plan shows it; else a warning).")
        boolean replace;

        /** Text logs, the target read from the plan file and the options, and its header printed. */
        Target target(Main main, boolean dryRun) {
            Main.logFormat(main.env, "TEXT");
            Target target = Target.of(main, webhookUrl);
            main.out.println(target.header(dryRun));
            return target;
        }
    }

    @Command(
            name = "plan",
            description = "Print what apply would change in Stripe; changes nothing (GET requests " + "only).")
    static final class Plan implements Callable<Integer> {
        @ParentCommand
        StripeCommand parent;

        @Mixin
        TargetOptions options;

        @Override
        public Integer call() {
            Main main = parent.main;
            Target target = options.target(main, true);
            StripeCatalogSync.Result result = target.sync.plan(target.spec, options.replace);
            result.changes().forEach(c -> main.out.println(c.line()));
            if (result.noChanges()) {
                main.out.println("no changes");
            }
            return Main.OK;
        }
    }

    @Command(
            name = "apply",
            description = "Make the changes plan prints, each with an idempotency key; re-run "
                    + "after an interruption to finish. With a live key it asks on the terminal first (type live or yes), "
                    + "unless --yes is given; without a terminal and without --yes it refuses.")
    static final class Apply implements Callable<Integer> {
        @ParentCommand
        StripeCommand parent;

        @Mixin
        TargetOptions options;

        @Option(
                names = "--yes",
                description = "Apply to a live-mode account without asking (for CI, which has no "
                        + "terminal to answer on).")
        boolean yes;

        @Override
        public Integer call() {
            Main main = parent.main;
            Target target = options.target(main, false);
            if (target.mode == AccountMode.LIVE && !yes) {
                Integer refused = confirmLive(main, target);
                if (refused != null) {
                    return refused;
                }
            }
            List<StripeCatalogSync.Change> done = new ArrayList<>();
            StripeCatalogSync.Result result;
            try {
                result = target.sync.apply(target.spec, options.replace, change -> {
                    main.out.println(change.line());
                    done.add(change);
                });
            } catch (BillingException | IllegalStateException e) {
                main.err.println("stripe apply stopped at change " + done.size() + " (" + e.getMessage() + "): what "
                        + "was done stays done; run stripe apply again to finish");
                return Main.FAILED;
            }
            result.notes().forEach(main.out::println);
            main.out.println(
                    result.noChanges()
                            ? "no changes"
                            : "done: "
                                    + result.changes().stream()
                                            .filter(c -> c.kind() != StripeCatalogSync.Kind.WARN)
                                            .count()
                                    + " change(s)");
            return Main.OK;
        }

        /**
         * Shows what would change in the live account (reads only) and asks; null when the person typed
         * {@code live} or {@code yes}, else the exit code. Without a terminal it refuses before any Stripe call.
         */
        private Integer confirmLive(Main main, Target target) {
            if (main.terminal == null) {
                main.err.println("stripe apply: " + target.maskedKey + " is a live-mode key and there is no terminal "
                        + "to confirm on: nothing was changed. Run it on a terminal, or pass --yes to apply to the "
                        + "live account without asking.");
                return Main.CONFIG;
            }
            StripeCatalogSync.Result planned = target.sync.plan(target.spec, options.replace);
            planned.changes().forEach(c -> main.out.println(c.line()));
            if (planned.noChanges()) {
                return null; // nothing to change: apply finds the same and says so
            }
            main.out.flush();
            main.err.print("These changes go to the LIVE Stripe account. Type live (or yes) to apply them: ");
            main.err.flush();
            String answer;
            try {
                answer = main.terminal.readLine();
            } catch (IOException e) {
                answer = null;
            }
            String typed = answer == null ? "" : answer.strip().toLowerCase(Locale.ROOT);
            if (typed.equals("live") || typed.equals("yes")) {
                return null;
            }
            main.err.println("stripe apply: not confirmed; nothing was changed");
            return Main.FAILED;
        }
    }
}
