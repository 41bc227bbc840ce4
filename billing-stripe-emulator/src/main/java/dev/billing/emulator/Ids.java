package dev.billing.emulator;

import java.security.SecureRandom;

/** Stripe-looking random identifiers ({@code cus_Q1w2e3r4t5y6u7}). */
final class Ids {
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  static String next(String prefix) {
    int length =
        switch (prefix) {
          case "cus", "prod", "si", "acct" -> 14;
          case "cs_test" -> 58;
          default -> 24;
        };
    return prefix + "_" + random(length);
  }

  static String random(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }

  static String secret(String id) {
    return id + "_secret_" + random(24);
  }

  static String requestId() {
    return "req_" + random(14);
  }
}
