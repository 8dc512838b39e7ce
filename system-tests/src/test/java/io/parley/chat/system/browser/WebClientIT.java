package io.parley.chat.system.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

import io.parley.chat.cluster.LocalCluster;
import io.parley.chat.system.TestCluster;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web client at the gateway's {@code /}, in two headless Chromium browsers, against the
 * whole cluster: what a person sees and does, and what the other person then sees.
 */
class WebClientIT {

    private static final String PASSWORD = "correct-horse-42";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalCluster cluster;
    private final List<ChromeDriver> browsers = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        Chromium.requireInstalled();
        cluster = TestCluster.get();
    }

    /** Before the browsers close: a failed test's report says what each page showed and logged. */
    @RegisterExtension
    final AfterTestExecutionCallback reportBrowsersOnFailure = context -> {
        if (context.getExecutionException().isPresent()) {
            browsers.forEach(driver -> System.out.println(Chromium.describe(driver)));
        }
    };

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(ChromeDriver::quit);
    }

    @Test
    void twoPeopleChatWithEachOtherThroughTheCluster() throws IOException {
        String bob = register("bob");
        ChatPage alicePage = browser();
        String alice = unique("alice");
        alicePage.signUp(alice, "Alice " + alice.substring(alice.length() - 4), PASSWORD);
        alicePage.startDirectConversationWith(bob);
        alicePage.send("Hi Bob, is the release still on for Friday?");

        ChatPage bobPage = browser().signIn(bob, PASSWORD);
        String aliceName = "Alice " + alice.substring(alice.length() - 4);
        await().atMost(ChatPage.PATIENCE).until(() -> bobPage.unreadBadge(aliceName).equals("1"));
        bobPage.openConversation(aliceName);
        await().atMost(ChatPage.PATIENCE).until(() -> bobPage.bodies().equals(
                List.of("Hi Bob, is the release still on for Friday?")));

        bobPage.send("Yes, the build is green. I'll tag it in the morning.");
        alicePage.send("Great, thanks!");
        List<String> conversation = List.of("Hi Bob, is the release still on for Friday?",
                "Yes, the build is green. I'll tag it in the morning.", "Great, thanks!");
        await().atMost(ChatPage.PATIENCE).until(() -> alicePage.bodies().equals(conversation)
                && bobPage.bodies().equals(conversation));
        await().atMost(ChatPage.PATIENCE).until(() -> alicePage.ownStatuses().equals(List.of("sent", "sent")));
        await().atMost(ChatPage.PATIENCE).until(() -> alicePage.conversationTitle().equals(bobName(bob)));

        Path screenshot = TestCluster.root().resolve("docs/screenshot-conversation.png");
        Files.createDirectories(screenshot.getParent());
        Files.copy(bobPage.driver.getScreenshotAs(OutputType.FILE).toPath(), screenshot,
                StandardCopyOption.REPLACE_EXISTING);

        // a phone-sized screen: one pane at a time, nothing wider than the screen
        bobPage.driver.manage().window().setSize(new Dimension(390, 844));
        await().atMost(ChatPage.PATIENCE).until(() -> bobPage.visible("composer") && !bobPage.visible("sidebar"));
        assertThat(bobPage.script("return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);
        Files.copy(bobPage.driver.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target/screenshot-390px.png"),
                StandardCopyOption.REPLACE_EXISTING);
        bobPage.driver.findElement(By.id("back")).click();
        await().atMost(ChatPage.PATIENCE).until(() -> bobPage.visible("sidebar") && !bobPage.visible("composer"));
    }

    @Test
    void messagesWrittenOfflineArriveOnceAndInOrderWhenBackOnline() throws IOException {
        Pair pair = pairInAConversation();
        pair.alice.send("before the tunnel");
        await().atMost(ChatPage.PATIENCE).until(() -> pair.bob.bodies().equals(List.of("before the tunnel")));

        pair.alice.goOffline();
        await().atMost(ChatPage.PATIENCE).until(() -> pair.alice.banner().startsWith("Offline"));
        pair.alice.send("first, written offline");
        pair.alice.send("second, written offline");
        await().atMost(ChatPage.PATIENCE).until(() -> pair.alice.banner().equals("Offline — 2 messages queued"));
        assertThat(pair.alice.ownStatuses()).containsExactly("sent", "pending", "pending");
        assertThat(pair.bob.bodies()).containsExactly("before the tunnel");

        pair.alice.goOnline();
        List<String> expected = List.of("before the tunnel", "first, written offline", "second, written offline");
        await().atMost(ChatPage.PATIENCE).until(() -> pair.bob.bodies().equals(expected));
        await().atMost(ChatPage.PATIENCE).until(() -> pair.alice.ownStatuses().equals(List.of("sent", "sent", "sent")));
        assertThat(pair.alice.bodies()).isEqualTo(expected);
        // once: a reload shows the log as the server holds it, with no repeat of a retried send
        pair.bob.reload();
        await().atMost(ChatPage.PATIENCE).until(() -> pair.bob.bodies().equals(expected));
    }

    @Test
    void aSubscriptionTheServerCouldNotTakeJustThenIsAskedForAgainAndMessagesArriveLive() throws IOException {
        String alice = register("alice");
        String bob = register("bob");
        ChatPage alicePage = browser().signIn(alice, PASSWORD);
        alicePage.startDirectConversationWith(bob);
        alicePage.send("before Bob looks");
        ChatPage bobPage = browser();
        bobPage.refuseSubscribes(2);
        bobPage.signIn(bob, PASSWORD);
        bobPage.openConversation(aliceName(alice));
        await().atMost(ChatPage.PATIENCE).until(() -> bobPage.bodies().equals(List.of("before Bob looks")));
        await().atMost(ChatPage.PATIENCE).until(() -> Long.valueOf(2).equals(bobPage.script(
                "return window.refusedSubscribes")));

        alicePage.send("while Bob looks");
        await().atMost(ChatPage.PATIENCE).until(() -> bobPage.bodies().equals(
                List.of("before Bob looks", "while Bob looks")));
    }

    @Test
    void markupInAMessageIsShownAsTextAndRunsNothing() throws IOException {
        Pair pair = pairInAConversation();
        String attack = "<img src=x onerror=alert(1)>";
        pair.bob.script("window.__alerted = false; window.alert = () => { window.__alerted = true; };");
        pair.alice.send(attack);

        await().atMost(ChatPage.PATIENCE).until(() -> pair.bob.bodies().equals(List.of(attack)));
        for (ChatPage page : List.of(pair.alice, pair.bob)) {
            assertThat(page.bodies()).containsExactly(attack);
            assertThat(page.driver.findElements(By.cssSelector("#message-list img"))).isEmpty();
            assertThat(page.driver.findElements(By.tagName("img"))).isEmpty();
            assertThat(page.script("return window.__alerted === true")).isEqualTo(false);
            assertNoAlert(page);
        }
        // and after a reload, from history instead of the live frame
        pair.bob.reload();
        await().atMost(ChatPage.PATIENCE).until(() -> pair.bob.bodies().equals(List.of(attack)));
        assertThat(pair.bob.driver.findElements(By.tagName("img"))).isEmpty();
        assertNoAlert(pair.bob);
    }

    @Test
    void aReloadKeepsTheConversationAndTheQueuedMessages() throws IOException {
        Pair pair = pairInAConversation();
        pair.alice.goOffline();
        await().atMost(ChatPage.PATIENCE).until(() -> pair.alice.banner().startsWith("Offline"));
        pair.alice.send("queued, then the page went away");
        await().atMost(ChatPage.PATIENCE).until(() -> pair.alice.banner().equals("Offline — 1 message queued"));

        // The page is gone, the network comes back, the page is opened again: same conversation,
        // and the queue is sent from storage.
        pair.alice.leave();
        assertThat(pair.bob.bodies()).isEmpty();
        pair.alice.goOnline();
        pair.alice.open();
        await().atMost(ChatPage.PATIENCE).until(() -> pair.alice.visible("composer"));
        await().atMost(ChatPage.PATIENCE).until(() -> pair.alice.conversationTitle().equals(pair.bobName));
        await().atMost(ChatPage.PATIENCE).until(() -> pair.bob.bodies().equals(List.of("queued, then the page went away")));
        await().atMost(ChatPage.PATIENCE).until(() -> pair.alice.ownStatuses().equals(List.of("sent")));
        assertThat(pair.alice.bodies()).containsExactly("queued, then the page went away");
    }

    @Test
    void aMessageTheServerRefusesIsMarkedFailedWithTheReasonAndCanBeRetriedOrDiscarded() throws IOException {
        Pair pair = pairInAConversation();
        pair.alice.script("document.getElementById('composer-input').value = 'x'.repeat(4001);");
        pair.alice.send("");
        await().atMost(ChatPage.PATIENCE).until(() -> pair.alice.ownStatuses().equals(List.of("failed")));
        String reason = pair.alice.driver.findElement(By.cssSelector("#message-list li.own .status .failed")).getText();
        assertThat(reason).startsWith("Not sent: ").contains("body"); // the server's words
        assertThat(pair.alice.banner()).doesNotContain("queued");

        pair.alice.driver.findElement(By.cssSelector("#message-list li.own .retry")).click();
        await().atMost(ChatPage.PATIENCE).until(() -> pair.alice.ownStatuses().equals(List.of("failed")));
        pair.alice.driver.findElement(By.cssSelector("#message-list li.own .discard")).click();
        await().atMost(ChatPage.PATIENCE).until(() -> pair.alice.ownStatuses().isEmpty());
        pair.alice.send("a shorter one");
        await().atMost(ChatPage.PATIENCE).until(() -> pair.bob.bodies().equals(List.of("a shorter one")));
    }

    @Test
    void olderHistoryLoadsWhenScrollingUpAndKeepsItsOrder() throws IOException {
        String alice = register("alice");
        String bob = register("bob");
        String token = login(alice);
        String conversationId = JSON.readTree(call("POST", "/api/v1/conversations", token,
                Map.of("type", "DIRECT", "memberIds", List.of(userId(token, bob))))).get("id").asString();
        List<String> all = new ArrayList<>();
        for (int i = 1; i <= 70; i++) {
            all.add("message " + i);
            call("POST", "/api/v1/conversations/" + conversationId + "/messages", token,
                    Map.of("clientMsgId", "m" + i, "body", "message " + i));
        }

        ChatPage bobPage = browser().signIn(bob, PASSWORD);
        bobPage.openConversation(aliceName(alice));
        await().atMost(ChatPage.PATIENCE).until(() -> bobPage.bodies().equals(all.subList(20, 70)));
        assertThat(bobPage.visible("load-older")).isTrue();
        bobPage.script("document.getElementById('messages').scrollTop = 0;");
        await().atMost(ChatPage.PATIENCE).until(() -> bobPage.bodies().equals(all));
        await().atMost(ChatPage.PATIENCE).until(() -> !bobPage.visible("load-older"));
    }

    /** The library's store on its own, in the page: history and live frames in any order, repeated, land once by seq. */
    @Test
    void theStoreOrdersBySeqDeduplicatesAndAppliesEditsDeletesAndTombstones() throws IOException {
        ChatPage page = browser();
        page.open();
        Object result = ((org.openqa.selenium.JavascriptExecutor) page.driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/lib/parley.js').then(({ ConversationStore }) => {
                  const s = new ConversationStore('c1');
                  const m = (seq, event, messageId, body) => ({ seq, event, messageId, senderId: 'u', body,
                      clientMsgId: event === 'created' ? 'k' + seq : null, createdAt: '2026-01-01T00:00:00Z' });
                  s.apply(m(3, 'created', 'm3', 'three'));
                  s.apply(m(1, 'created', 'm1', 'one'));
                  s.apply(m(3, 'created', 'm3', 'three again'));
                  s.apply(m(2, 'tombstone', null, null));
                  s.apply(m(5, 'edited', 'm1', 'one, edited'));
                  s.apply(m(4, 'created', 'm4', 'four'));
                  s.apply(m(7, 'created', 'm7', 'seven'));
                  s.apply(m(6, 'deleted', 'm4', null));
                  done({ bodies: s.messages().map(x => x.deleted ? '(deleted)' : x.body),
                         seqs: s.messages().map(x => x.seq), contiguous: s.contiguousSeq() });
                }, e => done({ error: String(e) }));
                """);
        assertThat(result).isEqualTo(Map.of("bodies", List.of("one, edited", "three", "(deleted)", "seven"),
                "seqs", List.of(1L, 3L, 4L, 7L), "contiguous", 7L));
    }

    // ---- helpers

    private record Pair(ChatPage alice, ChatPage bob, String bobName) {
    }

    /** Two people, each signed in in a browser, both looking at their direct conversation. */
    private Pair pairInAConversation() throws IOException {
        String alice = register("alice");
        String bob = register("bob");
        ChatPage alicePage = browser().signIn(alice, PASSWORD);
        alicePage.startDirectConversationWith(bob);
        ChatPage bobPage = browser().signIn(bob, PASSWORD);
        bobPage.openConversation(aliceName(alice));
        return new Pair(alicePage, bobPage, bobName(bob));
    }

    private ChatPage browser() throws IOException {
        Path profile = Files.createTempDirectory(Path.of("target"), "chromium-");
        ChromeDriver driver = Chromium.start(profile);
        browsers.add(driver);
        return new ChatPage(driver, cluster.gatewayUrl() + "/");
    }

    private static void assertNoAlert(ChatPage page) {
        try {
            page.driver.switchTo().alert();
            throw new AssertionError("an alert is open: markup from a message ran as code");
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    private static String aliceName(String username) {
        return "Alice " + username.substring(username.length() - 4);
    }

    private static String bobName(String username) {
        return "Bob " + username.substring(username.length() - 4);
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String login(String username) throws IOException {
        return JSON.readTree(call("POST", "/api/v1/auth/login", null,
                Map.of("tenant", "default", "username", username, "password", PASSWORD))).get("accessToken").asString();
    }

    /** The id of a user, found the way a person finds them: the directory. */
    private static String userId(String token, String username) throws IOException {
        for (var entry : JSON.readTree(call("GET", "/api/v1/users?query=" + username, token, null)).get("items")) {
            if (entry.get("username").asString().equals(username)) {
                return entry.get("id").asString();
            }
        }
        throw new AssertionError("no user " + username + " in the directory");
    }

    private static String call(String method, String path, String token, Object body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A new user in the seeded tenant, through the public API; their display name is "Alice 1a2b" or "Bob 1a2b". */
    private static String register(String who) throws IOException {
        String username = unique(who);
        String displayName = who.equals("alice") ? aliceName(username) : bobName(username);
        String body = JSON.writeValueAsString(Map.of("tenant", "default", "username", username,
                "password", PASSWORD, "displayName", displayName));
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + "/api/v1/auth/register"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return username;
    }
}
