package io.parley.chat.edge.delivery;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.parley.chat.contracts.events.MessageEvent;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.clients.StoredMessage;
import tools.jackson.databind.json.JsonMapper;

/** Turns events and history entries into the bytes of a frame, once per event per edge. */
@Component
public class FrameEncoder {

    private final JsonMapper json;

    FrameEncoder(JsonMapper json) {
        this.json = json.rebuild().addMixIn(ServerFrames.Error.class, ErrorFrame.class).build();
    }

    /** An {@code error} frame carries {@code legacyCode} only where the code's spelling changed. */
    private abstract static class ErrorFrame {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        abstract String legacyCode();
    }

    public byte[] encode(Object frame) {
        return json.writeValueAsBytes(frame);
    }

    public Delivery delivery(MessageEvent e) {
        String event = switch (e.type()) {
            case MessageCreated -> "created";
            case MessageEdited -> "edited";
            case MessageDeleted -> e.messageId() == null ? "tombstone" : "deleted";
        };
        return new Delivery(e.seq(), encode(new ServerFrames.Message(e.conversationId(), e.seq(), event, e.messageId(),
                e.senderId(), e.clientMsgId(), e.body(), e.createdAt(), e.editedAt())), e.createdAt());
    }

    public Delivery delivery(StoredMessage m) {
        return new Delivery(m.seq(), encode(new ServerFrames.Message(m.conversationId(), m.seq(), m.event(), m.messageId(),
                m.senderId(), m.clientMsgId(), m.body(), m.createdAt(), m.editedAt())), m.createdAt());
    }
}
