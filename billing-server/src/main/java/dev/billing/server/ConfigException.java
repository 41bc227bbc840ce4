package dev.billing.server;

import java.util.List;

/** The server's configuration is incomplete or invalid; {@link #problems()} lists every problem at once. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("Invalid configuration (" + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + "):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
