package dev.billing.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** How a migration runs one page's writes: side by side, each result in its place, nothing left running. */
class PageWritesTest {

    @Test
    void aPagesWritesRunSideBySideAndAnswerInTheirOrder() {
        CyclicBarrier allRunning = new CyclicBarrier(4);
        List<Supplier<String>> writes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String name = "w" + i;
            // Each waits until all four run at once: written one at a time, the first would wait in vain.
            writes.add(() -> {
                try {
                    allRunning.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the writes did not run side by side", e);
                }
                return name;
            });
        }

        try (PageWrites pageWrites = new PageWrites(4)) {
            assertThat(pageWrites.runAll(writes)).containsExactly("w0", "w1", "w2", "w3");
        }
    }

    @Test
    void aFailedWriteIsThrownOnceTheOthersHaveFinished() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        CountDownLatch otherWaiting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean otherFinished = new AtomicBoolean();
        IllegalStateException failure = new IllegalStateException("the store refused it");
        List<Supplier<String>> writes = List.of(
                () -> {
                    failed.countDown();
                    throw failure;
                },
                () -> {
                    try {
                        failed.await(30, TimeUnit.SECONDS);
                        otherWaiting.countDown();
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    otherFinished.set(true);
                    return "written";
                });

        try (PageWrites pageWrites = new PageWrites(2)) {
            AtomicBoolean finishedWhenThrown = new AtomicBoolean();
            CompletableFuture<Void> page = CompletableFuture.runAsync(() -> {
                try {
                    pageWrites.runAll(writes);
                } catch (IllegalStateException e) {
                    finishedWhenThrown.set(otherFinished.get());
                    throw e;
                }
            });
            assertThat(otherWaiting.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(page).as("the page is not over while a write still runs").isNotDone();
            release.countDown();

            assertThatThrownBy(() -> page.get(30, TimeUnit.SECONDS)).hasCause(failure);
            assertThat(finishedWhenThrown)
                    .as("the other write had finished when the failure was thrown")
                    .isTrue();
        }
    }

    @Test
    void oneWriterWritesOnTheCallersThread() {
        String caller = Thread.currentThread().getName();
        try (PageWrites pageWrites = new PageWrites(1)) {
            assertThat(pageWrites.runAll(List.<Supplier<String>>of(
                            () -> Thread.currentThread().getName(),
                            () -> Thread.currentThread().getName())))
                    .containsExactly(caller, caller);
        }
        assertThatThrownBy(() -> new PageWrites(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
