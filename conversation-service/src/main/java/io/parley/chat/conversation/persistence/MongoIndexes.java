package io.parley.chat.conversation.persistence;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;

import reactor.util.retry.Retry;

/**
 * Creates the indexes before the server takes requests: the DIRECT pair guarantee and
 * the one-membership-per-user guarantee rest on the unique ones. Blocking is fine here
 * (startup, not a request path); while Mongo is not reachable yet it retries for a
 * while, then fails the start so the orchestrator restarts the service.
 */
@Component
class MongoIndexes implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(MongoIndexes.class);
    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(90);

    private final ConversationRepository conversations;
    private final MemberRepository members;
    private final OutboxRepository outbox;

    MongoIndexes(ConversationRepository conversations, MemberRepository members, OutboxRepository outbox) {
        this.conversations = conversations;
        this.members = members;
        this.outbox = outbox;
    }

    @Override
    public void afterPropertiesSet() {
        conversations.createIndexes()
                .then(members.createIndexes())
                .then(outbox.createIndexes())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(5))
                        .filter(DataAccessResourceFailureException.class::isInstance)
                        .doBeforeRetry(signal -> log.warn("Creating Mongo indexes failed ({}); retrying",
                                signal.failure().getClass().getSimpleName())))
                .block(GIVE_UP_AFTER);
    }
}
