package io.parley.chat.presence;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.kit.lifecycle.PeriodicTask;
import io.parley.chat.presence.config.PresenceProperties;
import io.parley.chat.presence.messaging.PresenceEventPublisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Announces offline the users whose edge stopped heartbeating without a goodbye.
 * <p>
 * A periodic sweep rather than Redis keyspace notifications: notifications are pub/sub,
 * so one fired while a replica is down or reconnecting (a Redis restart, a deploy) is lost
 * for good and that user would show online forever; every replica receives every
 * notification, so they would need deduplicating anyway; Redis emits {@code expired} only
 * when its own expiry cycle gets to the key, per node in a cluster; and managed Redis often
 * forbids the {@code notify-keyspace-events} setting. The sweep reads the per-tenant set of
 * users announced online, scored by their latest session's expiry, so it costs one script
 * per tenant per interval however many users are online, and it catches up after any
 * outage. Each lapse is removed from that set inside the script that finds it, so with
 * several replicas sweeping at once each offline transition is published exactly once.
 * The same sweep sums the online sets for {@code chat_presence_online_users}.
 * <p>
 * The offline event carries the user's last heartbeat as {@code at}, not the sweep time:
 * if the user reconnects in the instant between a sweep's script and its publish, the
 * reconnect's online event may reach Kafka first, and consumers that keep the newest
 * {@code at} per user still end up with the right status.
 */
@Component
class ExpirySweeper extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(ExpirySweeper.class);

    private final PresenceStore store;
    private final PresenceEventPublisher publisher;
    private final FailureLog failures;
    private final AtomicLong onlineUsers = new AtomicLong();
    private final Clock clock = Clock.systemUTC();

    ExpirySweeper(PresenceStore store, PresenceEventPublisher publisher, PresenceProperties properties,
                  MeterRegistry metrics) {
        super(properties.sweepInterval(), properties.sweepInterval());
        this.store = store;
        this.publisher = publisher;
        this.failures = new FailureLog(log, properties.failureLogInterval());
        Gauge.builder("chat.presence.online.users", onlineUsers, AtomicLong::get)
                .description("Users announced online, over all tenants, as of the last sweep")
                .register(metrics);
    }

    @Override
    protected Mono<Void> round() {
        return sweep();
    }

    /** One sweep; the announcements of its lapses are sent before it completes. */
    Mono<Void> sweep() {
        return store.sweep(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .doOnNext(sweep -> onlineUsers.set(sweep.onlineUsers()))
                .flatMapMany(sweep -> Flux.fromIterable(sweep.lapses()))
                .flatMap(lapse -> publisher.publishChanged(lapse.tenantId(), lapse.userId(), Status.OFFLINE,
                        lapse.lastSeenAt() != null ? lapse.lastSeenAt() : clock.instant()), 16)
                .then()
                .onErrorResume(e -> {
                    failures.warn("Sweeping lapsed sessions", e);
                    return Mono.empty();
                });
    }
}
