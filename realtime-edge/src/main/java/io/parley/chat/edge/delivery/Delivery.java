package io.parley.chat.edge.delivery;

import java.nio.ByteBuffer;
import java.time.Instant;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * One log entry of a conversation, encoded once as a {@code message} frame and written
 * as-is to every socket: the JSON once, and the WebSocket frame around it once, so that
 * a fan-out to a thousand sockets writes one buffer a thousand times instead of framing
 * and copying it a thousand times.
 */
public final class Delivery {

    private final long seq;
    private final byte[] frame;
    private final Instant createdAt;
    /** The whole WebSocket frame, made on the first write; a race makes it twice, harmlessly. */
    private volatile ByteBuf wire;

    public Delivery(long seq, byte[] frame, Instant createdAt) {
        this.seq = seq;
        this.frame = frame;
        this.createdAt = createdAt;
    }

    public long seq() {
        return seq;
    }

    /** The frame's JSON text. */
    public byte[] frame() {
        return frame;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /**
     * The frame as it goes on the wire, for one socket to write: its own view (its own
     * read position) of bytes shared with every other socket. They live in a direct
     * buffer outside Netty's pools, so a socket writes them without a copy, and they are
     * unreleasable: the garbage collector frees them once no delivery holds them. A
     * reference count shared by a thousand sockets would let one stray release take the
     * bytes from all the others.
     */
    public ByteBuf wire() {
        ByteBuf shared = wire;
        if (shared == null) {
            byte[] bytes = WireFrames.text(frame);
            shared = Unpooled.unreleasableBuffer(
                    Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()));
            wire = shared;
        }
        return shared.duplicate();
    }
}
