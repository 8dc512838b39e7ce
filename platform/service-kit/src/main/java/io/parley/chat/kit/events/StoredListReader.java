package io.parley.chat.kit.events;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.kit.lifecycle.PeriodicTask;
import reactor.core.publisher.Mono;

/**
 * Reads a list that another service stores of recent changes, every {@code pollEvery}: the
 * second source, beside Kafka, for changes that must take effect even when Kafka is down
 * (ended logins, membership changes). The list answers {@code GET uri?since=<epoch ms>}
 * with {@link Page}: the items stored at or after {@code since}, oldest first, at most
 * {@code pageSize}, and the server's {@code now}. A full page is followed by the next one
 * (from its last item's time); otherwise the next read starts {@link #OVERLAP} before the
 * server's {@code now}, so an item stored late (a slow write) is not skipped. Items are
 * therefore handed to {@code sink} more than once, and the sink must take them as facts to
 * apply again.
 *
 * <p>While the list cannot be read, reads are retried every interval, one warning a minute
 * is logged, and {@code <metric>{outcome=ok|error}} counts the reads.
 */
public final class StoredListReader<T> extends PeriodicTask {

    /** Each read starts this far before the previous one's answer. */
    public static final Duration OVERLAP = Duration.ofSeconds(30);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(StoredListReader.class);

    /** One answer of the list. */
    public record Page<T>(List<T> items, long now) {
    }

    private final String what;
    private final WebClient http;
    private final URI uri;
    private final Duration pollEvery;
    private final int pageSize;
    private final ParameterizedTypeReference<Page<T>> type;
    private final ToLongFunction<T> storedAt;
    private final Consumer<T> sink;
    private final Counter readsOk;
    private final Counter readsFailed;
    private volatile long since;
    private volatile long lastWarning;

    /**
     * @param what     what the list holds, for the warning ("ended logins")
     * @param storedAt an item's time in epoch milliseconds, as the list compares it with {@code since}
     * @param metric   the reads counter's name
     */
    public StoredListReader(String what, WebClient http, URI uri, Duration pollEvery, int pageSize,
                            ParameterizedTypeReference<Page<T>> type, ToLongFunction<T> storedAt, Consumer<T> sink,
                            String metric, MeterRegistry metrics) {
        super(Duration.ZERO, pollEvery);
        this.what = what;
        this.http = http;
        this.uri = uri;
        this.pollEvery = pollEvery;
        this.pageSize = pageSize;
        this.type = type;
        this.storedAt = storedAt;
        this.sink = sink;
        this.readsOk = Counter.builder(metric).tag("outcome", "ok").description("Reads of the list of " + what)
                .register(metrics);
        this.readsFailed = Counter.builder(metric).tag("outcome", "error").description("Reads of the list of " + what)
                .register(metrics);
    }

    @Override
    protected Mono<Void> round() {
        return read();
    }

    /** One read of the list, and of the pages after it when a page comes back full; never fails. */
    public Mono<Void> read() {
        long from = since;
        URI page = UriComponentsBuilder.fromUri(uri).queryParam("since", from).build().toUri();
        return http.get().uri(page).retrieve().bodyToMono(type)
                .timeout(READ_TIMEOUT)
                .flatMap(answer -> {
                    List<T> items = answer.items() == null ? List.of() : answer.items();
                    items.forEach(sink);
                    readsOk.increment();
                    if (items.size() >= pageSize) {
                        long last = storedAt.applyAsLong(items.get(items.size() - 1));
                        if (last > from) {
                            since = last;
                            return read();
                        }
                    }
                    since = Math.max(0, answer.now() - OVERLAP.toMillis());
                    return Mono.<Void>empty();
                })
                .onErrorResume(e -> {
                    readsFailed.increment();
                    warn(e);
                    return Mono.empty();
                });
    }

    private void warn(Throwable e) {
        long now = System.nanoTime();
        if (lastWarning == 0 || now - lastWarning > WARN_EVERY.toNanos()) {
            lastWarning = now;
            log.warn("Reading the list of {} from {} failed ({}); what is known stays known, retrying every {}",
                    what, uri, e.toString(), pollEvery);
        }
    }
}
