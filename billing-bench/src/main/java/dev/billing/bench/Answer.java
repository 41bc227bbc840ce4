package dev.billing.bench;

/** The body of the answer a sender just got (valid until its next request). */
interface Answer {
    boolean bodyContains(byte[] needle);

    String bodyText();
}
