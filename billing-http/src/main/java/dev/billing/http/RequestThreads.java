package dev.billing.http;

import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * The threads Jetty serves requests on when {@link ApiSettings#virtualThreads()} is set: Jetty's own shape for
 * virtual threads, a small pool of platform threads for its selectors and non-blocking work that hands each blocking
 * task (a request's handler) to a virtual thread. Without the setting Javalin's default pool (platform threads only)
 * is used unchanged.
 */
final class RequestThreads {
    /** The platform pool's bounds and idle timeout: Javalin's defaults. */
    static final int MAX_PLATFORM_THREADS = 250;

    static final int MIN_PLATFORM_THREADS = 8;
    static final int IDLE_TIMEOUT_MILLIS = 60_000;
    /** At most this many requests run at once; more wait for a slot, as they would for a platform thread. */
    static final int MAX_VIRTUAL_THREADS = 250;
    /** Virtual threads are named this and a counter ({@code billing-http-virtual-0}), as the access log shows. */
    static final String VIRTUAL_NAME = "billing-http-virtual-";

    static final String PLATFORM_NAME = "JettyServerThreadPool";

    private RequestThreads() {}

    /** Fails, saying why, on a JVM without virtual threads (before Java 21). */
    static void requireSupported() {
        if (!VirtualThreads.areSupported()) {
            throw new IllegalStateException("ApiSettings.virtualThreads needs Java 21 or later; this JVM is Java "
                    + Runtime.version().feature() + " (run on a newer JDK, or leave virtual threads off)");
        }
    }

    /** The thread pool for virtual request threads. */
    static ThreadPool virtual() {
        requireSupported();
        VirtualThreadPool virtual = new VirtualThreadPool(MAX_VIRTUAL_THREADS);
        virtual.setName(VIRTUAL_NAME);
        QueuedThreadPool platform =
                new QueuedThreadPool(MAX_PLATFORM_THREADS, MIN_PLATFORM_THREADS, IDLE_TIMEOUT_MILLIS);
        platform.setName(PLATFORM_NAME);
        platform.setVirtualThreadsExecutor(virtual);
        return platform;
    }
}
