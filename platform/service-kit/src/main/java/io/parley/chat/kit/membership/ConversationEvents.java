package io.parley.chat.kit.membership;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.reactive.function.client.WebClient;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.kit.events.ReadsStoredList;
import io.parley.chat.kit.events.StoredListReader;
import reactor.core.publisher.Mono;

/**
 * Conversation events (members added and removed, roles and titles changed), each handed
 * to this replica's listeners once, from whichever of two sources brings it first:
 * Kafka (fast, handed in with {@link #accept}) and conversation-service's stored list of
 * recent events ({@code /internal/v1/conversation-events}), read every
 * {@code chat.membership.poll-every}. The list is the guarantee: a removal or a role change
 * takes effect on every replica within the poll interval plus one read once it is stored,
 * whatever Kafka does, and a replica that starts later reads what is still listed.
 *
 * <p>Each event is remembered by its id for {@code remember}, longer than the list keeps
 * it, so neither source repeats it to the listeners. The list is served in the order the
 * events were stored, which is the order they are published in for each conversation.
 */
public final class ConversationEvents implements ReadsStoredList {

    /** conversation-service's page (ConversationEventsController.PAGE). */
    public static final int PAGE = 500;
    /** A page of {@link #PAGE} events naming up to 256 members each is at most about 7 MB. */
    public static final int MAX_PAGE_BYTES = 8 << 20;
    public static final String PATH = "/internal/v1/conversation-events";

    private final Cache<String, Boolean> seen;
    private final List<Consumer<ConversationEvent>> listeners = new CopyOnWriteArrayList<>();
    private final StoredListReader<Listed> list;

    /** An entry of the list: the event, and when conversation-service stored it (epoch ms). */
    public record Listed(long storedAt, ConversationEvent event) {
    }

    /** {@code uri} null: only what {@link #accept} is given. */
    public ConversationEvents(WebClient http, URI uri, Duration pollEvery, Duration remember, MeterRegistry metrics) {
        this.seen = Caffeine.newBuilder().expireAfterWrite(remember).maximumSize(1_000_000).build();
        this.list = uri == null ? null : new StoredListReader<>("conversation events", http, uri, pollEvery, PAGE,
                new ParameterizedTypeReference<>() { }, Listed::storedAt, listed -> accept(listed.event()),
                "chat.conversation.events.reads", metrics);
    }

    /** Runs for every event the first time this replica learns of it, in the order it learns of them. */
    public void onEvent(Consumer<ConversationEvent> listener) {
        listeners.add(listener);
    }

    /** Hands an event to the listeners unless it was seen before; true when it was new. */
    public boolean accept(ConversationEvent event) {
        if (event == null || event.type() == null || event.tenantId() == null || event.conversationId() == null) {
            return false;
        }
        if (event.eventId() != null && seen.asMap().putIfAbsent(event.eventId(), Boolean.TRUE) != null) {
            return false;
        }
        listeners.forEach(listener -> listener.accept(event));
        return true;
    }

    /** One read of the list (the pages after it included). */
    public Mono<Void> read() {
        return list == null ? Mono.empty() : list.read();
    }

    @Override
    public StoredListReader<Listed> list() {
        return list;
    }
}
