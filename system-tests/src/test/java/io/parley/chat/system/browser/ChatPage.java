package io.parley.chat.system.browser;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;

/** One person in one browser, seen through the web client's page: what they can click and read. */
final class ChatPage {

    static final Duration PATIENCE = Duration.ofSeconds(30);

    final ChromeDriver driver;
    private final String url;

    ChatPage(ChromeDriver driver, String url) {
        this.driver = driver;
        this.url = url;
    }

    ChatPage signIn(String username, String password) {
        driver.get(url);
        await().atMost(PATIENCE).until(() -> visible("auth-view") || visible("chat-view"));
        if (visible("chat-view")) {
            return this;
        }
        type("username", username);
        type("password", password);
        driver.findElement(By.id("auth-submit")).click();
        await().atMost(PATIENCE).until(() -> visible("chat-view"));
        return this;
    }

    ChatPage signUp(String username, String displayName, String password) {
        driver.get(url);
        await().atMost(PATIENCE).until(() -> visible("auth-view"));
        driver.findElement(By.id("auth-switch")).click();
        type("username", username);
        type("display-name", displayName);
        type("password", password);
        driver.findElement(By.id("auth-submit")).click();
        await().atMost(PATIENCE).until(() -> visible("chat-view"));
        return this;
    }

    void startDirectConversationWith(String username) {
        driver.findElement(By.id("new-conversation")).click();
        type("user-search", username);
        By match = By.cssSelector("#search-results button[data-username='" + username + "']");
        // the results list is re-rendered as the search settles: click what is there once it holds still
        await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            driver.findElement(match).click();
            return !driver.findElements(By.cssSelector("#chosen .chip")).isEmpty();
        });
        driver.findElement(By.id("new-create")).click();
        await().atMost(PATIENCE).until(() -> visible("composer"));
    }

    /** Opens the conversation whose list entry shows this title, once it appears in the list. */
    void openConversation(String title) {
        By item = By.xpath("//ul[@id='conversation-list']//button[span[@class='title' and text()=" + literal(title) + "]]");
        await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            if (driver.findElements(item).isEmpty()) {
                reloadListIfStale();
                return false;
            }
            driver.findElement(item).click();
            return visible("composer") && title.equals(conversationTitle());
        });
    }

    private long lastListReload;

    /** Without activity frames a new conversation shows up on the next list poll; a test does not wait 30 s for it. */
    private void reloadListIfStale() {
        if (System.nanoTime() - lastListReload > Duration.ofSeconds(3).toNanos()) {
            lastListReload = System.nanoTime();
            driver.navigate().refresh();
        }
    }

    String unreadBadge(String title) {
        Object badge = ((JavascriptExecutor) driver).executeScript(
                "const item = [...document.querySelectorAll('#conversation-list .conversation-item')]"
                        + ".find(b => b.querySelector('.title')?.textContent === arguments[0]);"
                        + "return item?.querySelector('.badge')?.textContent ?? '';", title);
        return String.valueOf(badge);
    }

    void send(String body) {
        WebElement input = driver.findElement(By.id("composer-input"));
        input.sendKeys(body);
        input.sendKeys(Keys.ENTER);
    }

    /**
     * The message bodies shown in the open conversation, top to bottom. Read in one script: the
     * list is re-rendered as frames arrive, so element handles held across two calls go stale.
     */
    List<String> bodies() {
        return strings("return [...document.querySelectorAll('#message-list > li.message > .body')]"
                + ".map(e => e.textContent)");
    }

    /** pending, sent or failed, for each of this person's own messages, top to bottom. */
    List<String> ownStatuses() {
        return strings("return [...document.querySelectorAll('#message-list > li.message.own')]"
                + ".map(e => e.dataset.status)");
    }

    @SuppressWarnings("unchecked")
    private List<String> strings(String js) {
        return List.copyOf((List<String>) script(js));
    }

    String banner() {
        WebElement banner = driver.findElement(By.id("banner"));
        return banner.isDisplayed() ? banner.getText() : "";
    }

    String conversationTitle() {
        return driver.findElement(By.id("conversation-title")).getText();
    }

    /** Cuts the network as the browser's DevTools do: the page sees navigator.onLine turn false. */
    void goOffline() {
        ChromiumNetworkConditions offline = new ChromiumNetworkConditions();
        offline.setOffline(true);
        driver.setNetworkConditions(offline);
    }

    void goOnline() {
        driver.deleteNetworkConditions();
    }

    /**
     * Answers the page's next {@code count} subscribe frames, before they leave the browser, as
     * the edge does when it cannot read history or check membership just then: an
     * {@code unavailable} error that says it is retryable. Takes effect on the next page load.
     */
    void refuseSubscribes(int count) {
        String source = """
                (() => {
                  const Native = window.WebSocket;
                  let left = %d;
                  window.refusedSubscribes = 0;
                  window.WebSocket = class extends Native {
                    send(data) {
                      const frame = JSON.parse(data);
                      if (frame.type === "subscribe" && left > 0) {
                        left--;
                        window.refusedSubscribes++;
                        setTimeout(() => this.onmessage({ data: JSON.stringify({ type: "error", id: frame.id,
                            code: "unavailable", message: "message-service is unavailable; retry shortly.",
                            retryable: true }) }), 10);
                        return;
                      }
                      super.send(data);
                    }
                  };
                })();
                """.formatted(count);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source));
    }

    void reload() {
        driver.navigate().refresh();
    }

    /**
     * Leaves the app for a blank page: the app's page is gone, as after a closed tab. Unlike a
     * reload under Chrome's offline emulation, which sometimes loads the app again after all
     * and lets it send, nothing of the app runs until {@link #open()}.
     */
    void leave() {
        driver.get("about:blank");
    }

    void open() {
        driver.get(url);
    }

    Object script(String js) {
        return ((JavascriptExecutor) driver).executeScript(js);
    }

    boolean visible(String id) {
        List<WebElement> found = driver.findElements(By.id(id));
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    private void type(String id, String text) {
        WebElement input = driver.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    private static String literal(String text) {
        return text.contains("'") ? "\"" + text + "\"" : "'" + text + "'";
    }
}
