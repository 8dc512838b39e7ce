package io.parley.chat.presence.read;

import java.time.Clock;
import java.time.temporal.ChronoUnit;

import org.springframework.stereotype.Service;

import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.presence.messaging.PresenceEventPublisher;
import io.parley.chat.presence.read.clients.ConversationClient;
import reactor.core.publisher.Mono;

/**
 * Persist before emit: the marker is stored by conversation-service first, and the
 * ReadMarker event carries the stored seq (which may be higher than asked, when another
 * device read further), so receipts never show a marker that was not kept.
 */
@Service
public class ReadMarkerService {

    private final ConversationClient conversations;
    private final PresenceEventPublisher publisher;
    private final Clock clock = Clock.systemUTC();

    ReadMarkerService(ConversationClient conversations, PresenceEventPublisher publisher) {
        this.conversations = conversations;
        this.publisher = publisher;
    }

    public Mono<ReadMarker> markRead(ChatPrincipal caller, String conversationId, long seq) {
        return conversations.markRead(caller, conversationId, seq)
                .flatMap(marker -> publisher.publishReadMarker(caller.tenantId(), caller.userId(), marker.conversationId(),
                        marker.readSeq(), clock.instant().truncatedTo(ChronoUnit.MILLIS)).thenReturn(marker));
    }
}
