package io.parley.chat.contracts.frames;

/** WebSocket close codes of the chat protocol (docs/protocol.md). */
public final class CloseCodes {

    public static final int TOKEN_INVALID = 4001;
    public static final int FORBIDDEN = 4003;
    public static final int POLICY = 4008;
    public static final int RATE_LIMITED = 4029;
    public static final int GOING_AWAY = 1001;

    /** The subprotocol the server selects; browsers offer it next to {@code bearer.<jwt>}. */
    public static final String SUBPROTOCOL = "chat.v1";
    public static final String BEARER_SUBPROTOCOL_PREFIX = "bearer.";

    private CloseCodes() {
    }
}
