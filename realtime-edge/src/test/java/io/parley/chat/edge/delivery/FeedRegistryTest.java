package io.parley.chat.edge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.chat.edge.config.EdgeProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Which subscriptions hold a conversation's feed, and that letting go never takes it from anyone else. */
class FeedRegistryTest {

    private final FeedRegistry feeds = new FeedRegistry(new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("chat.edge", EdgeProperties.class), new SimpleMeterRegistry());

    @Test
    void aSubscriptionRefusedBeforeItWasAttachedLeavesTheMembersFeedAlone() {
        Recorder member = new Recorder();
        Subscription membership = new Subscription("c1", 0, member);
        feeds.attach(membership, Mono.just(0L)).block();
        membership.goLive(0, () -> { });

        for (int i = 0; i < 3; i++) {
            // a non-member's subscribe: refused by the membership check, so never attached, then released
            feeds.detach(new Subscription("c1", 0, new Recorder()));
        }
        feeds.offer("c1", new Delivery(1, "{\"seq\":1}".getBytes(), Instant.now()));

        assertThat(feeds.isWatched("c1")).isTrue();
        assertThat(member.written).extracting(Delivery::seq).containsExactly(1L);
    }

    @Test
    void aSubscriptionReleasedBeforeItsAttachTakesNoReferenceAndGetsNothing() {
        Subscription released = new Subscription("c2", 0, new Recorder());
        feeds.detach(released);
        feeds.attach(released, Mono.just(0L)).block();

        assertThat(feeds.isWatched("c2")).isFalse();
    }

    @Test
    void theFeedGoesWhenItsLastHolderLetsGo() {
        Subscription first = new Subscription("c3", 0, new Recorder());
        Subscription second = new Subscription("c3", 0, new Recorder());
        feeds.attach(first, Mono.just(0L)).block();
        feeds.attach(second, Mono.just(0L)).block();

        feeds.detach(first);
        feeds.detach(first);
        assertThat(feeds.isWatched("c3")).isTrue();
        feeds.detach(second);
        assertThat(feeds.isWatched("c3")).isFalse();
    }

    private static final class Recorder implements Subscription.Sink {

        private final List<Delivery> written = new CopyOnWriteArrayList<>();

        @Override
        public void write(Delivery delivery) {
            written.add(delivery);
        }

        @Override
        public void control(byte[] frame) {
        }

        @Override
        public Flux<Delivery> readAfter(String conversationId, long seq) {
            return Flux.empty();
        }
    }
}
