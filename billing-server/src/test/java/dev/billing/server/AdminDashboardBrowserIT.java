package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.testkit.http.Http;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The admin dashboard in a real browser (headless Chromium from the machine's packages) against local mode:
 * embedded Postgres, the Stripe emulator, a real Checkout. Screenshots of each step land in
 * {@code target/screenshots/admin-dashboard/}.
 */
class AdminDashboardBrowserIT {
    private static final String ADMIN_TOKEN = "browser-test-admin-token-0123456789";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots", "admin-dashboard");

    @TempDir
    Path dir;

    @Test
    void signInCheckRevenueFindACustomerAndReplayAFailedEvent() {
        try (LocalFixture f = LocalFixture.start(dir, Map.of("BILLING_ADMIN_TOKEN", ADMIN_TOKEN));
                Browser browser = Browser.start(SCREENSHOTS)) {
            String user = "user_dashboard";
            String token = f.token(user);
            String customer = f.customer(token);
            String subscription = f.subscribe(token, "pro", "month"); // trialing: not in MRR
            String payingToken = f.token("user_paying");
            String paying = f.customer(payingToken);
            Instant start = f.emulator.now();
            assertThat(f.deliverSigned(LocalFixture.subscriptionEvent(
                                    "evt_dashboard_paying",
                                    start,
                                    "sub_dashboard_paying",
                                    paying,
                                    "active",
                                    "price_pro_monthly",
                                    start,
                                    start.plusSeconds(30L * 86_400)))
                            .status())
                    .isEqualTo(200);
            f.awaitIdle();
            String failed = parkFailedEvent(f, customer);
            String base = "http://127.0.0.1:" + f.local.port();

            // A page asks for a session first; a wrong token is refused on the page.
            browser.driver.get(base + "/admin/events");
            browser.until(d -> d.getCurrentUrl().contains("/admin/sign-in"));
            WebElement tokenField = browser.driver.findElement(By.id("token"));
            assertThat(browser.driver
                            .findElement(By.cssSelector("label[for=token]"))
                            .getText())
                    .isEqualTo("Admin token");
            tokenField.sendKeys("not-the-admin-token", Keys.ENTER);
            WebElement error = browser.until(d -> d.findElement(By.id("sign-in-error")));
            assertThat(error.getText()).isEqualTo("That is not the admin token.");
            browser.screenshot("01-wrong-token");

            // The right token, typed and submitted from the keyboard, lands where the browser was going.
            browser.driver.findElement(By.id("token")).sendKeys(ADMIN_TOKEN, Keys.ENTER);
            browser.until(d -> d.getCurrentUrl().endsWith("/admin/events"));
            assertThat(browser.driver.getCurrentUrl()).doesNotContain(ADMIN_TOKEN);
            assertThat(browser.driver.manage().getCookieNamed("billing_admin").isHttpOnly())
                    .isTrue();

            // The overview: the MRR shown is the API's.
            browser.driver.findElement(By.linkText("Overview")).click();
            browser.until(d -> d.findElement(By.id("failed-events")));
            assertThat(browser.driver.findElement(By.id("failed-events")).getText())
                    .startsWith("1 failed");
            Http.Response revenue = f.http.get("/admin/analytics/revenue", ADMIN_TOKEN);
            assertThat(revenue.status()).as(revenue.body()).isEqualTo(200);
            JsonNode usd = revenue.json().path("currencies").get(0);
            assertThat(usd.path("currency").asText()).isEqualTo("usd");
            assertThat(usd.path("mrr").asLong()).isEqualTo(2900); // the paying one; the trial is apart
            assertThat(browser.driver.findElement(By.id("mrr-usd")).getText())
                    .isEqualTo(BigDecimal.valueOf(usd.path("mrr").asLong(), 2).toPlainString() + " USD");
            // The chart's months are the API's history; this month's point is the paying subscription.
            Http.Response history = f.http.get("/admin/analytics/mrr?months=12", ADMIN_TOKEN);
            assertThat(history.status()).as(history.body()).isEqualTo(200);
            List<String> apiRows = new ArrayList<>();
            history.json()
                    .path("data")
                    .forEach(p -> apiRows.add(p.path("month").asText() + " "
                            + BigDecimal.valueOf(p.path("mrr").asLong(), 2).toPlainString() + " USD"));
            assertThat(apiRows).hasSize(12).last().asString().endsWith(" 29.00 USD");
            List<String> pageRows = browser.driver.findElements(By.cssSelector("#mrr-table-usd tbody tr")).stream()
                    .map(WebElement::getText)
                    .toList();
            assertThat(pageRows).isEqualTo(apiRows);
            assertThat(browser.driver.findElements(By.cssSelector("#mrr-chart-usd rect")))
                    .hasSize(12);
            browser.screenshot("02-overview");
            // The browser fetched the page's icon on its own, and nothing it asked for was missing.
            List<String> responses = browser.until(d -> {
                List<String> seen = browser.responses();
                return seen.stream().anyMatch(r -> r.contains("favicon")) ? seen : null;
            });
            assertThat(responses)
                    .as("every response")
                    .noneMatch(r -> r.startsWith("404 "))
                    .anyMatch(r -> r.equals("200 " + base + "/admin/assets/favicon.svg"));

            // Customer search leads to the customer's subscriptions.
            browser.driver.findElement(By.linkText("Customers")).click();
            browser.until(d -> d.findElement(By.id("q"))).sendKeys(customer, Keys.ENTER);
            browser.until(d -> d.findElement(By.linkText(user))).click();
            browser.until(d -> d.findElement(By.id("customer-id")));
            assertThat(browser.driver.findElement(By.id("customer-id")).getText())
                    .isEqualTo(customer);
            assertThat(browser.driver
                            .findElement(By.cssSelector("table.subscriptions"))
                            .getText())
                    .contains(subscription)
                    .contains("trialing");
            assertThat(browser.driver.findElement(By.id("tier")).getText()).isEqualTo("pro");
            assertThat(browser.driver.findElement(By.cssSelector("table.audit")).getText())
                    .contains("customer.linked")
                    .contains("subscription.created")
                    .contains(subscription);
            browser.screenshot("03-customer");

            // The failed event, filtered, replayed, and processed.
            browser.driver.findElement(By.linkText("Webhook events")).click();
            browser.until(d -> d.findElement(By.id("status")));
            new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("status")))
                    .selectByValue("failed");
            browser.driver.findElement(By.cssSelector("form.filters button")).click();
            browser.until(d -> d.getCurrentUrl().contains("status=failed"));
            WebElement row = browser.driver.findElement(By.cssSelector("tr[data-event='" + failed + "']"));
            assertThat(row.getText()).contains("failed");
            browser.screenshot("04-failed-event");
            row.findElement(By.cssSelector("button[aria-label='Replay " + failed + "']"))
                    .click();
            WebElement notice = browser.until(d -> d.findElement(By.id("replayed")));
            assertThat(notice.getText()).contains(failed).contains("now processed");
            assertThat(f.stores().inbox().find(failed).orElseThrow().status()).isEqualTo(InboxStatus.PROCESSED);
            browser.screenshot("05-replayed");

            // Duplicate subscriptions, from the navigation: this party holds one subscription, so none are found.
            browser.driver.findElement(By.linkText("Duplicate subscriptions")).click();
            WebElement none = browser.until(d -> d.findElement(By.id("duplicates-empty")));
            assertThat(none.getText()).startsWith("No party has been found holding a second live subscription");
            browser.screenshot("06-duplicates");

            // Signing out ends the session, on the server too: the cookie put back opens nothing.
            org.openqa.selenium.Cookie session = browser.driver.manage().getCookieNamed("billing_admin");
            browser.driver.findElement(By.cssSelector("form.sign-out button")).click();
            browser.until(d -> d.getCurrentUrl().contains("/admin/sign-in"));
            browser.driver.get(base + "/admin");
            browser.until(d -> d.getCurrentUrl().contains("/admin/sign-in"));
            browser.driver.manage().addCookie(session);
            browser.driver.get(base + "/admin");
            browser.until(d -> d.getCurrentUrl().contains("/admin/sign-in"));
            browser.screenshot("07-signed-out");
        }
    }

    /**
     * A subscription update that ran out of attempts while Stripe was unreachable: the inbox holds it as failed,
     * exactly as the worker leaves such an event, for an admin to replay.
     */
    private static String parkFailedEvent(LocalFixture f, String customer) {
        String eventId = "evt_dashboard_failed_1";
        Instant now = f.emulator.now();
        String payload = LocalFixture.subscriptionEvent(
                eventId,
                now,
                "sub_dashboard_elsewhere",
                customer,
                "active",
                "price_pro_monthly",
                now,
                now.plusSeconds(30L * 86_400));
        StripeEvent event = new StripeEvent(
                eventId,
                "customer.subscription.updated",
                now,
                false,
                "2026-07-29.dahlia",
                "sub_dashboard_elsewhere",
                "subscription",
                payload);
        InboxEntry entry = new InboxEntry(
                event,
                InboxStatus.FAILED,
                8,
                "Stripe did not answer: connection refused (after 8 attempts)",
                now,
                null,
                null,
                null,
                null,
                null);
        assertThat(f.stores().inbox().restore(entry)).isTrue();
        return eventId;
    }
}
