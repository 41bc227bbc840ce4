package dev.billing.http;

import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * The threads Jetty serves requests on. Without {@link ApiSettings#virtualThreads()}: Javalin's default pool of
 * platform threads, sized by {@link ApiSettings#requestThreads()}. With it: Jetty's own shape for virtual threads, a
 * small pool of platform threads for its selectors and non-blocking work that hands each blocking task (a request's
 * handler) to a virtual thread, at most {@link ApiSettings#requestThreads()} of them at once.
 */
final class RequestThreads {
    /** The platform pool's least threads and idle timeout: Javalin's defaults. */
    static final int MIN_PLATFORM_THREADS = 8;

    static final int IDLE_TIMEOUT_MILLIS = 60_000;
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

    /** Javalin's default pool, named as Javalin names it, with at most {@code max} threads. */
    static ThreadPool platform(int max) {
        QueuedThreadPool platform = new QueuedThreadPool(max, MIN_PLATFORM_THREADS, IDLE_TIMEOUT_MILLIS);
        platform.setName(PLATFORM_NAME);
        return platform;
    }

    /**
     * The thread pool for virtual request threads, at most {@code max} at once (more wait for a slot, as they would
     * for a platform thread); the platform threads under them keep Javalin's default bound.
     */
    static ThreadPool virtual(int max) {
        requireSupported();
        VirtualThreadPool virtual = new VirtualThreadPool(max);
        virtual.setName(VIRTUAL_NAME);
        QueuedThreadPool platform =
                new QueuedThreadPool(ApiSettings.DEFAULT_REQUEST_THREADS, MIN_PLATFORM_THREADS, IDLE_TIMEOUT_MILLIS);
        platform.setName(PLATFORM_NAME);
        platform.setVirtualThreadsExecutor(virtual);
        return platform;
    }
}
