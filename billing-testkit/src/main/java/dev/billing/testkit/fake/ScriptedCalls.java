package dev.billing.testkit.fake;

import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.error.GatewayRateLimitedException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.GatewayUnavailableException;
import dev.billing.testkit.fake.FakePaymentGateway.Call;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How every call of {@link FakePaymentGateway} runs: it is logged, fails if a test scripted a failure for it, and
 * replays its first result when its idempotency key comes again with the same parameters (other parameters are
 * rejected with {@code idempotency_error}, as Stripe does).
 */
final class ScriptedCalls {
    private final Object lock;
    private final Map<String, Replay> idempotency = new HashMap<>();
    private final Map<Operation, Deque<Failure>> scripted = new EnumMap<>(Operation.class);
    private final Deque<Failure> scriptedAny = new ArrayDeque<>();
    private final Map<Operation, Deque<Runnable>> before = new EnumMap<>(Operation.class);
    private final List<Call> calls = new ArrayList<>();

    /**
     * @param lock the gateway's: its seeding and inspection methods hold it too, so that actions, seeding and
     *             scripting change the fake's state one at a time
     */
    ScriptedCalls(Object lock) {
        this.lock = lock;
    }

    void failNext(Operation operation, int times, Failure failure) {
        synchronized (lock) {
            Deque<Failure> queue = scripted.computeIfAbsent(operation, o -> new ArrayDeque<>());
            for (int i = 0; i < times; i++) {
                queue.add(failure);
            }
        }
    }

    void beforeNext(Operation operation, Runnable action) {
        synchronized (lock) {
            before.computeIfAbsent(operation, o -> new ArrayDeque<>()).add(action);
        }
    }

    void failNextAny(int times, Failure failure) {
        synchronized (lock) {
            for (int i = 0; i < times; i++) {
                scriptedAny.add(failure);
            }
        }
    }

    List<Call> calls() {
        synchronized (lock) {
            return List.copyOf(calls);
        }
    }

    List<Call> calls(Operation operation) {
        synchronized (lock) {
            return calls.stream().filter(c -> c.operation() == operation).toList();
        }
    }

    /**
     * Runs {@code action} under the lock, unless a scripted failure stops it first; a failure "after applying"
     * runs it and then loses the answer.
     *
     * @param idempotencyKey null for calls Stripe does not key
     * @param fingerprint    the call's parameters, compared when the key comes again
     */
    <T> T call(Operation operation, String idempotencyKey, String fingerprint, Supplier<T> action) {
        Runnable first;
        synchronized (lock) {
            Deque<Runnable> queue = before.get(operation);
            first = queue == null ? null : queue.poll();
        }
        if (first != null) {
            // Outside the lock, so that it may call the gateway itself.
            first.run();
        }
        Failure failure;
        synchronized (lock) {
            calls.add(new Call(operation, idempotencyKey, fingerprint));
            Deque<Failure> queue = scripted.get(operation);
            failure = queue != null && !queue.isEmpty() ? queue.poll() : scriptedAny.poll();
        }
        if (failure == Failure.NOT_DONE) {
            throw new GatewayUnavailableException("fake Stripe: connection refused (" + operation + ")");
        }
        if (failure == Failure.RATE_LIMITED) {
            throw new GatewayRateLimitedException(
                    "fake Stripe: rate limited (" + operation + ")", Duration.ofMillis(1));
        }
        if (failure == Failure.RATE_LIMITED_FOR_30_SECONDS) {
            throw new GatewayRateLimitedException(
                    "fake Stripe: rate limited (" + operation + ")", Duration.ofSeconds(30));
        }
        if (failure == Failure.UNKNOWN_BEFORE_APPLYING) {
            throw new GatewayOutcomeUnknownException("fake Stripe: read timeout (" + operation + ")");
        }
        if (failure == Failure.REJECTED) {
            throw new GatewayRejectedException("fake Stripe: rejected (" + operation + ")", 400, "scripted", null);
        }
        T result;
        synchronized (lock) {
            if (idempotencyKey != null) {
                Replay replay = idempotency.get(idempotencyKey);
                if (replay != null) {
                    if (!replay.fingerprint.equals(fingerprint)) {
                        throw new GatewayRejectedException(
                                "Keys for idempotent requests can only be used with the "
                                        + "same parameters they were first used with.",
                                400,
                                GatewayRejectedException.IDEMPOTENCY_ERROR,
                                null);
                    }
                    @SuppressWarnings("unchecked")
                    T replayed = (T) replay.result;
                    result = replayed;
                } else {
                    result = action.get();
                    idempotency.put(idempotencyKey, new Replay(fingerprint, result));
                }
            } else {
                result = action.get();
            }
        }
        if (failure == Failure.UNKNOWN_AFTER_APPLYING) {
            throw new GatewayOutcomeUnknownException("fake Stripe: read timeout after applying (" + operation + ")");
        }
        return result;
    }

    private record Replay(String fingerprint, Object result) {}
}
