package dev.billing.emulator.state;

import dev.billing.emulator.RecordedRequest;
import java.util.ArrayList;
import java.util.List;

/** Every API request, in arrival order of completion. */
public final class RequestLog {
    private final List<RecordedRequest> entries = new ArrayList<>();

    public synchronized void add(RecordedRequest request) {
        entries.add(request);
    }

    public synchronized List<RecordedRequest> all() {
        return List.copyOf(entries);
    }

    public synchronized void clear() {
        entries.clear();
    }
}
