package dev.billing.core.model.catalog;

/** Stripe's price types. */
public enum PriceType {
    ONE_TIME("one_time"),
    RECURRING("recurring");

    private final String stripeName;

    PriceType(String stripeName) {
        this.stripeName = stripeName;
    }

    public String stripeName() {
        return stripeName;
    }

    public static java.util.Optional<PriceType> parse(String value) {
        for (PriceType type : values()) {
            if (type.stripeName.equals(value)) {
                return java.util.Optional.of(type);
            }
        }
        return java.util.Optional.empty();
    }
}
