package dev.billing.emulator.state;

import java.security.SecureRandom;

/** Stripe-looking random identifiers ({@code cus_Q1w2e3r4t5y6u7}). */
public final class Ids {
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String next(String prefix) {
        int length = switch (prefix) {
            case "cus", "prod", "si", "acct" -> 14;
            case "cs_test" -> 58;
            default -> 24;
        };
        return prefix + "_" + random(length);
    }

    public static String random(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    public static String secret(String id) {
        return id + "_secret_" + random(24);
    }

    public static String requestId() {
        return "req_" + random(14);
    }
}
