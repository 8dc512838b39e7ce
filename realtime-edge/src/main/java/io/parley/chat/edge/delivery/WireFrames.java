package io.parley.chat.edge.delivery;

/**
 * WebSocket frames from server to client as bytes on the wire (RFC 6455 section 5.2): a
 * final text frame, its length, and the payload. Server frames are never masked, so the
 * bytes are the same for every socket.
 */
public final class WireFrames {

    private static final int FIN_TEXT = 0x81;
    private static final int LENGTH_16 = 126;
    private static final int LENGTH_64 = 127;

    private WireFrames() {
    }

    /** A final text frame carrying {@code payload}, which must be UTF-8. */
    public static byte[] text(byte[] payload) {
        int length = payload.length;
        int header = length < LENGTH_16 ? 2 : length <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + length];
        frame[0] = (byte) FIN_TEXT;
        if (header == 2) {
            frame[1] = (byte) length;
        } else if (header == 4) {
            frame[1] = LENGTH_16;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = LENGTH_64;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, length);
        return frame;
    }
}
