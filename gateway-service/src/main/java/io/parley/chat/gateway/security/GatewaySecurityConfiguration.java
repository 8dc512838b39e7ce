package io.parley.chat.gateway.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

import io.parley.chat.kit.security.ChatSecurityProperties;
import reactor.core.publisher.Mono;

/**
 * The edge JWT check: every request needs a valid token (service-kit's decoder: ES256,
 * issuer, audience, expiry) except the public paths, and a request without one is
 * answered 401 here and never forwarded. The original {@code Authorization} header is
 * relayed downstream unchanged, and every service validates it again.
 *
 * <p>This replaces service-kit's chain for one reason: on a public path the token is not
 * looked at at all. With service-kit's chain a public path is only "permitted", and a
 * token that is present is still validated, so a client whose access token has expired
 * gets 401 from {@code /api/v1/auth/refresh} (exactly the call it needs) and from
 * {@code /ws}, where realtime-edge should decide. Everything else mirrors service-kit.
 */
@Configuration(proxyBeanMethods = false)
class GatewaySecurityConfiguration {

    /** The same paths service-kit always leaves open: probes and Prometheus. */
    private static final List<String> ALWAYS_PUBLIC = List.of("/actuator/health/**", "/actuator/prometheus",
            "/actuator/info");

    @Bean
    SecurityWebFilterChain gatewaySecurityFilterChain(ServerHttpSecurity http, ChatSecurityProperties properties) {
        List<String> open = new ArrayList<>(ALWAYS_PUBLIC);
        open.addAll(properties.publicPaths());
        ServerWebExchangeMatcher publicPaths = ServerWebExchangeMatchers.pathMatchers(open.toArray(String[]::new));
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .authorizeExchange(exchanges -> exchanges.matchers(publicPaths).permitAll()
                        .anyExchange().authenticated())
                .oauth2ResourceServer(rs -> rs
                        .bearerTokenConverter(ignoringTokenOn(publicPaths))
                        .jwt(jwt -> { })
                        .authenticationEntryPoint((exchange, e) -> ProblemResponses.write(exchange,
                                HttpStatus.UNAUTHORIZED, "unauthorized", "A valid bearer token is required."))
                        .accessDeniedHandler((exchange, e) -> ProblemResponses.write(exchange,
                                HttpStatus.FORBIDDEN, "forbidden", "The token does not allow this request.")))
                .build();
    }

    private static ServerAuthenticationConverter ignoringTokenOn(ServerWebExchangeMatcher publicPaths) {
        ServerBearerTokenAuthenticationConverter bearer = new ServerBearerTokenAuthenticationConverter();
        return exchange -> publicPaths.matches(exchange)
                .flatMap(match -> match.isMatch() ? Mono.empty() : bearer.convert(exchange));
    }
}
