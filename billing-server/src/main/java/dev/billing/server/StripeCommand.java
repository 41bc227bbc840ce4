package dev.billing.server;

import dev.billing.core.error.BillingException;
import dev.billing.plans.PlanCatalogYaml;
import dev.billing.plans.PlanFile;
import dev.billing.stripe.StripeCatalogSpec;
import dev.billing.stripe.StripeCatalogSync;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code billing-server stripe plan|apply}: makes Stripe match the plan file (docs/STRIPE.md, "Stripe as code").
 * Reads {@code STRIPE_SECRET_KEY}, {@code STRIPE_API_BASE}, {@code BILLING_PLANS_FILE} and
 * {@code BILLING_WEBHOOK_URL} (or {@code --webhook-url}); nothing else of the server's configuration is needed.
 *
 * <p>Usage: {@code BILLING_PLANS_FILE=plans.yaml billing-server stripe plan}, then {@code ... stripe apply}
 */
@Command(name = "stripe", description = "Make Stripe match the plan file: products, prices, meters, the customer "
        + "portal, the webhook endpoint.", subcommands = {StripeCommand.Plan.class, StripeCommand.Apply.class})
final class StripeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        new CommandLine(this).usage(main.out);
        return Main.CONFIG;
    }

    /** What both subcommands read. */
    static final class Target {
        final StripeCatalogSync sync;
        final StripeCatalogSpec spec;
        final String source;

        Target(StripeCatalogSync sync, StripeCatalogSpec spec, String source) {
            this.sync = sync;
            this.spec = spec;
            this.source = source;
        }

        static Target of(Main main, String webhookUrlOption) {
            ServerConfig.Reader r = new ServerConfig.Reader(main.env);
            String key = r.required("STRIPE_SECRET_KEY", "your Stripe secret key (sk_live_... or sk_test_...)");
            URI apiBase = r.url("STRIPE_API_BASE", false);
            URI webhookUrl = webhookUrlOption != null ? option(r, webhookUrlOption) : r.url("BILLING_WEBHOOK_URL",
                    false);
            String plansPath = r.optional("BILLING_PLANS_FILE");
            PlanFile file = null;
            try {
                file = plansPath == null ? PlanCatalogYaml.readSample(main.env)
                        : PlanCatalogYaml.read(Path.of(plansPath), main.env);
            } catch (PlanCatalogYaml.InvalidCatalogException e) {
                e.problems().forEach(p -> r.problem("BILLING_PLANS_FILE: " + p));
            }
            r.failIfAny();
            return new Target(Adapters.stripeSync(key, apiBase), StripeSetup.spec(file, webhookUrl), file.source());
        }

        private static URI option(ServerConfig.Reader r, String value) {
            URI uri = URI.create(value);
            if (uri.getHost() == null || !(value.startsWith("https://") || value.startsWith("http://"))) {
                r.problem("--webhook-url: must be an absolute http(s) URL");
                return null;
            }
            return uri;
        }

        String header(boolean dryRun) {
            return (dryRun ? "Planned" : "Applying") + " for " + source + ": " + spec.products().size()
                    + " product(s), " + spec.prices().size() + " price(s) by lookup key, " + spec.meters().size()
                    + " meter(s), the portal, " + (spec.webhookEndpoint() == null
                    ? "no webhook endpoint (no --webhook-url / BILLING_WEBHOOK_URL)"
                    : "the webhook endpoint " + spec.webhookEndpoint().url());
        }
    }

    /** What plan and apply both take: where the webhook endpoint is, and whether one of another version goes. */
    static final class TargetOptions {
        @Option(names = "--webhook-url", description = "The webhook endpoint's URL (default: BILLING_WEBHOOK_URL; "
                + "without either, endpoints are left alone).")
        String webhookUrl;

        @Option(names = "--replace-webhook-endpoint", description = "Replace an endpoint of another API version: "
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

    @Command(name = "plan", description = "Print what apply would change in Stripe; changes nothing (GET requests "
            + "only).")
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

    @Command(name = "apply", description = "Make the changes plan prints, each with an idempotency key; re-run "
            + "after an interruption to finish.")
    static final class Apply implements Callable<Integer> {
        @ParentCommand
        StripeCommand parent;

        @Mixin
        TargetOptions options;

        @Override
        public Integer call() {
            Main main = parent.main;
            Target target = options.target(main, false);
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
            main.out.println(result.noChanges() ? "no changes" : "done: " + result.changes().stream()
                    .filter(c -> c.kind() != StripeCatalogSync.Kind.WARN).count() + " change(s)");
            return Main.OK;
        }
    }
}
