package io.parley.chat.kit.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import org.springframework.web.server.ServerWebExchange;

import com.github.benmanes.caffeine.cache.Ticker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.parley.chat.kit.problem.ProblemResponses;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Every service is an OAuth2 resource server that validates tokens itself (no service
 * trusts a header it did not verify): ES256 only, issuer and audience pinned, expiry
 * with a small skew. Health and metrics stay open for probes and Prometheus. A service
 * that accepts tokens elsewhere than the {@code Authorization} header (the edge reads the
 * WebSocket subprotocol too) declares a {@link ServerAuthenticationConverter} bean.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration" },
        afterName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@EnableConfigurationProperties(ChatSecurityProperties.class)
@EnableWebFluxSecurity
public class ChatSecurityAutoConfiguration {

    private static final String[] ALWAYS_PUBLIC = { "/actuator/health/**", "/actuator/prometheus", "/actuator/info" };

    /**
     * The decoder of a service that verifies against auth-service's JWKS over HTTP, with the
     * keys read on a timer rather than per unknown kid ({@link JwksKeys}). A service with a
     * decoder of its own (auth-service reads its key store) gets neither bean.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(ReactiveJwtDecoder.class)
    static class JwksDecoder {

        @Bean
        JwksKeys jwksKeys(ChatSecurityProperties properties, ObjectProvider<WebClient.Builder> http,
                          ObjectProvider<MeterRegistry> metrics) {
            // without a registry of the service's, an empty composite: the counters count into nothing
            return new JwksKeys(http.getIfAvailable(WebClient::builder).build(), properties.jwksUri(), properties.jwks(),
                    metrics.getIfAvailable(CompositeMeterRegistry::new), Schedulers.parallel(), Ticker.systemTicker());
        }

        @Bean
        ReactiveJwtDecoder jwtDecoder(JwksKeys keys, ChatSecurityProperties properties, RevokedSessions revoked) {
            // the key that replaces a revoked one signs at once: its first token may read the JWKS without waiting a gap
            revoked.onKeyRevoked(kid -> keys.expectNewKey());
            return revoked.refusing(new CachingJwtDecoder(decoder(keys, properties), properties.clockSkew()));
        }
    }

    /** The logins that ended, for the decoder to refuse their tokens; auth-service's decoder uses it too. */
    @Bean
    @ConditionalOnMissingBean
    RevokedSessions revokedSessions(ChatSecurityProperties properties, ObjectProvider<WebClient.Builder> http,
                                    ObjectProvider<MeterRegistry> metrics) {
        ChatSecurityProperties.Revocations revocations = properties.revocations();
        // a full page of the list is larger than the services' 64 KB default for a body held in memory
        WebClient client = http.getIfAvailable(WebClient::builder)
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(RevokedSessions.MAX_PAGE_BYTES)).build();
        return new RevokedSessions(client, revocations.uri(),
                revocations.pollEvery(), revocations.remember(), metrics.getIfAvailable(CompositeMeterRegistry::new));
    }

    /** Verifies ES256 signatures with the keys {@code keys} holds, and applies {@link #tokenValidator}. */
    static NimbusReactiveJwtDecoder decoder(JwksKeys keys, ChatSecurityProperties properties) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSource(keys::keysFor)
                .jwsAlgorithm(SignatureAlgorithm.ES256)
                .build();
        decoder.setJwtValidator(tokenValidator(properties));
        return decoder;
    }

    /** The claim checks every service applies; auth-service reuses them for its own decoder. */
    public static OAuth2TokenValidator<Jwt> tokenValidator(ChatSecurityProperties properties) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(new JwtTimestampValidator(properties.clockSkew()));
        validators.add(new JwtIssuerValidator(properties.issuer()));
        validators.add(new JwtClaimValidator<List<String>>("aud",
                aud -> aud != null && aud.contains(properties.audience())));
        validators.add(new JwtClaimValidator<String>("sub", sub -> sub != null && !sub.isBlank()));
        validators.add(new JwtClaimValidator<String>(ChatPrincipal.TENANT_CLAIM, tid -> tid != null && !tid.isBlank()));
        return new DelegatingOAuth2TokenValidator<>(validators);
    }

    @Bean
    @ConditionalOnMissingBean
    SecurityWebFilterChain chatSecurityFilterChain(ServerHttpSecurity http, ChatSecurityProperties properties,
            ObjectProvider<ServerAuthenticationConverter> tokenConverter) {
        List<String> open = new ArrayList<>(List.of(ALWAYS_PUBLIC));
        open.addAll(properties.publicPaths());
        ServerAuthenticationConverter tokens = tokenConverter.getIfAvailable(ServerBearerTokenAuthenticationConverter::new);
        ServerWebExchangeMatcher publicPaths = ServerWebExchangeMatchers.pathMatchers(open.toArray(String[]::new));
        // A public path ignores any bearer token: a client calls /auth/refresh precisely because its
        // access token expired, and many clients attach that stale token to every call.
        ServerAuthenticationConverter converter = exchange -> publicPaths.matches(exchange)
                .flatMap(match -> match.isMatch() ? Mono.empty() : tokens.convert(exchange));
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .authorizeExchange(ex -> ex.pathMatchers(open.toArray(String[]::new)).permitAll()
                        .anyExchange().authenticated())
                .oauth2ResourceServer(rs -> rs.jwt(jwt -> { })
                        .bearerTokenConverter(converter)
                        .authenticationEntryPoint((exchange, e) -> ProblemResponses.write(exchange, HttpStatus.UNAUTHORIZED,
                                "unauthorized", "A valid bearer token is required."))
                        .accessDeniedHandler((exchange, e) -> ProblemResponses.write(exchange, HttpStatus.FORBIDDEN,
                                "forbidden", "The token does not allow this request.")))
                .build();
    }

    @Bean
    WebFluxConfigurer chatPrincipalResolver() {
        return new WebFluxConfigurer() {
            @Override
            public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
                configurer.addCustomResolver(new ChatPrincipalArgumentResolver());
            }
        };
    }

    /** Lets controllers declare a {@link ChatPrincipal} parameter for the verified caller. */
    static final class ChatPrincipalArgumentResolver implements HandlerMethodArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.getParameterType() == ChatPrincipal.class;
        }

        @Override
        public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext context,
                                            ServerWebExchange exchange) {
            return exchange.getPrincipal()
                    .ofType(JwtAuthenticationToken.class)
                    .map(auth -> ChatPrincipal.from(auth.getToken()));
        }
    }
}
