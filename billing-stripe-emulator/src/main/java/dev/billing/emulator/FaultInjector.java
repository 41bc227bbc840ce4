package dev.billing.emulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Pending injected faults; each matching request uses one up. */
final class FaultInjector {
  private final List<Fault> faults = new ArrayList<>();
  private final List<Integer> remaining = new ArrayList<>();

  synchronized void add(Fault fault) {
    faults.add(fault);
    remaining.add(fault.times());
  }

  /** The first matching fault, consuming one use of it; null if none. */
  synchronized Fault take(String method, String path) {
    for (int i = 0; i < faults.size(); i++) {
      Fault f = faults.get(i);
      if (f.matches(method, path)) {
        int left = remaining.get(i) - 1;
        if (left <= 0) {
          faults.remove(i);
          remaining.remove(i);
        } else {
          remaining.set(i, left);
        }
        return f;
      }
    }
    return null;
  }

  /** Pending faults with their remaining counts as {@code times}. */
  synchronized List<Fault> pending() {
    List<Fault> out = new ArrayList<>();
    Iterator<Integer> counts = remaining.iterator();
    for (Fault f : faults) {
      out.add(f.times(counts.next()));
    }
    return out;
  }

  synchronized void clearAll() {
    faults.clear();
    remaining.clear();
  }
}
