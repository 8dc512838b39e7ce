package io.parley.chat.edge.command;

import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.clients.MessageClient;
import io.parley.chat.edge.clients.MessageClient.Outgoing;
import io.parley.chat.edge.clients.MessageClient.SendOutcome;
import io.parley.chat.edge.clients.StoredMessage;
import io.parley.chat.edge.config.EdgeProperties;
import io.parley.chat.edge.delivery.FrameEncoder;
import io.parley.chat.edge.send.SendPipeline;
import io.parley.chat.edge.session.ClientSession;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code send}: handed to the socket's {@link SendPipeline}, which keeps several in flight
 * and stores them in the order the client sent them (docs/decisions/0005); each is answered
 * with an {@code ack} or an {@code error} frame.
 */
@Component
class SendHandler implements CommandHandler {

    private final EdgeProperties properties;
    private final MessageClient messages;
    private final FrameEncoder encoder;
    private final CommandSupport support;
    private final Timer sendDuration;

    SendHandler(EdgeProperties properties, MessageClient messages, FrameEncoder encoder, CommandSupport support,
                MeterRegistry metrics) {
        this.properties = properties;
        this.messages = messages;
        this.encoder = encoder;
        this.support = support;
        this.sendDuration = Timer.builder("chat.send.duration").description("send frame in to ack out")
                .publishPercentileHistogram().register(metrics);
    }

    @Override
    public String type() {
        return "send";
    }

    @Override
    public Mono<Void> handle(ClientSession client, String id, JsonNode frame) {
        String conversationId = CommandSupport.field(frame, "conversationId");
        String clientMsgId = CommandSupport.field(frame, "clientMsgId");
        JsonNode body = frame.path("body");
        if (conversationId == null || clientMsgId == null || !body.isString()) {
            return support.reject(client, id, ErrorCode.INVALID,
                    "'send' needs 'conversationId' and 'clientMsgId' (1 to 64 letters, digits, '-' or '_') and a string 'body'");
        }
        return client.sends(this::pipeline).submit(new SendPipeline.Pending(id, conversationId,
                new Outgoing(clientMsgId, body.asString()), System.nanoTime()));
    }

    /**
     * A socket's sends in flight (docs/decisions/0005): batches of its sends to one
     * conversation, in its order, with the token the socket holds when each batch leaves.
     */
    private SendPipeline pipeline(ClientSession client) {
        int inFlight = properties.maxSendsInFlight();
        return new SendPipeline(inFlight, Math.min(inFlight, MessageClient.MAX_BATCH),
                (conversationId, batch) -> messages.sendAll(client.principal().token(), conversationId, batch),
                (send, outcome) -> answer(client, send, outcome));
    }

    private void answer(ClientSession client, SendPipeline.Pending send, SendOutcome outcome) {
        if (outcome.message() != null) {
            StoredMessage m = outcome.message();
            client.send(encoder.encode(new ServerFrames.Ack(send.id(), m.clientMsgId(), m.messageId(), m.seq(),
                    m.createdAt())));
            sendDuration.record(System.nanoTime() - send.arrivedNanos(), TimeUnit.NANOSECONDS);
        } else {
            client.send(encoder.encode(new ServerFrames.Error(send.id(), outcome.refusal().code(),
                    outcome.refusal().getMessage())));
        }
    }
}
