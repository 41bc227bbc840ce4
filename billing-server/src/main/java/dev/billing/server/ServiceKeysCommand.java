package dev.billing.server;

import dev.billing.core.audit.AuditContext;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.Page;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.servicekey.IssuedServiceKey;
import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.model.servicekey.ServiceScope;
import dev.billing.core.port.BillingStores;
import dev.billing.core.servicekey.ServiceKeys;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code billing-server service-keys create|list|rotate|revoke}: the service API keys in the store the configuration
 * names, as the admin routes manage them. A created or rotated key's secret is printed once, on stdout, and nowhere
 * else; log lines go to stderr.
 */
@Command(
        name = "service-keys",
        description = "Create, list, rotate and revoke service API keys (docs/AUTHENTICATION.md, \"Service keys\").",
        subcommands = {
            ServiceKeysCommand.Create.class,
            ServiceKeysCommand.ListKeys.class,
            ServiceKeysCommand.Rotate.class,
            ServiceKeysCommand.Revoke.class
        })
final class ServiceKeysCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        new CommandLine(this).usage(main.out);
        return Main.CONFIG;
    }

    /** Runs {@code work} on the configured store's keys. */
    <T> T withKeys(Function<ServiceKeys, T> work) {
        Logs.toStderr(); // stdout is what the command prints: the secret, the list
        Main.logFormat(main.env, "TEXT");
        ServerConfig config = ServerConfig.fromEnv(main.env);
        // Audited as an admin's command, each run its own cause (an entry is recorded once per key, action and cause).
        String run =
                "cli_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (BillingStores stores = ServeMode.openStores(config);
                AuditContext.Scope cause = AuditContext.enter(AuditCause.admin(run))) {
            return work.apply(new ServiceKeys(stores.serviceKeys(), stores.audit(), Clock.systemUTC()));
        }
    }

    static String describe(ServiceKey k) {
        return String.format(
                Locale.ROOT,
                "%s  %s  scopes=%s  created=%s  expires=%s%s%s",
                k.id(),
                k.name(),
                k.scopes().stream().sorted().map(ServiceScope::wireName).collect(Collectors.joining(",")),
                k.createdAt(),
                k.expiresAt() == null ? "never" : k.expiresAt(),
                k.rotatedAt() == null ? "" : "  rotated=" + k.rotatedAt(),
                k.revokedAt() == null ? "" : "  revoked=" + k.revokedAt());
    }

    private static void printIssued(Main main, IssuedServiceKey issued) {
        main.out.println(describe(issued.key()));
        main.out.println("secret (shown this once; only its hash is stored): " + issued.secret());
    }

    @Command(name = "create", description = "Create a key; prints its secret once.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        ServiceKeysCommand parent;

        @Option(names = "--name", required = true, description = "What the key is for, e.g. the service's name.")
        String name;

        @Option(
                names = "--scopes",
                required = true,
                split = ",",
                description = "Comma-separated: entitlements:read, usage:write, customers:write, checkout:write.")
        java.util.List<String> scopes;

        @Option(names = "--expires-at", description = "ISO-8601 instant when it stops working (default: never).")
        String expiresAt;

        @Override
        public Integer call() {
            Set<ServiceScope> parsed = EnumSet.noneOf(ServiceScope.class);
            for (String scope : scopes) {
                ServiceScope s = ServiceScope.parse(scope.strip()).orElse(null);
                if (s == null) {
                    parent.main.err.println("--scopes: unknown scope " + scope
                            + " (entitlements:read, usage:write, customers:write, checkout:write)");
                    return Main.CONFIG;
                }
                parsed.add(s);
            }
            Instant expiry = null;
            if (expiresAt != null) {
                try {
                    expiry = Instant.parse(expiresAt);
                } catch (DateTimeParseException e) {
                    parent.main.err.println("--expires-at: not an ISO-8601 instant (2027-01-01T00:00:00Z)");
                    return Main.CONFIG;
                }
            }
            Instant expiryAt = expiry;
            try {
                IssuedServiceKey issued = parent.withKeys(keys -> keys.create(name, parsed, expiryAt));
                printIssued(parent.main, issued);
                return Main.OK;
            } catch (InvalidRequestException e) {
                parent.main.err.println(e.getMessage());
                return Main.CONFIG;
            }
        }
    }

    @Command(name = "list", description = "List every key (revoked ones too), never a secret.")
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand
        ServiceKeysCommand parent;

        @Override
        public Integer call() {
            int listed = parent.withKeys(keys -> {
                int n = 0;
                String cursor = null;
                Page<ServiceKey> page;
                do {
                    page = keys.list(cursor, 100);
                    page.items().forEach(k -> parent.main.out.println(describe(k)));
                    n += page.items().size();
                    cursor = page.nextCursor();
                } while (page.hasMore());
                return n;
            });
            if (listed == 0) {
                parent.main.out.println("No service keys.");
            }
            return Main.OK;
        }
    }

    @Command(name = "rotate", description = "Give a key a new secret (printed once); the old one stops at once.")
    static final class Rotate implements Callable<Integer> {
        @ParentCommand
        ServiceKeysCommand parent;

        @Parameters(paramLabel = "<id>", description = "The key's id (bsk_...).")
        String id;

        @Override
        public Integer call() {
            var issued = parent.withKeys(keys -> keys.rotate(id));
            if (issued.isEmpty()) {
                parent.main.err.println("no such service key (or it is revoked): " + id);
                return Main.FAILED;
            }
            printIssued(parent.main, issued.get());
            return Main.OK;
        }
    }

    @Command(name = "revoke", description = "Revoke a key for good.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        ServiceKeysCommand parent;

        @Parameters(paramLabel = "<id>", description = "The key's id (bsk_...).")
        String id;

        @Override
        public Integer call() {
            var revoked = parent.withKeys(keys -> keys.revoke(id));
            if (revoked.isEmpty()) {
                parent.main.err.println("no such service key: " + id);
                return Main.FAILED;
            }
            parent.main.out.println(describe(revoked.get()));
            return Main.OK;
        }
    }
}
