package io.orderpipeline.web;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The built-in page in Debian's headless Chromium (no browser download): take an order through
 * the form, find it in the history, pay for it, and watch the charts pick it up. Saves a screenshot
 * (target/screenshots/dashboard.png; the README shows a copy).
 */
@PipelineTest
class DashboardPageIT {

    @LocalServerPort
    int port;

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
