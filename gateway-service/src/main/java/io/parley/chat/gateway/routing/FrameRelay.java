package io.parley.chat.gateway.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * One direction of a proxied socket, as a Netty handler in the pipeline of the side it
 * reads from: every frame that side's decoder produces is written to the other side as it
 * came (text, binary, continuation, ping, pong, close, with its final-fragment bit), and
 * the other side is flushed once per read rather than once per frame. Frames skip Spring's
 * and Reactor's session layers: at tens of thousands of frames a second those cost more
 * than the relaying itself.
 *
 * <p>Backpressure: while the other side cannot take more (its outbound buffer is over
 * Netty's high-water mark), this side is not read. Each relay watches its own channel's
 * writability and pauses or resumes reading of the channel that writes into it.
 *
 * <p>Frames of the gateway's own ({@link #insert}: the drain's {@code reconnect}, a close)
 * go between two messages, never inside a fragmented one: the relay knows where a message
 * ends from the final-fragment bit. All state is touched on this side's event loop only.
 *
 * <p>Put in front of the side's frame decoder instead, it relays that side's bytes as they
 * came ({@link #relay(ByteBuf)}), without decoding and encoding every frame again: the
 * frames are only found ({@link FrameBoundaries}), for the same message boundaries and close
 * handshake. That is how the edge's frames reach the client (see {@link ProxiedSocket}).
 */
final class FrameRelay extends ChannelInboundHandlerAdapter {

    static final String NAME = "parley.frameRelay";
    /** How long a side that was sent a close may take to answer it. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(FrameRelay.class);

    private final Channel to;
    private final String direction;
    /** Frames, or slices of bytes, relayed in this read and not yet written. */
    private List<Object> batch = new ArrayList<>();
    /** A data message whose final fragment has not been relayed yet. */
    private boolean insideMessage;
    /** Where frames end in the bytes this side sends, when its bytes are relayed as they came. */
    private final FrameBoundaries boundaries = new FrameBoundaries();
    /** A close frame went to the other side: it is ending, nothing follows. */
    private volatile boolean closeSent;
    /** The relay of the other direction. */
    private FrameRelay opposite;
    private WebSocketFrame waiting;
    private boolean closeAfterWaiting;
    /** The close the other side gets when this side goes without one: 1001, or the status the gateway closes both with. */
    private volatile int goneCode = WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code();
    private volatile String goneReason = "";

    FrameRelay(Channel to, String direction) {
        this.to = to;
        this.direction = direction;
    }

    /** Pairs the two directions of one socket, so that a finished close handshake ends both. */
    static void pair(FrameRelay one, FrameRelay other) {
        one.opposite = other;
        other.opposite = one;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof WebSocketFrame frame) {
            relay(frame);
        } else if (message instanceof ByteBuf bytes) {
            relay(bytes);
        } else {
            ctx.fireChannelRead(message);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
        ctx.fireChannelReadComplete();
    }

    /** Relays one frame of this side; called on this side's event loop, by the pipeline or with frames read before. */
    void relay(WebSocketFrame frame) {
        if (closeSent) {
            ReferenceCountUtil.release(frame);
            return;
        }
        if (frame instanceof CloseWebSocketFrame) {
            batch.add(frame);
            closeSent = true;
            flush();
            closing();
            return;
        }
        if (isData(frame)) {
            insideMessage = !frame.isFinalFragment();
        }
        batch.add(frame);
        if (!insideMessage && waiting != null) {
            releaseWaiting();
        }
    }

    /**
     * Relays bytes this side sent, read before its frame decoder, as they came: one slice per
     * read, cut only where a frame of the gateway's own goes in (at the end of a message) and
     * after a close, past which nothing is relayed.
     */
    void relay(ByteBuf bytes) {
        if (closeSent) {
            bytes.release();
            return;
        }
        int start = bytes.readerIndex();
        int end = bytes.writerIndex();
        int at = start;
        while (at < end) {
            int frameEnd = boundaries.nextFrameEnd(bytes, at, end);
            if (frameEnd < 0) {
                break;
            }
            at = frameEnd;
            int opcode = boundaries.opcode();
            if (opcode == FrameBoundaries.OPCODE_CLOSE) {
                batch.add(bytes.retainedSlice(start, at - start));
                bytes.release();
                closeSent = true;
                flush();
                closing();
                return;
            }
            if (FrameBoundaries.isData(opcode)) {
                insideMessage = !boundaries.fin();
            }
            if (waiting != null && !insideMessage) {
                batch.add(bytes.retainedSlice(start, at - start));
                start = at;
                releaseWaiting();
                if (closeSent) {
                    bytes.release();
                    return;
                }
            }
        }
        if (start == bytes.readerIndex()) {
            batch.add(bytes);
        } else if (start < end) {
            batch.add(bytes.retainedSlice(start, end - start));
            bytes.release();
        } else {
            bytes.release();
        }
    }

    /** Between two messages: no fragmented message under way, and no frame half relayed. */
    private boolean betweenMessages() {
        return !insideMessage && !boundaries.midFrame();
    }

    /** The close status the other side gets if this side goes without a close frame; callable from any thread. */
    void closingWith(int code, String reason) {
        goneCode = code;
        goneReason = reason;
    }

    /**
     * Writes {@code frame} of the gateway's own to the other side at the next message
     * boundary (now, unless a fragmented message is under way), and closes the other side
     * after it when {@code thenClose}. One frame waits at a time; a close replaces a waiting
     * reconnect. Called on this side's event loop.
     */
    void insert(WebSocketFrame frame, boolean thenClose) {
        boolean closing = frame instanceof CloseWebSocketFrame;
        if (closeSent || (waiting != null && !closing)) {
            ReferenceCountUtil.release(frame);
            return;
        }
        if (waiting != null && !insideMessage) {
            // a close replaces the reconnect still waiting for the end of a message
            ReferenceCountUtil.release(waiting);
        }
        waiting = frame;
        closeAfterWaiting = thenClose;
        if (betweenMessages()) {
            releaseWaiting();
            flush();
        }
    }

    private void releaseWaiting() {
        WebSocketFrame frame = waiting;
        waiting = null;
        batch.add(frame);
        if (frame instanceof CloseWebSocketFrame) {
            closeSent = true;
        }
        if (closeAfterWaiting) {
            flush();
            closeOther();
        }
    }

    /**
     * A close frame went to the other side. The relay stands for both ends of the handshake:
     * once a close has gone each way, both sockets are closed (the ends wait for each other to
     * close the connection, and for the client the gateway is the server). One that never
     * answers is closed after {@link #CLOSE_TIMEOUT}.
     */
    private void closing() {
        if (opposite != null && opposite.closeSent) {
            closeBoth();
        } else {
            to.eventLoop().schedule(this::closeBoth, CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void closeBoth() {
        closeOther();
        if (opposite != null) {
            opposite.closeOther();
        }
    }

    /** Writes what this read relayed, on the other side's event loop, and flushes once. */
    void flush() {
        if (batch.isEmpty()) {
            return;
        }
        List<Object> frames = batch;
        batch = new ArrayList<>();
        if (to.eventLoop().inEventLoop()) {
            write(frames);
        } else {
            to.eventLoop().execute(() -> write(frames));
        }
    }

    private void write(List<Object> frames) {
        if (!to.isActive()) {
            frames.forEach(ReferenceCountUtil::release);
            return;
        }
        for (Object frame : frames) {
            to.write(frame, to.voidPromise());
        }
        to.flush();
    }

    /** Closes the other side once what was written to it is out. */
    private void closeOther() {
        to.eventLoop().execute(() -> to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
    }

    /**
     * This side is gone (called from its close future, so also when it went before the
     * relay was in its pipeline). The other side gets what was read, then a close frame
     * when this side sent none (a crashed edge, a dropped client): 1001, as a proxy that
     * lost its peer says, unless a fragmented message or a frame was cut off, where no frame
     * can follow. Then the other side is closed.
     */
    void sourceGone() {
        if (waiting != null && !insideMessage) {
            ReferenceCountUtil.release(waiting);
            waiting = null;
        }
        if (!closeSent && betweenMessages()) {
            closeSent = true;
            batch.add(new CloseWebSocketFrame(goneCode, goneReason));
        }
        flush();
        closeOther();
    }

    /** Reads the side that writes into this one only while this one can take more. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // the channel this relay writes to is the one whose relay writes into this relay's channel
        to.config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("WebSocket relay {} ended: {}", direction, cause.toString());
        ctx.close();
    }

    private static boolean isData(WebSocketFrame frame) {
        return frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
                || frame instanceof ContinuationWebSocketFrame;
    }
}
