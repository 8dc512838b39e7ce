package io.parley.chat.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The edge's direction of the splice as the gateway runs it: the edge's bytes, read in front
 * of the frame decoder, go to the client as they came, wherever the reads cut them, and the
 * gateway's own frames (encoded by the client side's encoder) still go between messages.
 */
class FrameRelayBytesTest {

    /** The client's side: its server encoder turns the gateway's own frames into bytes; relayed bytes pass it as they are. */
    private final EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    private final FrameRelay relay = new FrameRelay(client, "edge -> client");
    private final EmbeddedChannel edge = new EmbeddedChannel(relay);

    @Test
    void theEdgesBytesArriveExactlyAsSentWhereverTheReadsCutThem() {
        byte[] stream = bytes(new TextWebSocketFrame("short"), new TextWebSocketFrame("x".repeat(300)),
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[70_000])), new PingWebSocketFrame(),
                new TextWebSocketFrame(false, 0, "fragmented "), new PingWebSocketFrame(),
                new ContinuationWebSocketFrame(true, 0, "message"), new TextWebSocketFrame(""));
        Random random = new Random(7);
        for (int run = 0; run < 20; run++) {
            int chunk = run == 0 ? 1 : 1 + random.nextInt(run < 10 ? 20 : 20_000);
            for (int at = 0; at < stream.length; at += chunk) {
                read(stream, at, Math.min(at + chunk, stream.length));
            }
            assertThat(writtenBytes()).as("run %d, reads of %d bytes", run, chunk).isEqualTo(stream);
        }
    }

    @Test
    void aFrameOfTheGatewaysOwnGoesAtTheEndOfTheMessageEvenInsideOneRead() {
        byte[] stream = bytes(new TextWebSocketFrame(false, 0, "hello "), new PingWebSocketFrame(),
                new ContinuationWebSocketFrame(true, 0, "world"), new TextWebSocketFrame("next"));
        read(stream, 0, 3);
        relay.insert(new TextWebSocketFrame("{\"type\":\"reconnect\"}"), false);
        assertThat(client.outboundMessages()).as("only what was read")
                .allSatisfy(part -> assertThat(((ByteBuf) part).readableBytes()).isEqualTo(3)).hasSize(1);

        read(stream, 3, stream.length);

        assertThat(decoded()).containsExactly("text (more follows): hello ", "PingWebSocketFrame: ",
                "continuation: world", "text: {\"type\":\"reconnect\"}", "text: next");
    }

    @Test
    void aFrameOfTheGatewaysOwnWaitsForTheEndOfAFrameHalfRead() {
        byte[] stream = bytes(new TextWebSocketFrame("x".repeat(1_000)));
        read(stream, 0, 500);
        relay.insert(new TextWebSocketFrame("{\"type\":\"reconnect\"}"), false);
        read(stream, 500, stream.length);

        assertThat(decoded()).containsExactly("text: " + "x".repeat(1_000),
                "text: {\"type\":\"reconnect\"}");
    }

    @Test
    void theEdgesCloseGoesAcrossAndNothingAfterIt() {
        byte[] stream = bytes(new TextWebSocketFrame("last"), new CloseWebSocketFrame(4001, "token expired"),
                new TextWebSocketFrame("late"));
        read(stream, 0, stream.length);

        assertThat(decoded()).containsExactly("text: last", "CloseWebSocketFrame: 4001 token expired");
    }

    @Test
    void anEdgeGoneInTheMiddleOfAFrameIsNotFollowedByAClose() {
        byte[] stream = bytes(new TextWebSocketFrame("x".repeat(1_000)));
        read(stream, 0, 500);

        relay.sourceGone();
        client.runPendingTasks();

        assertThat(writtenBytes()).as("the half frame, and no close frame glued to it").hasSize(500);
        assertThat(client.isActive()).isFalse();
    }

    @Test
    void anEdgeGoneBetweenMessagesIsAnnouncedWith1001() {
        byte[] stream = bytes(new TextWebSocketFrame("last"));
        read(stream, 0, stream.length);

        relay.sourceGone();
        client.runPendingTasks();

        assertThat(decoded()).containsExactly("text: last", "CloseWebSocketFrame: 1001 ");
    }

    private void read(byte[] stream, int from, int to) {
        edge.writeOneInbound(Unpooled.copiedBuffer(stream, from, to - from));
        edge.pipeline().fireChannelReadComplete();
    }

    /** The bytes a server sends for {@code frames}. */
    static byte[] bytes(WebSocketFrame... frames) {
        EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        for (WebSocketFrame frame : frames) {
            encoder.writeOutbound(frame);
        }
        ByteBuf all = Unpooled.buffer();
        for (Object part; (part = encoder.readOutbound()) != null;) {
            all.writeBytes((ByteBuf) part);
            ReferenceCountUtil.release(part);
        }
        return ByteBufUtil.getBytes(all);
    }

    private byte[] writtenBytes() {
        ByteBuf all = Unpooled.buffer();
        for (Object part; (part = client.readOutbound()) != null;) {
            all.writeBytes((ByteBuf) part);
            ReferenceCountUtil.release(part);
        }
        return ByteBufUtil.getBytes(all);
    }

    /** What the client decodes from everything written to it. */
    private List<String> decoded() {
        EmbeddedChannel decoder = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
        decoder.writeInbound(Unpooled.wrappedBuffer(writtenBytes()));
        List<String> frames = new ArrayList<>();
        for (Object frame; (frame = decoder.readInbound()) != null;) {
            frames.add(FrameRelayTest.describe((WebSocketFrame) frame));
            ReferenceCountUtil.release(frame);
        }
        return frames;
    }
}
