package io.parley.chat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Objects;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

/**
 * Actuator is private in Kubernetes: every service serves it on a port of its own
 * (MANAGEMENT_SERVER_PORT, Spring Boot's management.server.port), the probes and the
 * ServiceMonitor use that port, no Service publishes it outside the cluster, and no Ingress
 * names it or routes a path under /actuator.
 */
class ManagementPortTest {

    static final String PORT_NAME = "management";

    static List<String> overlays() {
        return Overlays.all().toList();
    }

    static int managementPort(String overlay, String service) {
        Container container = Overlays.container(overlay, service);
        String env = container.getEnv().stream().filter(e -> e.getName().equals("MANAGEMENT_SERVER_PORT"))
                .map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": " + service + " sets no MANAGEMENT_SERVER_PORT"));
        ContainerPort declared = container.getPorts().stream().filter(p -> PORT_NAME.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": " + service + " declares no container port " + PORT_NAME));
        assertThat(declared.getContainerPort()).as(overlay + ": " + service + " management container port")
                .isEqualTo(Integer.parseInt(env));
        return declared.getContainerPort();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void probesUseTheManagementPortWhichIsNotTheServicePort(String overlay) {
        for (String service : Overlays.SERVICES) {
            Container container = Overlays.container(overlay, service);
            int management = managementPort(overlay, service);
            int http = container.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst().orElseThrow()
                    .getContainerPort();
            assertThat(management).as(overlay + ": " + service).isNotEqualTo(http);
            for (Probe probe : List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())) {
                IntOrString port = probe.getHttpGet().getPort();
                assertThat(PORT_NAME.equals(port.getStrVal()) || Objects.equals(port.getIntVal(), management))
                        .as(overlay + ": " + service + " probe " + probe.getHttpGet().getPath() + " on port " + port).isTrue();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void servicesKeepTheManagementPortInsideTheCluster(String overlay) {
        for (Service service : Overlays.ofKind(overlay, Service.class).toList()) {
            String name = service.getMetadata().getName();
            if (!Overlays.SERVICES.contains(name)) {
                continue;
            }
            assertThat(Objects.requireNonNullElse(service.getSpec().getType(), "ClusterIP"))
                    .as(overlay + ": Service " + name).isEqualTo("ClusterIP");
            int management = managementPort(overlay, name);
            for (ServicePort port : service.getSpec().getPorts()) {
                boolean targetsManagement = PORT_NAME.equals(port.getTargetPort().getStrVal())
                        || Objects.equals(port.getTargetPort().getIntVal(), management);
                assertThat(targetsManagement).as(overlay + ": Service " + name + " port " + port.getName())
                        .isEqualTo(PORT_NAME.equals(port.getName()));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theServiceMonitorScrapesTheManagementPort(String overlay) {
        for (ServiceMonitor monitor : Overlays.ofKind(overlay, ServiceMonitor.class).toList()) {
            for (Endpoint endpoint : monitor.getSpec().getEndpoints()) {
                assertThat(endpoint.getPort()).as(overlay + ": ServiceMonitor " + monitor.getMetadata().getName())
                        .isEqualTo(PORT_NAME);
                assertThat(endpoint.getPath()).isEqualTo("/actuator/prometheus");
            }
            assertThat(Overlays.ofKind(overlay, Service.class)
                    .filter(s -> Overlays.SERVICES.contains(s.getMetadata().getName()))
                    .filter(s -> s.getSpec().getPorts().stream().anyMatch(p -> PORT_NAME.equals(p.getName()))).count())
                    .as(overlay + ": every service's Service names the port the ServiceMonitor scrapes")
                    .isEqualTo(Overlays.SERVICES.size());
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noIngressNamesTheManagementPortOrRoutesActuator(String overlay) {
        List<Ingress> ingresses = Overlays.ofKind(overlay, Ingress.class).toList();
        assertThat(ingresses).as(overlay).isNotEmpty();
        for (Ingress ingress : ingresses) {
            assertThat(ingress.getSpec().getDefaultBackend()).as(overlay + ": a default backend routes every path").isNull();
            for (IngressRule rule : ingress.getSpec().getRules()) {
                for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                    String id = overlay + ": Ingress " + ingress.getMetadata().getName() + " path " + path.getPath();
                    var port = path.getBackend().getService().getPort();
                    assertThat(port.getName()).as(id + " backend port").isEqualTo("http");
                    for (String probe : List.of("/actuator", "/actuator/", "/actuator/health", "/actuator/prometheus")) {
                        assertThat(routes(path, probe)).as(id + " routes " + probe).isFalse();
                    }
                }
            }
        }
    }

    /** Whether an Ingress path routes the request path (ImplementationSpecific counts as Prefix, as ingress-nginx does). */
    static boolean routes(HTTPIngressPath path, String request) {
        String p = path.getPath();
        if ("Exact".equals(path.getPathType())) {
            return p.equals(request);
        }
        String prefix = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        return prefix.isEmpty() || request.equals(prefix) || request.startsWith(prefix + "/");
    }
}
