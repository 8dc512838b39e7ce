package io.parley.chat.gateway.clientaddress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.util.unit.DataSize;

import io.parley.chat.gateway.config.GatewayProperties;

class ClientFilterTest {

    private final ClientFilter behindProxy = filter(List.of("10.0.0.0/8", "fd00::/8"));
    private final ClientFilter direct = filter(List.of());

    @Test
    void untrustedPeerIsTheClientWhateverItForwards() {
        Client client = direct.resolve(request("203.0.113.9").header("X-Forwarded-For", "1.2.3.4")
                .header("X-Forwarded-Proto", "https").build());

        assertThat(client).isEqualTo(new Client("203.0.113.9", false));
    }

    @Test
    void trustedProxyNamesTheClientInTheRightmostUntrustedEntry() {
        Client client = behindProxy.resolve(request("10.1.2.3")
                .header("X-Forwarded-For", "6.6.6.6, 198.51.100.4, 10.9.9.9").build());

        assertThat(client.address()).isEqualTo("198.51.100.4");
    }

    @Test
    void everyHopTrustedMeansTheLeftmostIsTheClient() {
        assertThat(behindProxy.resolve(request("10.1.2.3").header("X-Forwarded-For", "10.4.4.4").build()).address())
                .isEqualTo("10.4.4.4");
    }

    @Test
    void garbageInForwardedForStopsAtTheLastTrustedHop() {
        assertThat(behindProxy.resolve(request("10.1.2.3").header("X-Forwarded-For", "evil.example, 10.4.4.4").build())
                .address()).isEqualTo("10.4.4.4");
    }

    @Test
    void trustedProxyWithoutForwardedForIsItself() {
        assertThat(behindProxy.resolve(request("fd00::1").build()).address()).isEqualTo("fd00:0:0:0:0:0:0:1");
    }

    @Test
    void httpsIsBelievedFromTrustedProxyOnly() {
        assertThat(behindProxy.resolve(request("10.1.2.3").header("X-Forwarded-Proto", "https").build()).secure()).isTrue();
        assertThat(behindProxy.resolve(request("10.1.2.3").build()).secure()).isFalse();
        assertThat(behindProxy.resolve(request("203.0.113.9").header("X-Forwarded-Proto", "https").build()).secure())
                .isFalse();
    }

    private static MockServerHttpRequest.BaseBuilder<?> request(String peer) {
        return MockServerHttpRequest.get("/api/v1/conversations").remoteAddress(new InetSocketAddress(peer, 40000));
    }

    private static ClientFilter filter(List<String> trusted) {
        return new ClientFilter(new GatewayProperties(trusted, List.of(), DataSize.ofKilobytes(64),
                new GatewayProperties.RateLimits(java.time.Duration.ofMillis(250), java.time.Duration.ofSeconds(5),
                        100_000, java.util.Map.of()),
                new GatewayProperties.CircuitBreaker(50, 20, 10, java.time.Duration.ofSeconds(10), 3),
                java.time.Duration.ofSeconds(10)));
    }
}
