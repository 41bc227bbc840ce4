package dev.billing.core.model.catalog;

import dev.billing.core.model.Checks;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** A Stripe product. {@code description} and {@code defaultPriceId} may be null. */
public record Product(
        String id,
        String name,
        String description,
        boolean active,
        String defaultPriceId,
        Map<String, String> metadata,
        Instant created) {
    public Product {
        Checks.text(id, "id");
        Checks.text(name, "name");
        metadata = Checks.metadata(metadata);
        Objects.requireNonNull(created, "created");
    }
}
