package io.parley.chat.gateway;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.TestInfrastructure;

/**
 * A gateway of its own, with settings the shared test context does not have (two
 * replicas, a small circuit breaker), in front of one stand-in upstream for every route.
 *
 * <p>It is closed when the JVM exits, never earlier: closing a gateway context disposes
 * Reactor Netty's global event loops, which the other ITs' gateway and stand-in servers
 * in this JVM still use (Spring's cached test contexts close at exit the same way).
 */
final class GatewayReplica {

    private final ConfigurableApplicationContext context;
    private final String url;
    private final WebTestClient client;

    private GatewayReplica(ConfigurableApplicationContext context) {
        this.context = context;
        this.url = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
        this.client = WebTestClient.bindToServer()
                .baseUrl(url)
                .responseTimeout(Duration.ofSeconds(15))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(context::close, "gateway-replica-stop"));
    }

    /** Settings as {@code --name=value}; one that names a default below replaces it (a repeated argument would join both). */
    static GatewayReplica start(UpstreamServer upstream, String... settings) {
        Map<String, String> args = new LinkedHashMap<>();
        for (String setting : List.of(
                "--server.port=0",
                "--AUTH_URL=" + upstream.url(),
                "--CONVERSATION_URL=" + upstream.url(),
                "--MESSAGE_URL=" + upstream.url(),
                "--PRESENCE_URL=" + upstream.url(),
                "--chat.security.jwks-uri=" + TestInfrastructure.tokens().jwksUri(),
                "--spring.data.redis.host=" + TestInfrastructure.redis().host(),
                "--spring.data.redis.port=" + TestInfrastructure.redis().port())) {
            args.put(setting.substring(0, setting.indexOf('=')), setting);
        }
        for (String setting : settings) {
            args.put(setting.substring(0, setting.indexOf('=')), setting);
        }
        return new GatewayReplica(new SpringApplicationBuilder(GatewayApplication.class)
                .run(args.values().toArray(String[]::new)));
    }

    String url() {
        return url;
    }

    WebTestClient client() {
        return client;
    }

    /**
     * What closing the context does first (the drain runs in the highest shutdown phase), without
     * closing it: see above. Returns once the drain is done.
     */
    void drain() {
        context.getBean("gatewayDrain", Lifecycle.class).stop();
    }
}
