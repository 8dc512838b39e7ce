package io.parley.chat.edge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;

/** The bytes a fan-out writes are the frame Netty's own encoder would have written, for every length form. */
class WireFramesTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 1000, 65535, 65536, 70000})
    void aTextFrameIsWhatNettysEncoderWrites(int length) {
        byte[] payload = payload(length);

        assertThat(WireFrames.text(payload)).isEqualTo(nettyEncoded(payload));
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 300, 66000})
    void everySocketReadsTheSharedBytesWhateverTheOthersReleased(int length) {
        byte[] payload = payload(length);
        Delivery delivery = new Delivery(1, payload, Instant.now());

        for (int socket = 0; socket < 3; socket++) {
            ByteBuf wire = delivery.wire();
            EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(
                    WebSocketDecoderConfig.newBuilder().expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
            client.writeInbound(wire);
            TextWebSocketFrame read = client.readInbound();
            assertThat(read.text()).isEqualTo(new String(payload, StandardCharsets.UTF_8));
            read.release();
            // a stray extra release, as a buggy write path might do, takes nothing from the next socket
            wire.release();
        }
        ByteBuf last = delivery.wire();
        assertThat(last.isDirect()).as("written without a copy into a direct buffer").isTrue();
        assertThat(last.readableBytes()).isEqualTo(WireFrames.text(payload).length);
    }

    private static byte[] payload(int length) {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) 'x');
        return payload;
    }

    private static byte[] nettyEncoded(byte[] payload) {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        channel.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload)));
        ByteBuf out = Unpooled.buffer();
        for (ByteBuf part = channel.readOutbound(); part != null; part = channel.readOutbound()) {
            out.writeBytes(part);
            part.release();
        }
        return ByteBufUtil.getBytes(out);
    }
}
