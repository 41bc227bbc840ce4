package dev.billing.server;

import dev.billing.core.checkout.RedirectPolicy;
import dev.billing.core.error.InvalidRequestException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the server's environment variables and collects every missing or invalid one, so that {@link #failIfAny()}
 * reports them all at once ({@link ServerConfig#fromEnv}, and each settings reader of the server).
 */
final class EnvReader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    EnvReader(Map<String, String> env) {
        this.env = env;
    }

    void problem(String problem) {
        problems.add(problem);
    }

    boolean isSet(String name) {
        return optional(name) != null;
    }

    String optional(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    String optionalOr(String name, String fallback) {
        String value = optional(name);
        return value == null ? fallback : value;
    }

    String required(String name, String what) {
        String value = optional(name);
        if (value == null) {
            problems.add(name + " is required: " + what);
        }
        return value;
    }

    int integer(String name, int fallback, int min, int max) {
        String value = optional(name);
        if (value == null) {
            return fallback;
        }
        if (!value.matches("[0-9]{1,10}") || Long.parseLong(value) < min || Long.parseLong(value) > max) {
            problems.add(name + ": must be a whole number from " + min + " to " + max);
            return fallback;
        }
        return Integer.parseInt(value);
    }

    /** Comma-separated values, blanks dropped; {@code fallback} when unset. */
    List<String> list(String name, List<String> fallback) {
        String value = optional(name);
        if (value == null) {
            return fallback;
        }
        return Arrays.stream(value.split(","))
                .map(String::strip)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    /** Comma-separated {@code whsec_} secrets (empty when unset); a malformed one is named by position only. */
    List<String> secretList(String name) {
        List<String> secrets = list(name, List.of());
        for (int i = 0; i < secrets.size(); i++) {
            if (!secrets.get(i).matches("whsec_[A-Za-z0-9+/=]+")) {
                problems.add(name + ": entry #" + (i + 1) + " is not a whsec_... signing secret");
                return List.of();
            }
        }
        return secrets;
    }

    boolean bool(String name, boolean fallback) {
        String value = optional(name);
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> {
                problems.add(name + ": must be true or false");
                yield fallback;
            }
        };
    }

    <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
        String value = optional(name);
        if (value == null) {
            return fallback;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name().toLowerCase(Locale.ROOT));
        }
        problems.add(name + ": must be one of " + String.join(", ", names));
        return fallback;
    }

    URI url(String name, boolean required) {
        String value = required ? required(name, "an http(s) URL") : optional(name);
        if (value == null) {
            return null;
        }
        try {
            URI uri = URI.create(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                problems.add(name + ": must be an absolute http(s) URL");
                return null;
            }
            return uri;
        } catch (IllegalArgumentException e) {
            problems.add(name + ": is not a URL");
            return null;
        }
    }

    List<String> origins(String name) {
        String value = required(name, "comma-separated origins of your web app, e.g. https://app.example.com");
        if (value == null) {
            return List.of();
        }
        List<String> origins = new ArrayList<>();
        for (String part : value.split(",")) {
            String origin = part.strip();
            if (origin.isEmpty()) {
                continue;
            }
            try {
                URI uri = URI.create(origin);
                boolean ok = uri.getScheme() != null
                        && uri.getHost() != null
                        && uri.getUserInfo() == null
                        && (uri.getPath() == null || uri.getPath().isEmpty())
                        && uri.getQuery() == null
                        && uri.getFragment() == null
                        && (uri.getScheme().equals("https") || uri.getScheme().equals("http"));
                if (!ok) {
                    problems.add(name + ": '" + origin + "' is not an origin (scheme://host[:port], no path)");
                    continue;
                }
                RedirectPolicy.of(List.of(origin), true); // https unless loopback, as the core requires
            } catch (IllegalArgumentException e) {
                problems.add(
                        name + ": " + (e.getMessage() == null ? "'" + origin + "' is not an origin" : e.getMessage()));
                continue;
            }
            origins.add(origin);
        }
        if (origins.isEmpty() && problems.stream().noneMatch(p -> p.startsWith(name))) {
            problems.add(name + " is required: at least one origin");
        }
        return List.copyOf(origins);
    }

    void redirect(RedirectPolicy policy, String name, String url) {
        if (url == null) {
            return;
        }
        try {
            policy.check(url, name);
        } catch (InvalidRequestException e) {
            problems.add(name + ": " + e.getMessage());
        }
    }

    void failIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
