package dev.billing.emulator;

/**
 * What an injected {@link Fault} does to a matching API request.
 *
 * <p>Usage: {@code emulator.addFault(Fault.of(FaultKind.HANG_AFTER_APPLY, "POST", "/v1/customers"))}
 */
public enum FaultKind {
    /** Answer {@code 500 api_error} without doing the work. */
    ERROR_500("500"),
    /** Answer {@code 429} (rate limit) without doing the work. */
    RATE_LIMIT_429("429"),
    /** Sleep for the fault's duration, then answer {@code 500}; the work is not done. */
    HANG("hang"),
    /** Do the work (and save the idempotent result), then sleep, then answer normally. */
    HANG_AFTER_APPLY("hang_after_apply"),
    /** Do the work (and save the idempotent result), then answer {@code 500}. */
    ERROR_500_AFTER_APPLY("500_after_apply"),
    /** Close the connection without any response. */
    DROP_CONNECTION("drop"),
    /**
     * Sleep for the fault's duration, then do the work and answer normally (a slow but successful
     * request; its idempotency key is "in flight" meanwhile).
     */
    DELAY("delay");

    private final String wireName;

    FaultKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name used by the control API ({@code 500}, {@code 429}, {@code hang}, ...). */
    public String wireName() {
        return wireName;
    }

    /** Parses a control-API name ({@code hang_after_apply}) or an enum constant name. */
    public static FaultKind parse(String name) {
        for (FaultKind kind : values()) {
            if (kind.wireName.equalsIgnoreCase(name) || kind.name().equalsIgnoreCase(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown fault kind: " + name);
    }
}
