package dev.billing.testkit.postgres;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Testcontainers whether a Docker engine answers, without ever hanging or throwing: absent
 * Testcontainers, any error, or no answer within the timeout all mean "no Docker".
 */
final class DockerProbe {

    static final String DOCKER_CLIENT_FACTORY = "org.testcontainers.DockerClientFactory";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(DockerProbe.class);

    private DockerProbe() {}

    static boolean isDockerAvailable() {
        return isDockerAvailable(DEFAULT_TIMEOUT);
    }

    static boolean isDockerAvailable(Duration timeout) {
        if (!testcontainersOnClasspath()) {
            LOG.debug("Testcontainers is not on the classpath: no Docker");
            return false;
        }
        FutureTask<Boolean> probe = new FutureTask<>(DockerProbe::askTestcontainers);
        Thread thread = new Thread(probe, "billing-docker-probe");
        thread.setDaemon(true);
        thread.start();
        try {
            return probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info("Docker did not answer within {} ms: treating it as unavailable", timeout.toMillis());
            probe.cancel(true);
            return false;
        } catch (ExecutionException e) {
            LOG.debug("Docker probe failed: treating it as unavailable", e.getCause());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean testcontainersOnClasspath() {
        try {
            Class.forName(DOCKER_CLIENT_FACTORY, false, DockerProbe.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static Boolean askTestcontainers() {
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) { // NOPMD - any failure, including linkage errors, means no Docker
            LOG.debug("Testcontainers could not reach Docker", t);
            return false;
        }
    }
}
