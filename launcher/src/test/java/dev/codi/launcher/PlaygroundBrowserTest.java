package dev.codi.launcher;

import dev.codi.media.ImageCodec;
import dev.codi.media.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The playground in a real browser: Debian's chromium, headless, driven through its chromedriver
 * against the real embedded pipeline. Skipped, saying why, where no chromium or chromedriver is
 * installed ({@code apt-get install chromium chromium-driver}). Screenshots go to
 * target/playground-screenshots, and to docs/img/playground when {@code -Dcodi.playground.screenshots=docs}.
 */
class PlaygroundBrowserTest {
    private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
    private static WebDriver browser;

    @BeforeAll
    static void startTheBrowser() {
        Optional<String> binary = BROWSERS.stream().filter(path -> Files.isExecutable(Path.of(path))).findFirst();
        Optional<String> driver = DRIVERS.stream().filter(path -> Files.isExecutable(Path.of(path))).findFirst();
        assumeTrue(binary.isPresent() && driver.isPresent(), "no chromium and chromedriver (looked for " + BROWSERS + " and "
                + DRIVERS + "); install them with: apt-get install chromium chromium-driver");
        ChromeOptions options = new ChromeOptions().setBinary(binary.get()).addArguments(
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1100,1000",
                "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver.get()))
                .usingAnyFreePort().build();
        try {
            browser = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            assumeTrue(false, "chromium did not start through " + driver.get() + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopTheBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void openThePageWithAKey() {
        browser.get(SharedPipeline.get().gatewayUrl() + "/");
        script("sessionStorage.clear()");
        browser.navigate().refresh();
        browser.findElement(By.id("api-key")).sendKeys(SharedPipeline.KEY);
        browser.findElement(By.id("use-key")).click();
        await(Duration.ofSeconds(30), b -> b.findElement(By.id("compose")).isDisplayed()
                && !b.findElements(By.cssSelector("#examples button")).isEmpty());
    }

    @Test
    void textBecomesAnImageAnAudioClipAndAVideoThatTheBrowserShowsAndPlays() throws IOException {
        // Given the page knows what the model knows
        assertThat(browser.findElement(By.id("model-summary")).getText()).contains("red", "circle", "left", "32×32");

        // When a text prompt is sent for image, audio and video with 4 steps
        String id = submit("a red circle moving left", List.of("image", "audio", "video"), 4, 11, false);
        WebElement card = awaitStatus(id, "succeeded");

        // Then the bar moved through the steps, and every output loaded as the browser's media
        WebElement bar = card.findElement(By.tagName("progress"));
        assertThat(Arrays.stream(bar.getDomAttribute("data-steps-seen").split(",")).distinct().count())
                .as("distinct steps the bar showed").isGreaterThanOrEqualTo(2);
        assertThat(number("return arguments[0].value === arguments[0].max", bar)).isEqualTo(true);
        assertImageOf(card, ".output.image img", 32);
        assertImageOf(card, ".output.gif img", 32);
        double audioSeconds = ((Number) await(Duration.ofSeconds(30), b -> number(
                "const a = arguments[0].querySelector('audio'); return a.readyState >= 1 ? a.duration : null", card))).doubleValue();
        assertThat(audioSeconds).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.05));
        await(Duration.ofSeconds(30), b -> number(
                "const v = arguments[0].querySelector('video'); return v.readyState >= 2 || v.duration > 0 ? true : null", card));
        String waveform = (String) await(Duration.ofSeconds(30), b -> card.findElement(By.cssSelector("canvas.waveform")).getDomAttribute("data-drawn"));
        assertThat(waveform).as("the waveform was drawn from the artifact's bytes").endsWith("s");
        assertThat(card.findElement(By.cssSelector("details pre")).getAttribute("textContent")).contains("\"id\": \"" + id + "\"");
        screenshot(card, "job.png");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1100, 2200));
        script("window.scrollTo(0, 0)");
        screenshot(null, "playground.png");

        // And on a phone's width nothing needs scrolling sideways
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        assertThat(number("return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1100, 1000));

        // And after a reload (the key is kept for the tab) the job reopens from the history
        browser.navigate().refresh();
        WebElement entry = await(Duration.ofSeconds(30), b -> b.findElements(By.cssSelector("#history button[data-job-id='" + id + "']"))
                .stream().findFirst().orElse(null));
        assertThat(entry.getText()).contains("a red circle moving left");
        entry.click();
        WebElement reopened = awaitStatus(id, "succeeded");
        assertImageOf(reopened, ".output.image img", 32);
    }

    @Test
    void aLongJobIsCanceledFromItsCard() {
        String id = submit("a yellow triangle moving up", List.of("image", "audio"), 200, 12, false);
        WebElement card = awaitStatus(id, "running");
        await(JOB_TIMEOUT, b -> card.findElement(By.tagName("progress")).getDomAttribute("data-steps-seen").isEmpty() ? null : true);

        card.findElement(By.cssSelector("button.cancel")).click();

        awaitStatus(id, "canceled");
        assertThat(card.findElement(By.cssSelector("button.cancel")).isEnabled()).isFalse();
        assertThat(card.findElements(By.cssSelector(".output"))).isEmpty();
    }

    @Test
    void anUploadedImageBecomesTextAndAudio() throws IOException {
        // Given a red square on black, chosen in the file input (uploaded through POST /v1/uploads)
        RgbImage image = RgbImage.blank(32, 32);
        for (int y = 8; y < 24; y++) {
            for (int x = 8; x < 24; x++) {
                image.set(x, y, 220, 40, 40);
            }
        }
        Path png = Files.createTempFile("red-square-", ".png");
        Files.write(png, ImageCodec.encodePng(image));
        browser.findElement(By.id("files")).sendKeys(png.toAbsolutePath().toString());
        await(Duration.ofSeconds(30), b -> b.findElements(By.cssSelector("#media-inputs li[data-modality=image]")).stream().findFirst().orElse(null));

        // When it alone is sent for text and audio
        String id = submit("", List.of("text", "audio"), 4, 13, false);
        WebElement card = awaitStatus(id, "succeeded");

        // Then the text is shown and the audio plays for a second
        assertThat(card.findElement(By.cssSelector(".generated-text")).getText()).isNotBlank();
        double seconds = ((Number) await(Duration.ofSeconds(30), b -> number(
                "const a = arguments[0].querySelector('audio'); return a.readyState >= 1 ? a.duration : null", card))).doubleValue();
        assertThat(seconds).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.05));
        Files.delete(png);
    }

    @Test
    void sideBySideSamplesOnePromptAndSeedJointlyAndIndependently() throws IOException {
        submit("a blue square moving right", List.of("image", "audio", "video"), 4, 14, true);
        WebElement pair = await(Duration.ofSeconds(30), b -> b.findElements(By.cssSelector("#jobs .pair")).stream().findFirst().orElse(null));
        List<WebElement> cards = pair.findElements(By.cssSelector(".job"));
        assertThat(cards).hasSize(2);
        for (WebElement card : cards) {
            awaitStatus(card.getDomAttribute("data-job-id"), "succeeded");
            assertImageOf(card, ".output.image img", 32);
            await(Duration.ofSeconds(30), b -> number("return arguments[0].querySelector('video').readyState >= 2 ? true : null", card));
        }
        String joint = cards.get(0).findElement(By.cssSelector("details pre")).getAttribute("textContent");
        String independent = cards.get(1).findElement(By.cssSelector("details pre")).getAttribute("textContent");
        assertThat(joint).contains("\"joint\": true", "\"seed\": 14");
        assertThat(independent).contains("\"joint\": false", "\"seed\": 14");
        screenshot(pair, "side-by-side.png");
    }

    @Test
    void aRefusedJobShowsTheApisDetailNextToTheField() {
        submitForm("a red circle", List.of("image"), 500, 1, false);
        WebElement error = await(Duration.ofSeconds(30), b -> {
            WebElement shown = b.findElement(By.id("error-params.steps"));
            return shown.getText().isEmpty() ? null : shown;
        });
        assertThat(error.getText()).contains("params.steps", "200");
        assertThat(browser.findElement(By.id("steps")).getDomAttribute("aria-invalid")).isEqualTo("true");
    }

    @Test
    void theApiReferenceRendersTheOpenApiDocumentOffline() {
        browser.get(SharedPipeline.get().gatewayUrl() + "/docs/");

        WebElement title = await(Duration.ofSeconds(30), b -> b.findElements(By.cssSelector(".swagger-ui .info .title")).stream()
                .findFirst().orElse(null));
        assertThat(title.getText()).contains("codi");
        await(Duration.ofSeconds(30), b -> b.findElements(By.cssSelector(".opblock-summary-path")).stream()
                .anyMatch(path -> path.getText().replace("\u200b", "").equals("/v1/jobs/{id}/artifacts/{name}")) ? true : null);
    }

    /** Fills the form, submits it, and returns the id of the job whose card appeared. */
    private static String submit(String text, List<String> outputs, int steps, long seed, boolean sideBySide) {
        int before = browser.findElements(By.cssSelector("#jobs .job")).size();
        submitForm(text, outputs, steps, seed, sideBySide);
        return await(Duration.ofSeconds(30), b -> {
            List<WebElement> cards = b.findElements(By.cssSelector("#jobs .job"));
            return cards.size() > before ? cards.get(0).getDomAttribute("data-job-id") : null;
        });
    }

    private static void submitForm(String text, List<String> outputs, int steps, long seed, boolean sideBySide) {
        WebElement textArea = browser.findElement(By.id("text"));
        textArea.clear();
        textArea.sendKeys(text);
        for (WebElement box : browser.findElements(By.cssSelector("input[name=outputs]"))) {
            if (box.isSelected() != outputs.contains(box.getDomAttribute("value"))) {
                box.click();
            }
        }
        setValue("steps", String.valueOf(steps));
        setValue("seed", String.valueOf(seed));
        if (browser.findElement(By.id("side-by-side")).isSelected() != sideBySide) {
            browser.findElement(By.id("side-by-side")).click();
        }
        browser.findElement(By.id("submit")).click();
    }

    private static void setValue(String id, String value) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    private static WebElement awaitStatus(String jobId, String status) {
        return await(JOB_TIMEOUT, b -> b.findElements(By.cssSelector("#jobs .job[data-job-id='" + jobId + "']")).stream()
                .filter(card -> status.equals(card.getDomAttribute("data-status"))).findFirst().orElse(null));
    }

    private static void assertImageOf(WebElement card, String selector, int size) {
        Object width = await(Duration.ofSeconds(30), b -> number(
                "const i = arguments[0].querySelector(arguments[1]); return i && i.complete && i.naturalWidth > 0 ? i.naturalWidth : null",
                card, selector));
        assertThat(((Number) width).intValue()).as(selector + " natural width").isEqualTo(size);
    }

    private static Object number(String script, Object... arguments) {
        return ((JavascriptExecutor) browser).executeScript(script, arguments);
    }

    private static Object script(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, timeout, Duration.ofMillis(50)).until(condition::apply);
    }

    private static void screenshot(WebElement element, String name) throws IOException {
        File shot = element == null ? ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE) : element.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "playground-screenshots", name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        if ("docs".equals(System.getProperty("codi.playground.screenshots"))) {
            Path docs = Path.of(System.getProperty("codi.home", ".."), "docs", "img", "playground", name);
            Files.createDirectories(docs.getParent());
            Files.copy(shot.toPath(), docs, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
