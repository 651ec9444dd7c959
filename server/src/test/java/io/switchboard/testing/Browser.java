package io.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Debian Chromium driven by its chromedriver, for the browser pages' end-to-end tests.
 * Without Chromium the test is skipped, except under CI ({@code CI=true}), where a missing browser must
 * fail the build rather than silently drop the browser tests.
 */
public final class Browser implements AutoCloseable {
    /** Debian's paths; -Dswitchboard.chromium / -Dswitchboard.chromedriver point elsewhere. */
    private static final Path CHROMIUM = Path.of(System.getProperty("switchboard.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("switchboard.chromedriver",
            "/usr/bin/chromedriver"));
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static Browser open() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            String message = "the browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (apt-get install -y chromium chromium-driver)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        try {
            Path profile = Files.createTempDirectory("switchboard-chromium");
            ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments(
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=1280,720", "--user-data-dir=" + profile,
                    // the offer alert plays a sound without a prior click in the test
                    "--autoplay-policy=no-user-gesture-required");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public void get(String url) {
        driver.get(url);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /** Waits until the condition holds (Selenium polls the page; no fixed sleeps). */
    public <T> T until(String description, Function<WebDriver, T> condition) {
        // the pages replace rows and cards on each update: a stale element just means "look again"
        return new WebDriverWait(driver, WAIT).withMessage(description)
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    /** Waits for the element's attribute to have this value. */
    public WebElement untilAttribute(String css, String attribute, String value) {
        return until(css + " [" + attribute + "=" + value + "]", d -> {
            WebElement element = d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null);
            return element != null && value.equals(element.getDomAttribute(attribute)) ? element : null;
        });
    }

    /** Waits for a visible element's text to be this. */
    public WebElement untilText(String css, String text) {
        return until(css + " text '" + text + "'", d -> {
            WebElement element = d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null);
            return element != null && element.isDisplayed() && text.equals(text(element)) ? element : null;
        });
    }

    /** The element's text as the page wrote it (getText() would apply CSS text-transform). */
    public String text(String css) {
        return text(find(css));
    }

    private static String text(WebElement element) {
        return String.valueOf(element.getDomProperty("textContent")).trim();
    }

    public WebElement untilVisible(String css) {
        return until(css + " visible", d -> d.findElements(By.cssSelector(css)).stream()
                .filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    /** Clicks, looking again if the element was redrawn in between (pages redraw on pushed events). */
    public void click(String css) {
        until("click " + css, d -> {
            find(css).click();
            return true;
        });
    }

    /** Logs an agent (PIN 1234, as {@link Agents} creates them) in to the desktop and waits for its event socket. */
    public void logInAgent(String baseUrl, String agentId) {
        get(baseUrl + "/agent");
        untilVisible("#login-agent").sendKeys(agentId);
        find("#login-pin").sendKeys("1234", Keys.ENTER);
        untilAttribute("#connection", "data-status", "connected");
    }

    public Object script(String javascript) {
        return ((JavascriptExecutor) driver).executeScript(javascript);
    }

    /** Saves a screenshot as server/target/screenshots/{name}.png for a human to look at. */
    public void screenshot(String name) {
        try {
            Path dir = Files.createDirectories(Repo.root().resolve("server/target/screenshots"));
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), dir.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp profile is harmless
            }
        }
    }
}
