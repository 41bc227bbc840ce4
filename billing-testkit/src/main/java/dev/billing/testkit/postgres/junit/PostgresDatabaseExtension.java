package dev.billing.testkit.postgres.junit;

import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import java.util.Locale;
import java.util.Objects;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension (needs junit-jupiter-api, an optional dependency of billing-testkit) giving each test class a fresh database on {@link PostgresFixture#shared()}: one database per
 * top-level class (shared with its {@code @Nested} classes), created before {@code @BeforeAll} and dropped after
 * the class. Inject it as a {@link TestDatabase} parameter of a constructor, a lifecycle method or a test.
 *
 * <p>Usage: {@code @ExtendWith(PostgresDatabaseExtension.class) class OrderStoreIT { @BeforeAll static void
 * schema(TestDatabase db) {...} }}, or {@code @RegisterExtension static final PostgresDatabaseExtension PG =
 * PostgresDatabaseExtension.withPrefix("orders");} then {@code PG.database()}.
 */
public final class PostgresDatabaseExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PostgresDatabaseExtension.class);

    private final String prefix;
    private volatile TestDatabase current;

    /** Names databases after the test class. */
    public PostgresDatabaseExtension() {
        this(null);
    }

    private PostgresDatabaseExtension(String prefix) {
        this.prefix = prefix;
    }

    /** Names databases {@code <prefix>_<unique suffix>}. */
    public static PostgresDatabaseExtension withPrefix(String prefix) {
        return new PostgresDatabaseExtension(Objects.requireNonNull(prefix, "prefix"));
    }

    /** The database of the class currently running (for {@code @RegisterExtension} fields). */
    public TestDatabase database() {
        TestDatabase db = current;
        if (db == null) {
            throw new IllegalStateException("No database yet: the extension creates it before @BeforeAll");
        }
        return db;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        current = databaseFor(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return databaseFor(extensionContext);
    }

    private TestDatabase databaseFor(ExtensionContext context) {
        ExtensionContext classContext = topLevelClassContext(context);
        String name = prefix != null
                ? prefix
                : classContext.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        // Stored values that are AutoCloseable are closed (the database dropped) when the class context ends.
        return classContext
                .getStore(NAMESPACE)
                .computeIfAbsent(
                        TestDatabase.class, key -> PostgresFixture.shared().newDatabase(name), TestDatabase.class);
    }

    private static ExtensionContext topLevelClassContext(ExtensionContext context) {
        ExtensionContext candidate = context;
        ExtensionContext found = null;
        while (candidate != null) {
            if (candidate.getTestClass().isPresent()
                    && candidate.getTestMethod().isEmpty()) {
                found = candidate;
            }
            candidate = candidate.getParent().orElse(null);
        }
        if (found == null) {
            throw new IllegalStateException("PostgresDatabaseExtension needs a test class context");
        }
        return found;
    }
}
