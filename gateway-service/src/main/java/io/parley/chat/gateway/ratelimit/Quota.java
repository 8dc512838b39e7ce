package io.parley.chat.gateway.ratelimit;

/**
 * What a caller's bucket said about one request.
 *
 * @param allowed    whether the request may pass
 * @param remaining  whole requests left in the bucket after this one
 * @param retryAfterMillis when refused, how long until one request's worth has refilled
 */
public record Quota(boolean allowed, long remaining, long retryAfterMillis) {
}
