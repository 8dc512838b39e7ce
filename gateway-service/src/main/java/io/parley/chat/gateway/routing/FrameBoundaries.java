package io.parley.chat.gateway.routing;

import io.netty.buffer.ByteBuf;

/**
 * Where frames end in a WebSocket byte stream (RFC 6455, section 5.2), found from the
 * frame headers alone: payloads are skipped, never read or copied. The relay uses it to
 * pass an edge's bytes to the client as they came while still knowing where a message
 * ends (to put a frame of the gateway's own between two) and when a close went by.
 * Headers and payloads may be split across reads anywhere.
 */
final class FrameBoundaries {

    static final int OPCODE_CONTINUATION = 0x0;
    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_BINARY = 0x2;
    static final int OPCODE_CLOSE = 0x8;

    /** The longest header: 2 bytes, 8 of extended length, 4 of mask. */
    private final byte[] header = new byte[14];
    private int headerLength;
    private long payloadLeft;
    private boolean inPayload;
    private int opcode;
    private boolean fin;

    /**
     * Reads {@code in} from index {@code from} (inclusive) to {@code to} (exclusive) up to the
     * end of the next frame, and returns the index after that frame's last byte, or -1 when
     * no frame ends in the range (every byte of it was taken into account). After a frame
     * end, {@link #opcode()} and {@link #fin()} describe that frame.
     */
    int nextFrameEnd(ByteBuf in, int from, int to) {
        int at = from;
        while (at < to) {
            if (inPayload) {
                int skipped = (int) Math.min(payloadLeft, to - at);
                at += skipped;
                payloadLeft -= skipped;
                if (payloadLeft == 0) {
                    inPayload = false;
                    return at;
                }
                continue;
            }
            header[headerLength++] = in.getByte(at++);
            if (headerLength >= 2 && headerLength == headerSize()) {
                startPayload();
                if (payloadLeft == 0) {
                    inPayload = false;
                    return at;
                }
            }
        }
        return -1;
    }

    /** Whether a frame has begun and not ended: nothing of another may be written now. */
    boolean midFrame() {
        return inPayload || headerLength > 0;
    }

    int opcode() {
        return opcode;
    }

    boolean fin() {
        return fin;
    }

    static boolean isData(int opcode) {
        return opcode == OPCODE_CONTINUATION || opcode == OPCODE_TEXT || opcode == OPCODE_BINARY;
    }

    private int headerSize() {
        int lengthCode = header[1] & 0x7F;
        int extended = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
        boolean masked = (header[1] & 0x80) != 0;
        return 2 + extended + (masked ? 4 : 0);
    }

    private void startPayload() {
        fin = (header[0] & 0x80) != 0;
        opcode = header[0] & 0x0F;
        int lengthCode = header[1] & 0x7F;
        if (lengthCode == 126) {
            payloadLeft = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        } else if (lengthCode == 127) {
            long length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (header[i] & 0xFF);
            }
            if (length < 0) {
                throw new IllegalStateException("a WebSocket frame longer than 2^63 bytes: the stream is corrupt");
            }
            payloadLeft = length;
        } else {
            payloadLeft = lengthCode;
        }
        headerLength = 0;
        inPayload = true;
    }
}
