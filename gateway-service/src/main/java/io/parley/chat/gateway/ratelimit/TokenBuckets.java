package io.parley.chat.gateway.ratelimit;

import io.parley.chat.gateway.config.GatewayProperties.Limit;
import reactor.core.publisher.Mono;

/** Where callers' token buckets are kept. */
public interface TokenBuckets {

    /** Takes one request from the bucket of {@code key} under {@code limit}. */
    Mono<Quota> take(String key, Limit limit);
}
