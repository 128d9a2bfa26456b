package io.orderpipeline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.orderpipeline.PipelineTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The built-in page in Debian's headless Chromium (no browser download): take an order through
 * the form, find it in the history, pay for it, and watch the charts pick it up; and the
 * dead-letter console: refused with a wrong login, then a requeue and a discard by the operator.
 * Saves screenshots (target/screenshots/dashboard.png, dead-letters.png; the README shows copies).
 */
@PipelineTest
class DashboardPageIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate mysql;

    ChromeDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void openBrowser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,1100", "--user-data-dir=" + Files.createTempDirectory("chromium-it"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver")).toFile())
                .build();
        browser = new ChromeDriver(service, options);
        // The page re-renders the history and the stats: a found element can go stale under us.
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOrderPlacedInThePageAppearsInTheHistoryChangesStatusAndReachesTheCharts() throws Exception {
        String user = "page-" + UUID.randomUUID().toString().substring(0, 8);
        String address = "<img src=x onerror=\"document.title='hacked'\"> 7 Elm St";
        browser.get("http://localhost:" + port + "/");
        wait.until(b -> !text("stat-orders").equals("–"));
        long ordersBefore = Long.parseLong(text("stat-orders"));

        replace("userId", user);
        replace("totalAmount", "12.34");
        replace("shippingAddress", address);
        browser.findElement(By.id("place-order")).click();

        wait.until(b -> text("form-message").startsWith("Order "));
        wait.until(b -> rows().size() == 1 && "PENDING".equals(cellText("status")));
        String shownAddress = wait.until(b -> cellText("address"));
        assertThat(shownAddress).isEqualTo(address);
        assertThat(browser.getTitle()).isEqualTo("E-Commerce Orders");

        wait.until(b -> {
            rows().get(0).findElement(By.cssSelector("button[data-status='PAID']")).click();
            return true;
        });
        wait.until(b -> rows().size() == 1 && "PAID".equals(cellText("status")));

        // Refused input is explained in words, not a stack trace.
        replace("totalAmount", "1.999");
        browser.findElement(By.id("place-order")).click();
        wait.until(b -> text("form-message").contains("at most 2 decimals"));

        // The charts refresh by themselves and count the new order.
        wait.until(b -> Long.parseLong(text("stat-orders")) > ordersBefore);
        Path shot = Path.of("target/screenshots/dashboard.png");
        Files.createDirectories(shot.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(shot)).isPositive();
    }

    @Test
    void theOperatorSignsInSeesTheDeadLettersRequeuesOneAndDiscardsAnother() throws Exception {
        // An outbox row Kafka refused (its order held), and a record the sink could not store.
        String orderId = UUID.randomUUID().toString();
        mysql.update("INSERT INTO orders (id, user_id, total_amount, currency, status, shipping_address) "
                + "VALUES (?, 'console-user', 9.99, 'USD', 'PENDING', '2 Elm St')", orderId);
        mysql.update("INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload, processed, processed_at, failed_at, "
                + "attempts, last_error) VALUES ('Order', ?, 'OrderCreated', JSON_OBJECT('orderId', ?, 'userId', 'console-user', "
                + "'totalAmount', 9.99, 'status', 'PENDING'), 1, NOW(6), NOW(6), 5, 'refused in the browser test')", orderId, orderId);
        long row = mysql.queryForObject("SELECT id FROM outbox WHERE aggregate_id = ?", Long.class, orderId);
        mysql.update("INSERT INTO outbox_held_orders (aggregate_type, aggregate_id, outbox_id, reason) VALUES ('Order', ?, ?, "
                + "'refused in the browser test')", orderId, row);
        String key = "console-" + UUID.randomUUID();
        var record = io.orderpipeline.ops.DeadLetterConsoleIT.deadLetter("analytics.orders.dlq", key, "{\"bad\":\"<b>row</b>\"}",
                java.util.Map.of("dlq.source", "clickhouse-sink", "dlq.reason", "ClickHouse refused the row"),
                System.currentTimeMillis());
        String recordId = "analytics.orders.dlq/" + record.partition() + "/" + record.offset();

        browser.get("http://localhost:" + port + "/");
        replace("console-user", "operator");
        replace("console-password", "not-the-password");
        browser.findElement(By.id("console-sign-in")).click();
        wait.until(b -> text("console-message").contains("credentials"));
        assertThat(browser.findElement(By.id("console")).isDisplayed()).isFalse();

        replace("console-password", "operator123");
        browser.findElement(By.id("console-sign-in")).click();
        wait.until(b -> !browser.findElements(By.cssSelector("#dl-outbox tr[data-outbox-id='" + row + "']")).isEmpty()
                && !browser.findElements(By.cssSelector("#dl-topics tr[data-record='" + recordId + "']")).isEmpty());
        assertThat(browser.findElement(By.id("dl-held")).getText()).contains(orderId);
        // Shown as text, never as markup.
        assertThat(browser.findElement(By.cssSelector("#dl-topics tr[data-record='" + recordId + "'] td.payload")).getText())
                .contains("<b>row</b>");
        assertThat(browser.findElement(By.id("console-login")).isDisplayed()).isFalse();
        browser.executeScript("document.getElementById('dead-letters-title').scrollIntoView()");
        Path shot = Path.of("target/screenshots/dead-letters.png");
        Files.createDirectories(shot.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);

        browser.findElement(By.cssSelector("#dl-outbox tr[data-outbox-id='" + row + "'] button[data-action='requeue']")).click();
        wait.until(b -> text("console-message").startsWith("Requeued: 1 outbox row(s)"));
        wait.until(b -> browser.findElements(By.cssSelector("#dl-outbox tr[data-outbox-id='" + row + "']")).isEmpty());
        browser.findElement(By.cssSelector("#dl-topics tr[data-record='" + recordId + "'] button[data-action='discard']")).click();
        wait.until(b -> text("console-message").startsWith("Discarded: 0 outbox row(s), 1 topic record(s)"));
        wait.until(b -> browser.findElements(By.cssSelector("#dl-topics tr[data-record='" + recordId + "']")).isEmpty());

        // What the clicks did: the row went out again and its order is no longer held; the record is decided.
        await().atMost(Duration.ofSeconds(60)).until(() -> Boolean.TRUE.equals(mysql.queryForObject(
                "SELECT processed = 1 AND failed_at IS NULL FROM outbox WHERE id = ?", Boolean.class, row)));
        assertThat(mysql.queryForObject("SELECT COUNT(*) FROM outbox_held_orders WHERE aggregate_id = ?", Long.class, orderId)).isZero();
        assertThat(mysql.queryForObject("SELECT decided_by FROM dead_letter_decisions WHERE topic = 'analytics.orders.dlq' "
                + "AND partition_no = ? AND offset_no = ?", String.class, record.partition(), record.offset())).isEqualTo("operator");
    }

    /** A cell of the first history row, read afresh. */
    String cellText(String column) {
        return rows().get(0).findElement(By.cssSelector("td." + column)).getText();
    }

    List<WebElement> rows() {
        return browser.findElements(By.cssSelector("#history tbody tr"));
    }

    String text(String id) {
        return browser.findElement(By.id(id)).getText().trim();
    }

    void replace(String id, String value) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(value);
        if ("userId".equals(id)) {
            // The page reloads the history when the user field changes.
            browser.executeScript("arguments[0].dispatchEvent(new Event('change'))", input);
        }
    }
}
