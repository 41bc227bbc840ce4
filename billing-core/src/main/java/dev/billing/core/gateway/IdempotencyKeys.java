package dev.billing.core.gateway;

import dev.billing.core.annotation.Internal;
import dev.billing.core.model.UserId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic idempotency keys: the same logical request always gets the same key, on any instance. */
@Internal
public final class IdempotencyKeys {
    private IdempotencyKeys() {}

    /** The key for creating the user's customer; {@code generation} moves on only after a confirmed rotation. */
    public static String customerCreation(UserId userId, int generation) {
        return "billing-customer-" + hash(userId.value()) + (generation == 0 ? "" : "-g" + generation);
    }

    /** A key for one logical operation described by {@code parts}. */
    public static String of(String operation, Object... parts) {
        StringBuilder joined = new StringBuilder(operation);
        for (Object part : parts) {
            joined.append('\u001f').append(part);
        }
        return "billing-" + operation + "-" + hash(joined.toString());
    }

    public static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
