package io.parley.chat.gateway.routing;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.isAlreadyRouted;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.setAlreadyRouted;

import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.WebsocketRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.client.WebSocketClient;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Proxies WebSocket routes ({@code ws://} and {@code wss://} URIs) edge-first: it opens
 * the upstream connection before it answers the client, so that
 * <ul>
 * <li>the subprotocol the client gets is the one realtime-edge selected. Spring Cloud
 * Gateway's own {@link WebsocketRoutingFilter} answers the client first and picks the
 * first protocol the client offered, which for {@code bearer.<jwt>, chat.v1} echoes the
 * token back as the "selected" protocol;</li>
 * <li>a handshake the edge refuses (bad token: 401) reaches the client as that status,
 * not as an accepted upgrade that is closed at once;</li>
 * <li>an edge that is down is a 503 problem detail before any upgrade.</li>
 * </ul>
 * The client's {@code Sec-WebSocket-Protocol} list and its {@code Authorization} header go
 * to the edge unchanged (the edge authenticates the handshake itself); frames and close
 * codes (4001, 4003, 4008, ...) are relayed in both directions. Every relay is known to
 * {@link GatewayDrain}, which hands the clients over when the gateway stops; while it
 * does, a handshake is a 503 problem.
 *
 * <p>An edge instance that refuses the connection (down), closes it before answering the
 * handshake (its server is closing) or answers the handshake with a 503 (it is draining, or
 * cannot check tokens) never took the socket: the handshake is tried on the next
 * instance the load balancer gives, up to {@value #EDGE_ATTEMPTS} in all, before the client
 * gets the 503. So a rolling edge costs the clients it hands over one reconnect each, never a
 * chain of failed ones that lands on the draining edge again. With one instance (a Kubernetes
 * Service) the next try goes through the Service again, which has dropped the draining pod.
 */
@Component
class WebSocketProxyFilter implements GlobalFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(WebSocketProxyFilter.class);

    /**
     * Just before {@link WebsocketRoutingFilter}: this filter ends the chain for WebSocket
     * routes, so that one never runs for them. Its beans (client, handshake service) stay.
     */
    private static final int ORDER = Ordered.LOWEST_PRECEDENCE - 2;
    /** Edge instances tried for one handshake. */
    static final int EDGE_ATTEMPTS = 3;
    /** The instances ("host:port") that refused this exchange's handshake. */
    private static final String REFUSED_ATTR = WebSocketProxyFilter.class.getName() + ".refused";

    private final WebSocketClient edgeClient;
    private final WebSocketService webSocketService;
    private final ObjectProvider<List<HttpHeadersFilter>> headersFiltersProvider;
    private final GatewayDrain drain;
    private final ObjectProvider<LoadBalancerClientFactory> loadBalancers;
    private volatile List<HttpHeadersFilter> headersFilters;

    /**
     * Uses the gateway's own WebSocket client and handshake service, so the
     * {@code spring.cloud.gateway.server.webflux.httpclient.*} settings (connect timeout,
     * TLS, frame size, proxy pings) apply as they would to Spring Cloud Gateway's filter.
     */
    WebSocketProxyFilter(WebSocketClient edgeClient, WebSocketService webSocketService,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters, GatewayDrain drain,
            ObjectProvider<LoadBalancerClientFactory> loadBalancers) {
        this.edgeClient = edgeClient;
        this.webSocketService = webSocketService;
        this.headersFiltersProvider = headersFilters;
        this.drain = drain;
        this.loadBalancers = loadBalancers;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        URI upstream = exchange.getRequiredAttribute(GATEWAY_REQUEST_URL_ATTR);
        String scheme = upstream.getScheme().toLowerCase(Locale.ROOT);
        if (isAlreadyRouted(exchange) || !("ws".equals(scheme) || "wss".equals(scheme))) {
            return chain.filter(exchange);
        }
        setAlreadyRouted(exchange);
        ServerHttpRequest request = exchange.getRequest();
        if (!isHandshake(request)) {
            return Mono.error(new NotAWebSocketHandshake(request.getPath().value()));
        }
        if (drain.draining()) {
            return Mono.error(new GatewayDraining());
        }
        List<String> offered = offeredProtocols(request.getHeaders());
        HttpHeaders headers = upstreamHeaders(exchange);
        return Mono.defer(() -> proxy(exchange, upstream, headers, offered));
    }

    /**
     * The edge connection is subscribed on its own rather than nesting the client handshake
     * inside the edge's handler: Reactor Netty cancels a handler when its connection closes,
     * and a cancelled client session is closed without a status, so the edge's close code
     * (4001, 4008, ...) would never reach the client. The edge connection lives until the
     * bridge releases it, and is cancelled if the exchange is cancelled first.
     */
    private Mono<Void> proxy(ServerWebExchange exchange, URI upstream, HttpHeaders headers, List<String> offered) {
        Sinks.Empty<Void> released = Sinks.empty();
        AtomicReference<Disposable> connection = new AtomicReference<>(Disposables.disposed());
        return connect(exchange, upstream, headers, offered, released, connection, EDGE_ATTEMPTS)
                .doOnSuccess(edge -> handshakeAnswered(exchange))
                .doOnError(error -> handshakeAnswered(exchange))
                .doOnCancel(() -> handshakeAnswered(exchange))
                .flatMap(edge -> webSocketService.handleRequest(normalizedProtocols(exchange, offered),
                        new ClientSide(edge, released, drain)))
                .doOnError(error -> released.tryEmitEmpty())
                .doOnCancel(() -> {
                    released.tryEmitEmpty();
                    connection.get().dispose();
                });
    }

    /** The edge session from {@code upstream}, or from the next instances when it refuses (see the class comment). */
    private Mono<WebSocketSession> connect(ServerWebExchange exchange, URI upstream, HttpHeaders headers,
            List<String> offered, Sinks.Empty<Void> released, AtomicReference<Disposable> connection, int attempts) {
        Sinks.One<WebSocketSession> accepted = Sinks.one();
        connection.set(edgeClient.execute(upstream, headers, new EdgeSide(offered, accepted, released))
                .subscribe(null, accepted::tryEmitError, accepted::tryEmitEmpty));
        return accepted.asMono().onErrorResume(error -> attempts > 1 && instanceRefused(error),
                error -> nextInstance(exchange, upstream)
                        .switchIfEmpty(Mono.error(error))
                        .flatMap(next -> connect(exchange, next, headers, offered, released, connection, attempts - 1)));
    }

    /**
     * Ends the gateway's span of the call to the edge (Spring Cloud Gateway's observation, which
     * {@link #upstreamHeaders} started and whose {@code traceparent} the edge's handshake
     * continues) once the edge answered the handshake. The HTTP routes end it when the answer's
     * headers pass the response filters; a socket's upstream answer never does, so the span
     * covers the handshake rather than the socket's life, and is exported at all.
     */
    private void handshakeAnswered(ServerWebExchange exchange) {
        HttpHeadersFilter.filter(headersFilters, new HttpHeaders(), exchange, HttpHeadersFilter.Type.RESPONSE);
    }

    /**
     * The connection refused, closed before the handshake was answered (an edge whose server is
     * closing), or the handshake answered 503: that instance never took the socket.
     */
    private static boolean instanceRefused(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof PrematureCloseException) {
                return true;
            }
            if (t instanceof WebSocketClientHandshakeException handshake) {
                return handshake.response() == null || handshake.response().status().code() == 503;
            }
        }
        return false;
    }

    /**
     * {@code tried} with the host and port of the next instance the route's load balancer gives
     * that has not refused this handshake yet (concurrent handshakes share its round robin, so
     * the next pick may be the refusing one again); the same instance again when there is no
     * other (one Kubernetes Service); empty without a load balancer.
     */
    private Mono<URI> nextInstance(ServerWebExchange exchange, URI tried) {
        Response<ServiceInstance> chosen = exchange.getAttribute(GATEWAY_LOADBALANCER_RESPONSE_ATTR);
        LoadBalancerClientFactory factory = loadBalancers.getIfAvailable();
        if (chosen == null || !chosen.hasServer() || factory == null) {
            return Mono.empty();
        }
        var balancer = factory.getInstance(chosen.getServer().getServiceId());
        if (balancer == null) {
            return Mono.empty();
        }
        @SuppressWarnings("unchecked")
        Set<String> refused = (Set<String>) exchange.getAttributes().computeIfAbsent(REFUSED_ATTR,
                key -> ConcurrentHashMap.newKeySet());
        refused.add(tried.getHost() + ":" + tried.getPort());
        return Mono.defer(() -> Mono.from(balancer.choose(new DefaultRequest<>())))
                .filter(Response::hasServer)
                .map(Response::getServer)
                .repeat(EDGE_ATTEMPTS * 2L)
                .filter(instance -> !refused.contains(instance.getHost() + ":" + instance.getPort()))
                .next()
                .map(next -> UriComponentsBuilder.fromUri(tried).host(next.getHost()).port(next.getPort()).build(true)
                        .toUri())
                .defaultIfEmpty(tried);
    }

    private static boolean isHandshake(ServerHttpRequest request) {
        return HttpMethod.GET.equals(request.getMethod())
                && "websocket".equalsIgnoreCase(request.getHeaders().getUpgrade());
    }

    /** Browsers send {@code chat.v1, bearer.<jwt>}: split on commas, trimmed, order kept. */
    private static List<String> offeredProtocols(HttpHeaders headers) {
        return headers.getValuesAsList(WebsocketRoutingFilter.SEC_WEBSOCKET_PROTOCOL).stream()
                .flatMap(value -> List.of(StringUtils.tokenizeToStringArray(value, ",")).stream())
                .toList();
    }

    /**
     * The client's headers as the HTTP routes relay them (hop-by-hop headers removed,
     * forwarding headers added), minus {@code Host} and the {@code Sec-WebSocket-*}
     * headers: the upstream handshake has its own key, and the protocols go in it.
     */
    private HttpHeaders upstreamHeaders(ServerWebExchange exchange) {
        if (headersFilters == null) {
            // resolved on first use, as Spring Cloud Gateway does: the filters are beans that may depend on routes
            headersFilters = headersFiltersProvider.getIfAvailable(List::of);
        }
        HttpHeaders filtered = HttpHeadersFilter.filterRequest(headersFilters, exchange);
        HttpHeaders headers = new HttpHeaders();
        filtered.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals("host") && !lower.startsWith("sec-websocket")) {
                headers.addAll(name, values);
            }
        });
        return headers;
    }

    /** The upstream session: hands the accepted session out and holds it until the bridge releases it. */
    private static final class EdgeSide implements WebSocketHandler {

        private final List<String> offered;
        private final Sinks.One<WebSocketSession> accepted;
        private final Sinks.Empty<Void> released;

        EdgeSide(List<String> offered, Sinks.One<WebSocketSession> accepted, Sinks.Empty<Void> released) {
            this.offered = offered;
            this.accepted = accepted;
            this.released = released;
        }

        @Override
        public List<String> getSubProtocols() {
            return offered;
        }

        @Override
        public Mono<Void> handle(WebSocketSession edge) {
            accepted.tryEmitValue(edge);
            return released.asMono();
        }
    }

    /**
     * Spring's handshake service splits the protocol header on commas without trimming, so
     * {@code bearer.x, chat.v1} would not match {@code chat.v1}: hand it a normalized list.
     */
    private static ServerWebExchange normalizedProtocols(ServerWebExchange exchange, List<String> offered) {
        if (offered.isEmpty()) {
            return exchange;
        }
        return exchange.mutate()
                .request(request -> request.headers(headers -> headers.set(
                        WebsocketRoutingFilter.SEC_WEBSOCKET_PROTOCOL, String.join(",", offered))))
                .build();
    }

    /** The client session: spliced to the edge session frame by frame until both have ended ({@link ProxiedSocket}). */
    private static final class ClientSide implements WebSocketHandler {

        private final WebSocketSession edge;
        private final String selected;
        private final Sinks.Empty<Void> released;
        private final GatewayDrain drain;

        /** Offers the client exactly the subprotocol the edge selected, or none if it selected none. */
        ClientSide(WebSocketSession edge, Sinks.Empty<Void> released, GatewayDrain drain) {
            this.edge = edge;
            this.selected = edge.getHandshakeInfo().getSubProtocol();
            this.released = released;
            this.drain = drain;
        }

        @Override
        public List<String> getSubProtocols() {
            return selected == null ? List.of() : List.of(selected);
        }

        @Override
        public Mono<Void> handle(WebSocketSession client) {
            ProxiedSocket socket = ProxiedSocket.splice(client, edge, drain::relayed);
            drain.admitted(socket);
            return socket.ended().doFinally(signal -> {
                drain.left(socket);
                released.tryEmitEmpty();
            });
        }
    }
}
