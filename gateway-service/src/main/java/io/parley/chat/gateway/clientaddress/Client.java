package io.parley.chat.gateway.clientaddress;

import org.springframework.web.server.ServerWebExchange;

/**
 * Who is at the other end of a request, as far as the gateway can tell: the client's
 * address (its own, or the one a trusted proxy names) and whether it reached the edge
 * over TLS. Resolved once per request by {@link ClientFilter}.
 *
 * @param address the client's IP address; never a value a client could choose freely
 * @param secure  true when the request came over TLS, to the gateway or to a trusted proxy
 */
public record Client(String address, boolean secure) {

    static final String ATTRIBUTE = Client.class.getName();

    /** The client of a request that passed {@link ClientFilter}. */
    public static Client of(ServerWebExchange exchange) {
        Client client = exchange.getAttribute(ATTRIBUTE);
        return client == null ? new Client("unknown", exchange.getRequest().getSslInfo() != null) : client;
    }
}
