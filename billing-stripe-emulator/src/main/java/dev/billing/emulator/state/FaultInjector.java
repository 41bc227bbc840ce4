package dev.billing.emulator.state;

import dev.billing.emulator.Fault;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Pending injected faults; each matching request uses one up. */
public final class FaultInjector {
    private final List<Fault> faults = new ArrayList<>();
    private final List<Integer> remaining = new ArrayList<>();

    public synchronized void add(Fault fault) {
        faults.add(fault);
        remaining.add(fault.times());
    }

    /** The first fault matching a request sent with {@code apiKey}, consuming one use of it; null if none. */
    public synchronized Fault take(String method, String path, String apiKey) {
        for (int i = 0; i < faults.size(); i++) {
            Fault f = faults.get(i);
            if (matches(f, method, path, apiKey)) {
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

    private static boolean matches(Fault fault, String method, String path, String apiKey) {
        return ("*".equals(fault.method()) || fault.method().equalsIgnoreCase(method))
                && path.startsWith(fault.pathPrefix())
                && (fault.apiKey() == null || fault.apiKey().equals(apiKey));
    }

    /** Pending faults with their remaining counts as {@code times}. */
    public synchronized List<Fault> pending() {
        List<Fault> out = new ArrayList<>();
        Iterator<Integer> counts = remaining.iterator();
        for (Fault f : faults) {
            out.add(f.times(counts.next()));
        }
        return out;
    }

    /** Withdraws what is left of {@code fault} (as added), leaving every other pending fault; false if used up. */
    public synchronized boolean remove(Fault fault) {
        int i = faults.indexOf(fault);
        if (i < 0) {
            return false;
        }
        faults.remove(i);
        remaining.remove(i);
        return true;
    }

    public synchronized void clearAll() {
        faults.clear();
        remaining.clear();
    }
}
