package io.parley.chat.edge.socket;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.stereotype.Component;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.edge.config.EdgeProperties;
import io.parley.chat.edge.session.ClientSession;
import io.parley.chat.edge.session.EdgeDrain;
import io.parley.chat.kit.problem.ProblemResponses;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * {@code /ws}, served by Reactor Netty directly rather than through WebFlux. WebFlux
 * keeps a socket's whole handshake exchange (headers copied into Spring's maps, the
 * exchange and session attribute maps, the request's observation) for as long as the
 * socket is open, about 30 KB per idle connection; here a socket costs Netty's channel
 * and the few fields of its {@link ClientSession}.
 *
 * <p>Who may open a socket: a valid token in the {@code Authorization} header, or in a
 * {@code bearer.<jwt>} subprotocol for browsers (which cannot set headers on a
 * WebSocket), decoded by the same decoder the services' security chains use; and, for a
 * browser, an allowed Origin (cross-site WebSocket hijacking). Refusals are problem
 * documents: 403 from another site, 401 without a valid token, then 400 without an upgrade;
 * and 503 {@code draining} (retryable) from an edge that is shutting down.
 * Frames are read uncompressed, and up to 1 MB so that a frame over the protocol's
 * limit gets an {@code error} frame rather than a dropped socket.
 */
@Component
class SocketRoute implements NettyRouteProvider {

    static final String PATH = "/ws";
    /** Netty reads frames up to this size so the handler can refuse them politely; larger ones close the socket (1009). */
    static final int NETTY_FRAME_LIMIT = 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(SocketRoute.class);

    private final ChatSocketHandler handler;
    private final ReactiveJwtDecoder tokens;
    private final EdgeProperties properties;
    private final EdgeDrain drain;
    private final WebsocketServerSpec spec = WebsocketServerSpec.builder()
            .protocols(CloseCodes.SUBPROTOCOL)
            .maxFramePayloadLength(NETTY_FRAME_LIMIT)
            .compress(false)
            .handlePing(false)
            .build();

    SocketRoute(ChatSocketHandler handler, ReactiveJwtDecoder tokens, EdgeProperties properties, EdgeDrain drain) {
        this.handler = handler;
        this.tokens = tokens;
        this.properties = properties;
        this.drain = drain;
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.get(PATH, this::handshake);
    }

    private Publisher<Void> handshake(HttpServerRequest request, HttpServerResponse response) {
        if (drain.draining()) {
            // a socket opened now would be told to reconnect at once; the gateway tries another edge instead
            return refuse(response, HttpStatus.SERVICE_UNAVAILABLE, "draining",
                    "This edge is shutting down; connect again (another edge takes the socket).", true);
        }
        HttpHeaders headers = request.requestHeaders();
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !originAllowed(origin, headers.get(HttpHeaderNames.HOST))) {
            return refuse(response, HttpStatus.FORBIDDEN, "origin-not-allowed",
                    "This origin may not open a chat socket.", null);
        }
        String token = token(headers);
        if (token == null) {
            return refuse(response, HttpStatus.UNAUTHORIZED, "unauthorized", "A valid bearer token is required.", null);
        }
        return tokens.decode(token)
                .map(Optional::of)
                .onErrorResume(e -> e instanceof BadJwtException || e instanceof JwtValidationException,
                        invalid -> Mono.just(Optional.empty()))
                .flatMap(jwt -> {
                    if (jwt.isEmpty()) {
                        return refuse(response, HttpStatus.UNAUTHORIZED, "unauthorized", "A valid bearer token is required.", null);
                    }
                    // checked after the token, as the services' security chains do: a caller without one learns nothing more
                    if (!"websocket".equalsIgnoreCase(headers.get(HttpHeaderNames.UPGRADE))) {
                        return refuse(response, HttpStatus.BAD_REQUEST, "websocket-required",
                                "This endpoint speaks WebSocket only: send an upgrade request.", null);
                    }
                    return Mono.from(response.sendWebsocket((in, out) -> handler.serve(in, out, jwt.get()), spec));
                })
                .onErrorResume(e -> {
                    // the keys could not be read (auth-service out of reach): the token may well be good
                    log.warn("Handshake token check failed: {}", e.toString());
                    return refuse(response, HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
                            "Tokens cannot be checked right now; retry shortly.", true);
                });
    }

    /** The bearer token from the {@code Authorization} header, else from a {@code bearer.<jwt>} subprotocol; null if neither. */
    static String token(HttpHeaders headers) {
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        return headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL).stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::trim)
                .filter(p -> p.startsWith(CloseCodes.BEARER_SUBPROTOCOL_PREFIX)
                        && p.length() > CloseCodes.BEARER_SUBPROTOCOL_PREFIX.length())
                .map(p -> p.substring(CloseCodes.BEARER_SUBPROTOCOL_PREFIX.length()))
                .findFirst().orElse(null);
    }

    /** An allowed origin, or a page served by the same host:port (which is not cross-site). */
    private boolean originAllowed(String origin, String host) {
        if (properties.allowedOrigins().contains("*") || properties.allowedOrigins().contains(origin)) {
            return true;
        }
        return host != null && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
    }

    private static Mono<Void> refuse(HttpServerResponse response, HttpStatus status, String slug, String detail,
                                     Boolean retryable) {
        response.status(status.value()).header(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
        if (status == HttpStatus.UNAUTHORIZED) {
            response.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        return response.sendString(Mono.just(ProblemResponses.body(status, slug, detail, retryable)),
                StandardCharsets.UTF_8).then();
    }
}
