package dev.billing.server;

import dev.billing.supabase.SupabaseConfig;
import java.net.URI;

/**
 * The Supabase store's settings read from the environment: {@code SUPABASE_URL} and
 * {@code SUPABASE_SERVICE_ROLE_KEY}, checked by the adapter's {@link SupabaseConfig} without connecting.
 *
 * <p>Usage: {@code SupabaseSettings supabase = SupabaseSettings.read(reader, "the project's service_role key");}
 * (null, with the problems in the reader, when a setting is missing or invalid)
 *
 * @param url            the project URL as given
 * @param serviceRoleKey the project's {@code service_role} key
 */
record SupabaseSettings(URI url, String serviceRoleKey) {
    static final String URL = "SUPABASE_URL";
    static final String SERVICE_ROLE_KEY = "SUPABASE_SERVICE_ROLE_KEY";
    /** How a problem of the pair starts: the adapter checks the two together. */
    static final String BOTH = URL + " / " + SERVICE_ROLE_KEY + ": ";

    /**
     * Reads both variables; every problem is added to {@code r}, never repeating the key.
     *
     * @param keyPurpose what the key is for, in the message when it is missing
     */
    static SupabaseSettings read(EnvReader r, String keyPurpose) {
        URI url = r.url(URL, true);
        String key = r.required(SERVICE_ROLE_KEY, keyPurpose);
        if (url == null || key == null) {
            return null;
        }
        try {
            SupabaseConfig.of(url.toString(), key);
        } catch (IllegalArgumentException e) {
            r.problem(BOTH + named(e.getMessage()));
            return null;
        }
        return new SupabaseSettings(url, key);
    }

    /** The adapter's configuration, with its default timeouts and retries. */
    SupabaseConfig config() {
        return SupabaseConfig.of(url.toString(), serviceRoleKey);
    }

    /** The adapter's messages start with the field's name ({@code url}, {@code serviceRoleKey}); ours name the variable. */
    static String named(String message) {
        if (message.startsWith("url ")) {
            return URL + message.substring("url".length());
        }
        if (message.startsWith("serviceRoleKey ")) {
            return SERVICE_ROLE_KEY + message.substring("serviceRoleKey".length());
        }
        return message;
    }

    @Override
    public String toString() {
        return "SupabaseSettings[url=" + url + ", serviceRoleKey=" + ServerConfig.mask(serviceRoleKey) + "]";
    }
}
