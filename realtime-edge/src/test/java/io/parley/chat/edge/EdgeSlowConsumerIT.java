package io.parley.chat.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.contracts.events.MessageEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client that stops reading: its frames pile up at the edge until its outbound bound is
 * passed, and then it is closed, while every other socket on the conversation keeps getting
 * every message. What the slow client did get is a gap-free start of the log, so it resumes
 * with {@code afterSeq} where it stopped.
 */
@TestPropertySource(properties = "chat.edge.outbound-buffer=16")
class EdgeSlowConsumerIT extends StandInEdge {

    /** Enough 4 KB frames to fill the kernel's buffers on both ends many times over. */
    private static final int MESSAGES = 1_500;
    private static final String BODY = "x".repeat(4_000);
    /** Messages published at once: fewer than the outbound bound, so that a client that reads never passes it. */
    private static final int STEP = 10;

    @Autowired
    MeterRegistry metrics;

    @Test
    void aSocketThatStopsReadingIsClosedAndTheOthersGetEveryMessageMeanwhile() throws Exception {
        String tenant = id("t");
        String conversation = id("c");
        double closedBefore = slowConsumersClosed();
        ChatSocket reader = connect(id("alice"), tenant);
        subscribe(reader, conversation);
        try (NonReadingSocket stalled = NonReadingSocket.open(port, TestInfrastructure.tokens().mint(id("bob"), tenant))) {
            stalled.subscribe(conversation);

            // in steps a reading client keeps up with: the stalled one falls further behind at each
            for (long seq = 1; seq <= MESSAGES; seq++) {
                MessageEvent event = new MessageEvent(UUID.randomUUID().toString(), MessageEvent.Type.MessageCreated,
                        tenant, conversation, seq, "m-" + seq, "someone", "cm-" + seq, BODY, Instant.now(), null);
                kafka.send(Topics.MESSAGES, conversation, json.writeValueAsString(event));
                if (seq % STEP == 0) {
                    kafka.flush();
                    reader.awaitCount(f -> is(f, "message"), (int) seq, WAIT);
                }
            }

            List<JsonNode> got = reader.awaitCount(f -> is(f, "message"), MESSAGES, WAIT);
            assertThat(got.stream().mapToLong(f -> f.path("seq").asLong()))
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, MESSAGES).boxed().toList());
            await().atMost(WAIT).until(() -> slowConsumersClosed() > closedBefore);
            assertThat(reader.isOpen()).isTrue();

            // the stalled client reads again: the frames it was sent, in order from seq 1 with no
            // hole, then the end of the socket (4008 when the close frame made it out)
            NonReadingSocket.Rest rest = stalled.readToEnd();
            assertThat(rest.seqs()).isNotEmpty().hasSizeLessThan(MESSAGES);
            assertThat(rest.seqs()).containsExactlyElementsOf(LongStream.rangeClosed(1, rest.seqs().size()).boxed().toList());
            if (rest.closeCode() != null) {
                assertThat(rest.closeCode()).isEqualTo(CloseCodes.POLICY);
            }
        }
    }

    private double slowConsumersClosed() {
        var counter = metrics.find("chat.ws.slow.consumers").counter();
        return counter == null ? 0 : counter.count();
    }

    /**
     * A WebSocket client on a plain socket with a small receive buffer, which reads only when
     * told to: the client whose network or device cannot keep up.
     */
    private static final class NonReadingSocket implements AutoCloseable {

        private static final JsonMapper JSON = JsonMapper.builder().build();

        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        record Rest(List<Long> seqs, Integer closeCode) {
        }

        private NonReadingSocket(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        static NonReadingSocket open(int port, String token) throws IOException {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) WAIT.toMillis());
            NonReadingSocket client = new NonReadingSocket(socket);
            client.out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat.v1\r\n"
                    + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            client.out.flush();
            String head = client.readHead();
            assertThat(head).startsWith("HTTP/1.1 101");
            return client;
        }

        private String readHead() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                head.write(in.readUnsignedByte());
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        void subscribe(String conversationId) throws IOException {
            String id = "sub-" + UUID.randomUUID();
            sendText("{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"conversationId\":\"" + conversationId + "\"}");
            while (true) {
                JsonNode frame = JSON.readTree(readFrame().payload());
                if (id.equals(frame.path("id").asString())) {
                    assertThat(frame.path("type").asString()).isEqualTo("subscribed");
                    return;
                }
            }
        }

        Rest readToEnd() throws IOException {
            List<Long> seqs = new ArrayList<>();
            try {
                while (true) {
                    Frame frame = readFrame();
                    if (frame.opcode() == 0x8) {
                        int code = frame.payload().length >= 2
                                ? ((frame.payload()[0] & 0xff) << 8) | (frame.payload()[1] & 0xff) : -1;
                        return new Rest(seqs, code);
                    }
                    JsonNode json = JSON.readTree(frame.payload());
                    if (is(json, "message")) {
                        seqs.add(json.path("seq").asLong());
                    }
                }
            } catch (EOFException | SocketException ended) {
                return new Rest(seqs, null);
            }
        }

        private record Frame(int opcode, byte[] payload) {
        }

        private Frame readFrame() throws IOException {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            return new Frame(first & 0x0f, payload);
        }

        /** A masked text frame, as a client must send; a zero mask leaves the payload as is. */
        private void sendText(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x81);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else {
                frame.write(0x80 | 126);
                frame.write(payload.length >>> 8);
                frame.write(payload.length & 0xff);
            }
            frame.write(new byte[4]);
            frame.write(payload);
            out.write(frame.toByteArray());
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
