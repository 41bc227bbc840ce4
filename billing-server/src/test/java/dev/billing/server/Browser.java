package dev.billing.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium from the machine's packages, driven through its own chromedriver: Selenium never downloads a
 * browser. Missing either fails the test with how to install them.
 */
final class Browser implements AutoCloseable {
    static final String INSTALL = "The browser test needs Chromium and its driver: on Debian or Ubuntu run "
            + "`apt-get update && apt-get install -y chromium chromium-driver` (./test.sh installs them when absent), "
            + "or point BILLING_CHROMIUM and BILLING_CHROMEDRIVER at a Chromium and a matching chromedriver.";
    private static final List<String> BROWSERS =
            List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    final WebDriver driver;
    private final Path screenshots;
    private final List<String> responses = new ArrayList<>();

    private Browser(WebDriver driver, Path screenshots) {
        this.driver = driver;
        this.screenshots = screenshots;
    }

    static Browser start(Path screenshots) {
        String chromium = find("BILLING_CHROMIUM", BROWSERS)
                .orElseThrow(() -> new AssertionError("No Chromium found. " + INSTALL));
        String chromedriver = find("BILLING_CHROMEDRIVER", DRIVERS)
                .orElseThrow(() -> new AssertionError("No chromedriver found. " + INSTALL));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1280,1000",
                "--lang=en-US",
                "--no-first-run",
                "--disable-extensions");
        // Chrome's network log, so a test sees every request the browser makes on its own (the icon, say).
        options.setCapability("goog:loggingPrefs", Map.of("performance", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort()
                .build();
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        try {
            Files.createDirectories(screenshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Browser(driver, screenshots);
    }

    /** Waits (up to the tests' patience) until the page satisfies the condition. */
    <T> T until(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, LocalFixture.PATIENCE).until(condition);
    }

    /**
     * Every response the browser received so far, as {@code "<status> <url>"}, in order: what the pages asked for,
     * and what the browser asked for on its own.
     */
    List<String> responses() {
        for (LogEntry entry : driver.manage().logs().get("performance")) {
            try {
                com.fasterxml.jackson.databind.JsonNode message =
                        LocalFixture.JSON.readTree(entry.getMessage()).path("message");
                if (message.path("method").asText().equals("Network.responseReceived")) {
                    com.fasterxml.jackson.databind.JsonNode response =
                            message.path("params").path("response");
                    responses.add(response.path("status").asInt() + " "
                            + response.path("url").asText());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.copyOf(responses);
    }

    /** Saves what the browser shows as {@code <name>.png} in the test output. */
    Path screenshot(String name) {
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Path file = screenshots.resolve(name + ".png");
        try {
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static Optional<String> find(String env, List<String> candidates) {
        String configured = System.getenv(env);
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured)) ? Optional.of(configured) : Optional.empty();
        }
        return candidates.stream().filter(c -> Files.isExecutable(Path.of(c))).findFirst();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
