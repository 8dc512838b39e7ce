package io.parley.chat.edge.session;

import java.util.List;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.WebFilter;

import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.edge.config.EdgeProperties;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * {@code /ws}: who may open a socket (a valid token in the {@code Authorization} header,
 * or in a {@code bearer.<jwt>} subprotocol for browsers, which cannot set headers on a
 * WebSocket; and an allowed Origin), and how frames are read (compression off, large
 * frames read far enough to answer them with an error instead of dropping the socket).
 */
@Configuration(proxyBeanMethods = false)
class WebSocketConfig {

    /** Netty reads frames up to this size so the handler can refuse them politely; larger ones close the socket (1009). */
    private static final int NETTY_FRAME_LIMIT = 1024 * 1024;

    @Bean
    HandlerMapping webSocketMapping(ChatSocketHandler handler) {
        return new SimpleUrlHandlerMapping(Map.of("/ws", handler), -1);
    }

    @Bean
    WebSocketHandlerAdapter webSocketHandlerAdapter() {
        WebsocketServerSpec.Builder spec = WebsocketServerSpec.builder()
                .maxFramePayloadLength(NETTY_FRAME_LIMIT)
                .compress(false)
                .handlePing(false);
        return new WebSocketHandlerAdapter(new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(spec)));
    }

    /** Reads the token from the header, or from the subprotocol list a browser offers. */
    @Bean
    ServerAuthenticationConverter webSocketTokenConverter() {
        ServerBearerTokenAuthenticationConverter header = new ServerBearerTokenAuthenticationConverter();
        return exchange -> header.convert(exchange).switchIfEmpty(Mono.defer(() -> {
            List<String> offered = exchange.getRequest().getHeaders().getOrEmpty("Sec-WebSocket-Protocol");
            return Mono.justOrEmpty(offered.stream()
                    .flatMap(value -> java.util.Arrays.stream(value.split(",")))
                    .map(String::trim)
                    .filter(p -> p.startsWith(CloseCodes.BEARER_SUBPROTOCOL_PREFIX))
                    .map(p -> new BearerTokenAuthenticationToken(p.substring(CloseCodes.BEARER_SUBPROTOCOL_PREFIX.length())))
                    .findFirst());
        }));
    }

    /**
     * Refuses a browser handshake from an origin that is not allowed (cross-site
     * WebSocket hijacking); native clients send no Origin and are judged by their token.
     */
    @Bean
    WebFilter originFilter(EdgeProperties properties) {
        return (exchange, chain) -> {
            String origin = exchange.getRequest().getHeaders().getOrigin();
            boolean upgrade = "websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getUpgrade());
            if (upgrade && origin != null && !properties.allowedOrigins().contains("*")
                    && !properties.allowedOrigins().contains(origin) && !sameOrigin(origin, exchange)) {
                exchange.getResponse().setStatusCode(HttpStatus.FORBIDDEN);
                exchange.getResponse().getHeaders().set(HttpHeaders.CONTENT_TYPE, "application/problem+json");
                return exchange.getResponse().writeWith(Mono.just(exchange.getResponse().bufferFactory().wrap(
                        ("{\"type\":\"https://parley.dev/problems/origin-not-allowed\",\"title\":\"Forbidden\","
                                + "\"status\":403,\"detail\":\"This origin may not open a chat socket.\"}").getBytes())));
            }
            return chain.filter(exchange);
        };
    }

    /** A page served by the same host:port is not cross-site. */
    private static boolean sameOrigin(String origin, org.springframework.web.server.ServerWebExchange exchange) {
        String host = exchange.getRequest().getHeaders().getFirst(HttpHeaders.HOST);
        if (host == null) {
            return false;
        }
        return origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host);
    }
}
