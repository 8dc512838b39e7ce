package io.parley.chat.gateway.ratelimit;

/**
 * What a caller's bucket said about one request.
 *
 * @param allowed    whether the request may pass
 * @param remaining  whole requests left in the bucket after this one, or -1 when unknown (Redis unavailable)
 * @param retryAfterMillis when refused, how long until one request's worth has refilled
 */
record Quota(boolean allowed, long remaining, long retryAfterMillis) {

    /** Redis did not answer: the request passes without a quota (fail open). */
    static final Quota UNKNOWN = new Quota(true, -1, 0);

    boolean known() {
        return remaining >= 0;
    }
}
