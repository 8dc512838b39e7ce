package io.parley.chat.gateway.routing;

import org.springframework.cloud.gateway.filter.headers.observation.DefaultGatewayObservationConvention;
import org.springframework.stereotype.Component;

/**
 * Names the observation of each call the gateway routes to a service
 * {@value #NAME}, so that its timer ({@code spring_cloud_gateway_http_client_requests_seconds},
 * by route, method and status) can be registered beside the gateway's own WebClient calls
 * (JWKS, the lists of ended logins). Spring Cloud Gateway names it {@code http.client.requests}
 * like WebClient's, with other tags, and Prometheus takes one set of tag keys per name: the
 * second to register was refused (a warning at the first routed request), and with it every
 * routed call's timing. The span of the call, and the {@code traceparent} it hands the
 * service, are unchanged.
 */
@Component
class RoutedCallObservation extends DefaultGatewayObservationConvention {

    static final String NAME = "spring.cloud.gateway.http.client.requests";

    @Override
    public String getName() {
        return NAME;
    }
}
