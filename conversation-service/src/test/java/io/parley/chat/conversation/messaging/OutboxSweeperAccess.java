package io.parley.chat.conversation.messaging;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.chat.conversation.config.ConversationProperties;
import io.parley.chat.conversation.persistence.OutboxRepository;
import reactor.core.publisher.Mono;

/** One sweep round with a publisher of the test's choosing (the sweeper is package-private). */
public final class OutboxSweeperAccess {

    private OutboxSweeperAccess() {
    }

    public static Mono<Void> sweepWith(OutboxRepository outbox, ConversationEventPublisher publisher,
                                       ConversationProperties settings) {
        return new OutboxSweeper(outbox, publisher, settings, new SimpleMeterRegistry()).sweep();
    }
}
