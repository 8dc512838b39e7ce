package io.parley.chat.gateway.routing;

import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * The gateway's upstream connections (REST and the edge's WebSockets) run on the server's
 * event loops, and a connection opened from a server loop stays on that loop (Reactor
 * Netty colocates client connections). So a client socket and the edge socket it is
 * spliced to share one thread: a relayed frame is written where it was read, with no hand
 * over to another loop and no wake-up of another thread. Left to its defaults, Spring
 * Cloud Gateway's client ran on Reactor Netty's global loops, a second set of threads
 * beside the server's, and every frame crossed between them.
 */
@Configuration(proxyBeanMethods = false)
class EventLoopConfiguration {

    @Bean
    HttpClientCustomizer serverEventLoops(ReactorResourceFactory resources) {
        return client -> client.runOn(resources.getLoopResources());
    }
}
