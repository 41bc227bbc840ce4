package dev.billing.emulator;

import java.util.ArrayList;
import java.util.List;

/** Every API request, in arrival order of completion. */
final class RequestLog {
  private final List<RecordedRequest> entries = new ArrayList<>();

  synchronized void add(RecordedRequest request) {
    entries.add(request);
  }

  synchronized List<RecordedRequest> all() {
    return List.copyOf(entries);
  }

  synchronized void clear() {
    entries.clear();
  }
}
