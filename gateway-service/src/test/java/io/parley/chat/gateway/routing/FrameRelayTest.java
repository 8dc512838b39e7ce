package io.parley.chat.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/** One direction of the splice, between two in-memory channels: what the other side is written, in order. */
class FrameRelayTest {

    private final EmbeddedChannel to = new EmbeddedChannel();
    private final FrameRelay relay = new FrameRelay(to, "edge -> client");
    private final EmbeddedChannel from = new EmbeddedChannel(relay);

    @Test
    void framesGoAcrossAsTheyCameAndAreFlushedOncePerRead() {
        from.writeOneInbound(new TextWebSocketFrame("one"));
        from.writeOneInbound(new PingWebSocketFrame());
        assertThat(written()).as("nothing before the read is complete").isEmpty();

        from.pipeline().fireChannelReadComplete();

        assertThat(written()).containsExactly("text: one", "PingWebSocketFrame: ");
    }

    @Test
    void aFrameOfTheGatewaysOwnWaitsForTheEndOfAFragmentedMessage() {
        read(new TextWebSocketFrame(false, 0, "hello "));
        relay.insert(new TextWebSocketFrame("{\"type\":\"reconnect\"}"), false);
        assertThat(written()).containsExactly("text (more follows): hello ");

        read(new PingWebSocketFrame());
        read(new ContinuationWebSocketFrame(true, 0, "world"));

        assertThat(written()).containsExactly("PingWebSocketFrame: ", "continuation: world",
                "text: {\"type\":\"reconnect\"}");
    }

    @Test
    void aCloseReplacesAReconnectStillWaiting() {
        read(new TextWebSocketFrame(false, 0, "hello "));
        relay.insert(new TextWebSocketFrame("{\"type\":\"reconnect\"}"), false);
        relay.insert(new CloseWebSocketFrame(1001, "server restarting: reconnect"), true);

        read(new ContinuationWebSocketFrame(true, 0, "world"));
        to.runPendingTasks();

        assertThat(written()).containsExactly("text (more follows): hello ", "continuation: world",
                "CloseWebSocketFrame: 1001 server restarting: reconnect");
        assertThat(to.isActive()).isFalse();
    }

    @Test
    void betweenMessagesItGoesAtOnce() {
        read(new TextWebSocketFrame("whole"));
        written();

        relay.insert(new TextWebSocketFrame("{\"type\":\"reconnect\"}"), false);

        assertThat(written()).containsExactly("text: {\"type\":\"reconnect\"}");
    }

    @Test
    void aCloseOfTheGatewaysOwnClosesTheOtherSideAfterIt() {
        relay.insert(new CloseWebSocketFrame(1001, "server restarting: reconnect"), true);
        to.runPendingTasks();

        assertThat(written()).containsExactly("CloseWebSocketFrame: 1001 server restarting: reconnect");
        assertThat(to.isActive()).isFalse();
    }

    @Test
    void aSideThatGoesWithoutACloseFrameIsAnnouncedWith1001() {
        read(new TextWebSocketFrame("last"));

        relay.sourceGone();
        to.runPendingTasks();

        assertThat(written()).containsExactly("text: last", "CloseWebSocketFrame: 1001 ");
        assertThat(to.isActive()).isFalse();
    }

    @Test
    void theCloseASideSentIsRelayedAsItIsAndNothingAfterIt() {
        read(new CloseWebSocketFrame(4001, "token expired"));
        read(new TextWebSocketFrame("late"));

        relay.sourceGone();
        to.runPendingTasks();

        assertThat(written()).containsExactly("CloseWebSocketFrame: 4001 token expired");
    }

    @Test
    void aCloseHandshakeThatWentBothWaysClosesBothSockets() {
        EmbeddedChannel client = new EmbeddedChannel();
        EmbeddedChannel edge = new EmbeddedChannel();
        FrameRelay towardEdge = new FrameRelay(edge, "client -> edge");
        FrameRelay towardClient = new FrameRelay(client, "edge -> client");
        FrameRelay.pair(towardEdge, towardClient);
        client.pipeline().addLast(towardEdge);
        edge.pipeline().addLast(towardClient);

        client.writeOneInbound(new CloseWebSocketFrame(1000, "reconnecting"));
        assertThat(client.isActive()).as("waiting for the edge's answer").isTrue();
        edge.writeOneInbound(new CloseWebSocketFrame(1000, "reconnecting"));
        client.runPendingTasks();
        edge.runPendingTasks();

        assertThat(client.isActive()).isFalse();
        assertThat(edge.isActive()).isFalse();
        assertThat(edge.<Object>readOutbound()).isInstanceOf(CloseWebSocketFrame.class);
        assertThat(client.<Object>readOutbound()).isInstanceOf(CloseWebSocketFrame.class);
    }

    private void read(WebSocketFrame frame) {
        from.writeOneInbound(frame);
        from.pipeline().fireChannelReadComplete();
    }

    private List<String> written() {
        List<String> frames = new ArrayList<>();
        for (Object written; (written = to.readOutbound()) != null;) {
            if (written instanceof WebSocketFrame frame) {
                frames.add(describe(frame));
            }
            // else the empty buffer whose write closes the channel once everything before it is out
            ReferenceCountUtil.release(written);
        }
        return frames;
    }

    /** A frame as a line of a test's expectations. */
    static String describe(WebSocketFrame frame) {
        if (frame instanceof CloseWebSocketFrame close) {
            return "CloseWebSocketFrame: " + close.statusCode() + " " + close.reasonText();
        }
        String kind = frame instanceof TextWebSocketFrame ? "text"
                : frame instanceof ContinuationWebSocketFrame ? "continuation" : frame.getClass().getSimpleName();
        return kind + (frame.isFinalFragment() ? "" : " (more follows)") + ": "
                + frame.content().toString(StandardCharsets.UTF_8);
    }
}
