package io.parley.chat.load;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.LoopResources;

/**
 * A WebSocket client for load generation, as lean as a chat client can be: it never
 * builds a JSON tree, it hands each text frame's bytes to a {@link FrameHandler} on the
 * Netty thread that read it (one thread per socket, so the handler needs no locks for
 * its own state), and it holds nothing else per socket but an outbound queue. That
 * keeps the load generator from being what limits a benchmark of the edge.
 */
final class LeanSocket {

    /** Where {@link #after} copies a frame to scan it; per thread, as frames are read on the client's few event loops. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);

    /** Sees the payload of each text frame; the buffer is only valid during the call. */
    interface FrameHandler {
        void frame(LeanSocket socket, ByteBuf payload);
    }

    /** One connection per socket (no pool: an upgraded connection never goes back to one), on the given threads. */
    static HttpClient client(int threads) {
        return HttpClient.newConnection().runOn(LoopResources.create("bench-ws", threads, true));
    }

    private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();
    private final FrameHandler handler;
    private volatile int closeCode;
    private Disposable connection;

    private LeanSocket(FrameHandler handler) {
        this.handler = handler;
    }

    /** Opens a socket authenticated by a bearer header; completes when the handshake succeeded. */
    static Mono<LeanSocket> connect(HttpClient client, String url, String token, FrameHandler handler) {
        LeanSocket socket = new LeanSocket(handler);
        Sinks.One<LeanSocket> open = Sinks.one();
        WebsocketClientSpec spec = WebsocketClientSpec.builder().protocols("chat.v1")
                .maxFramePayloadLength(1024 * 1024).build();
        socket.connection = client.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token))
                .websocket(spec).uri(url)
                .handle((in, out) -> {
                    open.tryEmitValue(socket);
                    in.receiveCloseStatus().subscribe(status -> socket.closeCode = status.code());
                    Mono<Void> reading = in.receive().doOnNext(payload -> socket.handler.frame(socket, payload)).then();
                    return out.sendString(socket.outbound.asFlux()).then().and(reading);
                })
                .doOnError(open::tryEmitError)
                .doFinally(signal -> {
                    if (socket.closeCode == 0) {
                        socket.closeCode = -1;
                    }
                    open.tryEmitError(new IllegalStateException("socket ended before it opened"));
                })
                .subscribe(ignored -> { }, e -> { });
        return open.asMono().timeout(Duration.ofSeconds(60));
    }

    /** Queues a frame; safe from any thread. */
    void send(String frame) {
        synchronized (outbound) {
            outbound.tryEmitNext(frame);
        }
    }

    /** 0 while open; the close code the server sent, or -1 when the connection ended without one. */
    int closeCode() {
        return closeCode;
    }

    void close() {
        outbound.tryEmitComplete();
        if (connection != null) {
            connection.dispose();
        }
    }

    // ---- reading frames without a JSON parser: the edge writes "type" first, then flat fields

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static boolean startsWith(ByteBuf buf, byte[] prefix) {
        int start = buf.readerIndex();
        if (buf.readableBytes() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf.getByte(start + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Index in {@code buf} just after the first occurrence of {@code key}, or -1. */
    static int after(ByteBuf buf, byte[] key) {
        // one copy into a reused array, then a plain scan: reading the buffer byte by byte
        // checks its bounds and reference count on every byte, which at 100,000 frames a
        // second was a tenth of the load generator's CPU
        int start = buf.readerIndex();
        int length = buf.readableBytes();
        byte[] bytes = SCRATCH.get();
        if (length > bytes.length) {
            bytes = new byte[length];
        }
        buf.getBytes(start, bytes, 0, length);
        int end = length - key.length;
        outer:
        for (int i = 0; i <= end; i++) {
            for (int j = 0; j < key.length; j++) {
                if (bytes[i + j] != key[j]) {
                    continue outer;
                }
            }
            return start + i + key.length;
        }
        return -1;
    }

    /** The non-negative integer right after {@code key} (e.g. {@code "seq":}), or -1. */
    static long longAfter(ByteBuf buf, byte[] key) {
        int i = after(buf, key);
        if (i < 0) {
            return -1;
        }
        long value = 0;
        boolean any = false;
        for (; i < buf.writerIndex(); i++) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
            any = true;
        }
        return any ? value : -1;
    }

    /** The string value right after {@code key} (which ends with the opening quote), or null. */
    static String stringAfter(ByteBuf buf, byte[] key) {
        int i = after(buf, key);
        if (i < 0) {
            return null;
        }
        int end = buf.indexOf(i, buf.writerIndex(), (byte) '"');
        return end < 0 ? null : buf.toString(i, end - i, StandardCharsets.US_ASCII);
    }
}
