package dev.billing.smtp;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keeps recipient addresses out of logs and stored errors: {@code ada@example.com} becomes {@code a***@example.com}. */
final class Redaction {
    /** Anything address-shaped in a server reply or exception message. */
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>()\\[\\]\",;:@]+@[A-Za-z0-9.-]+");

    private Redaction() {}

    /** The first character of the local part and the domain; never the whole address. */
    static String mask(String email) {
        if (email == null || email.isBlank()) {
            return "(none)";
        }
        String address = email.strip();
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return "***";
        }
        return address.charAt(0) + "***" + address.substring(at).toLowerCase(Locale.ROOT);
    }

    /** Masks every address-shaped word of {@code text} (server replies quote the recipient back). */
    static String scrub(String text) {
        if (text == null) {
            return "";
        }
        Matcher m = ADDRESS.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(mask(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }
}
