package io.parley.chat.gateway.routing;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;

/**
 * Finds a socket's WebSocket frame decoder when it holds nothing: no frame begun, no bytes
 * waiting. Only then may the relay take the socket's bytes in front of it, since a frame the
 * decoder had started would otherwise lose its first bytes. Netty keeps that state private;
 * it is read through two fields found at class load, and when a Netty upgrade renames them
 * every socket is relayed frame by frame (after one warning), which is slower but correct.
 * A socket with a negotiated extension (compression) is always relayed frame by frame.
 */
final class IdleFrameDecoder {

    private static final Logger log = LoggerFactory.getLogger(IdleFrameDecoder.class);
    private static final Field STATE = field(WebSocket08FrameDecoder.class, "state");
    private static final Field CUMULATION = field(ByteToMessageDecoder.class, "cumulation");

    private IdleFrameDecoder() {
    }

    /** The name of the pipeline's frame decoder if it is idle, on the channel's event loop. */
    static Optional<String> in(ChannelPipeline pipeline) {
        if (STATE == null || CUMULATION == null) {
            return Optional.empty();
        }
        String decoder = null;
        for (Map.Entry<String, ChannelHandler> handler : pipeline) {
            if (handler.getValue() instanceof WebSocketExtensionDecoder) {
                return Optional.empty();
            }
            if (handler.getValue() instanceof WebSocket08FrameDecoder frames) {
                if (decoder != null || !idle(frames)) {
                    return Optional.empty();
                }
                decoder = handler.getKey();
            }
        }
        return Optional.ofNullable(decoder);
    }

    private static boolean idle(WebSocket08FrameDecoder decoder) {
        try {
            Object state = STATE.get(decoder);
            ByteBuf waiting = (ByteBuf) CUMULATION.get(decoder);
            return state instanceof Enum<?> named && "READING_FIRST".equals(named.name())
                    && (waiting == null || !waiting.isReadable());
        } catch (IllegalAccessException e) {
            return false;
        }
    }

    private static Field field(Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("Netty's {}.{} is not there: WebSockets are relayed frame by frame ({})",
                    owner.getSimpleName(), name, e.toString());
            return null;
        }
    }
}
