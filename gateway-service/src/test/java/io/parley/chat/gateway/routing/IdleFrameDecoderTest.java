package io.parley.chat.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.channel.ChannelHandlerContext;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.util.ReferenceCountUtil;

/** Whether the relay may take an edge socket's bytes in front of its frame decoder (it also fails on a Netty upgrade that renames its state). */
class IdleFrameDecoderTest {

    private final EmbeddedChannel socket = new EmbeddedChannel();

    @Test
    void aDecoderWithNothingBegunIsIdleAgainAfterEachWholeFrame() {
        socket.pipeline().addLast("ws-decoder", new WebSocket08FrameDecoder(false, false, 65_536));
        assertThat(IdleFrameDecoder.in(socket.pipeline())).contains("ws-decoder");

        ByteBuf frame = Unpooled.wrappedBuffer(FrameRelayBytesTest.bytes(new TextWebSocketFrame("x".repeat(500))));
        socket.writeInbound(frame.readRetainedSlice(2));
        assertThat(IdleFrameDecoder.in(socket.pipeline())).as("header read, payload to come").isEmpty();
        socket.writeInbound(frame.readRetainedSlice(100));
        assertThat(IdleFrameDecoder.in(socket.pipeline())).as("payload half read").isEmpty();
        socket.writeInbound(frame);
        ReferenceCountUtil.release(socket.readInbound());

        assertThat(IdleFrameDecoder.in(socket.pipeline())).contains("ws-decoder");
    }

    @Test
    void aSocketWithCompressionIsNeverTakenAsBytes() {
        socket.pipeline().addLast("ws-decoder", new WebSocket08FrameDecoder(false, false, 65_536));
        socket.pipeline().addLast("deflate", new WebSocketExtensionDecoder() {
            @Override
            protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
                out.add(frame.retain());
            }
        });

        assertThat(IdleFrameDecoder.in(socket.pipeline())).isEmpty();
    }
}
