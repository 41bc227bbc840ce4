package dev.billing.emulator.state;

import dev.billing.emulator.wire.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Keeps a state file in step with the emulator: saves the objects, the event log, the saved
 * idempotency keys and the clock when something changed, and restores them at start. How they are
 * written is {@link StateFile}'s.
 */
public final class StateKeeper {
    private final Path file;
    private final EmulatorState state;
    private final IdempotencyStore idempotency;
    private final EmulatorClock clock;
    private final Object saveLock = new Object();
    private long savedChanges = -1;
    private String savedText;

    public StateKeeper(Path file, EmulatorState state, IdempotencyStore idempotency, EmulatorClock clock) {
        this.file = file;
        this.state = state;
        this.idempotency = idempotency;
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    /** Saves the state if it changed since the last save; the same text is not written twice. */
    public void save() {
        synchronized (saveLock) {
            long changes = state.changes();
            if (changes == savedChanges) {
                return;
            }
            String text = state.locked(() -> {
                Map<String, Object> roots = state.snapshotRoots();
                roots.put("idempotency", idempotency.snapshot());
                roots.put(
                        "clock",
                        Json.obj(
                                "emulated",
                                clock.instant().toString(),
                                "wall",
                                clock.wallNow().toString()));
                return StateFile.encode(roots);
            });
            if (!text.equals(savedText)) {
                StateFile.write(file, text);
                savedText = text;
            }
            savedChanges = changes;
        }
    }

    /**
     * Replaces the state, the saved idempotency keys and the clock with the file's.
     *
     * @throws IllegalStateException naming the file when it cannot be read
     */
    @SuppressWarnings("unchecked")
    public void load() {
        Map<String, Object> roots;
        try {
            roots = StateFile.decode(StateFile.read(file));
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot restore the Stripe emulator from " + file + " (" + e.getMessage()
                            + "); delete the file to start from the seed again",
                    e);
        }
        Map<String, Object> savedClock = (Map<String, Object>) roots.get("clock");
        state.locked(() -> {
            state.restore(roots);
            return null;
        });
        idempotency.restore((Map<String, Object>) roots.get("idempotency"));
        clock.restore(
                Instant.parse((String) savedClock.get("emulated")), Instant.parse((String) savedClock.get("wall")));
        synchronized (saveLock) {
            savedChanges = state.changes();
            savedText = null;
        }
    }
}
