package io.parley.chat.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A chat client over a real WebSocket, for tests: it authenticates the way real clients
 * do (header, or the browser's {@code bearer.<jwt>} subprotocol), records every frame it
 * receives, and waits for frames with a bound instead of sleeping.
 */
public final class ChatSocket implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** What every socket checks the server's frames against; none unless a test suite sets it. */
    private static volatile Function<JsonNode, List<String>> frameContract = frame -> List.of();

    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<String> contractBroken = new CopyOnWriteArrayList<>();
    private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final CompletableFuture<String> selectedProtocol = new CompletableFuture<>();
    private reactor.core.Disposable connection;

    public enum Auth { HEADER, SUBPROTOCOL, NONE }

    private ChatSocket() {
    }

    /**
     * Checks every frame any socket receives from now on with {@code contract} (what is wrong
     * with it, empty when nothing is): a frame that breaks it fails the socket's next wait.
     * The system tests set {@link ApiContract#checkServerFrame}; tests against stand-in
     * servers leave it unset.
     */
    public static void checkFramesAgainst(Function<JsonNode, List<String>> contract) {
        frameContract = contract;
    }

    public static ChatSocket connect(String url, String token, Auth auth) {
        return connect(url, token, auth, null);
    }

    public static ChatSocket connect(String url, String token, Auth auth, String origin) {
        ChatSocket socket = new ChatSocket();
        WebsocketClientSpec.Builder spec = WebsocketClientSpec.builder().maxFramePayloadLength(4 * 1024 * 1024);
        spec.protocols(auth == Auth.SUBPROTOCOL ? "chat.v1,bearer." + token : "chat.v1");
        HttpClient client = HttpClient.create().headers(h -> {
            if (auth == Auth.HEADER) {
                h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
            }
            if (origin != null) {
                h.set(HttpHeaderNames.ORIGIN, origin);
            }
        });
        socket.connection = client.websocket(spec.build()).uri(url)
                .handle((in, out) -> {
                    socket.selectedProtocol.complete(in.headers().get("Sec-WebSocket-Protocol", ""));
                    in.receiveCloseStatus().subscribe(status -> {
                        socket.closeCode.complete(status.code());
                        socket.wake();
                    });
                    Mono<Void> reading = in.aggregateFrames(4 * 1024 * 1024).receive().asString()
                            .doOnNext(socket::receive).then();
                    return out.sendString(socket.outbound.asFlux()).then().and(reading);
                })
                .doOnError(e -> {
                    socket.selectedProtocol.completeExceptionally(e);
                    socket.closeCode.completeExceptionally(e);
                })
                .doFinally(signal -> Mono.delay(Duration.ofMillis(300)).subscribe(t -> {
                    // the close status may be reported just after the connection ends: give it a moment
                    socket.closeCode.complete(-1);
                    socket.wake();
                }))
                .subscribe(ignored -> { }, e -> { });
        return socket;
    }

    /** The subprotocol the server selected; fails when the handshake was refused. */
    public String awaitOpen(Duration timeout) throws Exception {
        return selectedProtocol.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void send(String frame) {
        outbound.emitNext(frame, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    }

    public void send(Object frame) {
        send(JSON.writeValueAsString(frame));
    }

    public List<JsonNode> received() {
        return new ArrayList<>(received);
    }

    private void receive(String text) {
        JsonNode frame = JSON.readTree(text);
        contractBroken.addAll(frameContract.apply(frame));
        received.add(frame);
        wake();
    }

    private void wake() {
        synchronized (received) {
            received.notifyAll();
        }
    }

    /** Blocks until the condition holds or the deadline passes; woken by every frame and by the close. */
    private boolean waitFor(java.util.function.BooleanSupplier condition, long deadline) throws InterruptedException {
        synchronized (received) {
            while (!condition.getAsBoolean()) {
                failIfContractBroken();
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                received.wait(left);
            }
            failIfContractBroken();
            return true;
        }
    }

    private void failIfContractBroken() {
        if (!contractBroken.isEmpty()) {
            throw new AssertionError("frames from the server break asyncapi.yaml: " + contractBroken);
        }
    }

    /** Waits until a received frame matches, and returns the first that does. */
    public JsonNode await(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        waitFor(() -> received.stream().anyMatch(match) || closeCode.isDone(), deadline);
        for (JsonNode frame : received) {
            if (match.test(frame)) {
                return frame;
            }
        }
        throw new AssertionError("no matching frame within " + timeout + "; received " + received.size()
                + " frame(s), last: " + (received.isEmpty() ? "none" : received.get(received.size() - 1)));
    }

    /** Waits until at least {@code count} received frames match. */
    public List<JsonNode> awaitCount(Predicate<JsonNode> match, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (waitFor(() -> received.stream().filter(match).count() >= count, deadline)) {
            return received.stream().filter(match).toList();
        }
        List<JsonNode> matching = received.stream().filter(match).toList();
        throw new AssertionError("only " + matching.size() + " of " + count + " matching frames within " + timeout);
    }

    /** The close code the server sent (or -1 when the connection ended without one). */
    public int awaitClose(Duration timeout) throws Exception {
        return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isOpen() {
        return !closeCode.isDone();
    }

    @Override
    public void close() {
        outbound.tryEmitComplete();
        if (connection != null) {
            connection.dispose();
        }
    }

}
