package io.parley.chat.auth.account.api;

import java.net.InetSocketAddress;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The address a login came from, for the per-address limit. auth-service is reached only
 * through the gateway, which appends the address it accepted the connection from to
 * {@code X-Forwarded-For}. The last entry is therefore the one our own first hop wrote;
 * entries before it were sent by the client and could be anything, so taking the first
 * would let an attacker pick a fresh "address" for every attempt.
 */
final class ClientAddress {

    private static final int MAX_LENGTH = 64;

    private ClientAddress() {
    }

    static String of(ServerHttpRequest request) {
        String forwarded = request.getHeaders().getFirst("X-Forwarded-For");
        if (forwarded != null && !forwarded.isBlank()) {
            String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).strip();
            if (!last.isEmpty()) {
                return last.length() > MAX_LENGTH ? last.substring(0, MAX_LENGTH) : last;
            }
        }
        InetSocketAddress remote = request.getRemoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
    }
}
