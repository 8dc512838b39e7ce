package io.parley.chat.auth.account.api;

import java.net.InetSocketAddress;
import java.util.regex.Pattern;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The address a login came from, for the login limits (per account and address, and per
 * address), or null when it cannot be told. A request from a trusted proxy (the gateway)
 * names its client in the last entry of {@code X-Forwarded-For}, the one that proxy
 * appended; entries before it were sent by the client and could be anything, so taking the
 * first would let an attacker pick a fresh "address" for every attempt. A request from anyone else is its remote address,
 * whatever headers it sends.
 *
 * <p>A trusted proxy that does not forward the client (Spring Cloud Gateway adds
 * {@code X-Forwarded-For} only when its {@code trusted-proxies} property is set) yields
 * null: counting every client behind the gateway as one address would let one attacker
 * lock everyone out, so the per-address limit is skipped and each account counts such
 * clients under one "unknown" address.
 */
final class ClientAddress {

    private static final int MAX_LENGTH = 64;

    private ClientAddress() {
    }

    static String of(ServerHttpRequest request, Pattern trustedProxies) {
        InetSocketAddress remote = request.getRemoteAddress();
        String remoteAddress = remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
        if (remoteAddress != null && !trustedProxies.matcher(remoteAddress).matches()) {
            return remoteAddress;
        }
        String forwarded = request.getHeaders().getFirst("X-Forwarded-For");
        if (forwarded == null || forwarded.isBlank()) {
            return null;
        }
        String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).strip();
        if (last.isEmpty()) {
            return null;
        }
        return last.length() > MAX_LENGTH ? last.substring(0, MAX_LENGTH) : last;
    }
}
