package dev.billing.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * This JVM's heap under load: the largest heap occupancy right after a collection (what the process needs to keep:
 * the live set plus what the collector chose not to collect yet), the peak occupancy, the number of collections and
 * the time spent in them, and the heap limit ({@code -Xmx}). In the default in-process run the server and
 * the load generator share this heap (the emulator has a JVM of its own), so the figures bound the server's own
 * need from above.
 */
final class HeapMeter implements AutoCloseable {
    private final AtomicLong maxAfterGc = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final AtomicLong gcMillis = new AtomicLong();
    private final List<Runnable> unregister = new ArrayList<>();

    /** Figures in bytes and milliseconds. */
    record Figures(long maxHeap, long maxAfterGc, long peakUsed, long collections, long gcMillis) {}

    HeapMeter() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        NotificationListener listener = (notification, handback) -> {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            long after = 0;
            for (var entry : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                if (isHeapPool(entry.getKey())) {
                    after += entry.getValue().getUsed();
                }
            }
            long used = after;
            maxAfterGc.accumulateAndGet(used, Math::max);
            collections.incrementAndGet();
            gcMillis.addAndGet(info.getGcInfo().getDuration());
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                unregister.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (Exception ignored) {
                        // already gone
                    }
                });
            }
        }
    }

    private static boolean isHeapPool(String name) {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals(name)) {
                return pool.getType() == MemoryType.HEAP;
            }
        }
        return false;
    }

    Figures figures() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                MemoryUsage usage = pool.getPeakUsage();
                peak += usage == null ? 0 : usage.getUsed();
            }
        }
        return new Figures(Runtime.getRuntime().maxMemory(), maxAfterGc.get(), peak, collections.get(), gcMillis.get());
    }

    @Override
    public void close() {
        unregister.forEach(Runnable::run);
    }
}
