package io.parley.chat.system.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Debian's headless Chromium driven by Debian's chromedriver (packages {@code chromium} and
 * {@code chromium-driver}; {@code .ci/run} installs them). Paths can be moved with
 * {@code CHROMIUM_BIN} and {@code CHROMEDRIVER_BIN}. Outside CI a machine without them skips
 * the browser tests with a message saying what to install; in CI ({@code CI=true}) that is a
 * failure, so the tests can never silently stop running there.
 */
final class Chromium {

    static final Path BROWSER = Path.of(env("CHROMIUM_BIN", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(env("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"));

    // Selenium looks for CDP bindings of the browser's exact version and warns for every browser when there
    // are none; these tests use only WebDriver and chromedriver's own network emulation. Held in fields:
    // java.util.logging keeps loggers weakly, and a collected one forgets its level.
    private static final Logger DRIVER_LOG = quiet("org.openqa.selenium.chromium.ChromiumDriver");
    private static final Logger CDP_LOG = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

    private static Logger quiet(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    private Chromium() {
    }

    static void requireInstalled() {
        boolean present = Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
        if (present) {
            return;
        }
        String message = "Browser tests need Chromium at " + BROWSER + " and chromedriver at " + DRIVER
                + " (Debian: apt-get install -y chromium chromium-driver; or set CHROMIUM_BIN and CHROMEDRIVER_BIN)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message);
        }
        Assumptions.abort(message + ": skipped outside CI");
    }

    /** A fresh browser with its own profile, so two of them are two people with separate storage. */
    static ChromeDriver start(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1100,760", "--user-data-dir=" + profile.toAbsolutePath(), "--lang=en-US");
        // An alert must stay open for the test to see it, not be dismissed on the next command.
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        // the page's console, debug level included (the client library's connection story), for a failed test's report
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** What a failed test's report needs from a browser: where it is, its banner, and its console. */
    static String describe(ChromeDriver driver) {
        StringBuilder report = new StringBuilder("browser at ").append(driver.getCurrentUrl());
        try {
            report.append("\n  banner: ").append(driver.executeScript("const b = document.getElementById('banner');"
                    + "return b ? JSON.stringify({state: b.dataset.state, queued: b.dataset.queued, text: b.textContent,"
                    + " hidden: b.hidden, onLine: navigator.onLine}) : 'none';"));
            report.append("\n  page: ").append(driver.executeScript("const text = id => document.getElementById(id)?.innerText"
                    + " ?? ''; return JSON.stringify({list: text('conversation-list'), title: text('conversation-title'),"
                    + " messages: text('message-list')});"));
            for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
                report.append("\n  ").append(entry.getTimestamp()).append(' ').append(entry.getLevel())
                        .append(' ').append(entry.getMessage());
            }
        } catch (RuntimeException e) {
            report.append("\n  (could not read the page: ").append(e.getMessage()).append(')');
        }
        return report.toString();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
