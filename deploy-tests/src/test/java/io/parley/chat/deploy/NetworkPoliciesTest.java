package io.parley.chat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

/**
 * The NetworkPolicies of every overlay admit exactly the calls the services' own configuration
 * makes ({@link CallGraph}): each needed caller -> callee pair on the callee's port, and no pair
 * more. The policies are evaluated as the API defines them (pod and namespace selectors, ports by
 * number or name, a rule without {@code from} or {@code ports} admitting all), against the pods the
 * overlay renders.
 */
class NetworkPoliciesTest {

    private static final CallGraph GRAPH = new CallGraph(Overlays.SERVICES);
    private static final Set<String> STORES = Set.of(CallGraph.KAFKA, CallGraph.REDIS, CallGraph.MONGO);

    /** A pod as a policy sees it: its labels, its namespace's labels, its container ports. */
    record Pod(String name, Map<String, String> labels, Map<String, String> namespaceLabels, List<ContainerPort> ports) {
    }

    static Stream<String> overlaysWithPolicies() {
        List<String> found = Overlays.all()
                .filter(o -> Overlays.ofKind(o, NetworkPolicy.class).findAny().isPresent()).toList();
        assertThat(found).contains("k8s/overlays/local", "k8s/overlays/prod");
        return found.stream();
    }

    @Test
    void theCallGraphIsReadFromTheServicesConfiguration() {
        // What the configuration says today; a change here is a change of the cluster's call graph.
        assertThat(GRAPH.port("gateway-service")).isEqualTo(8080);
        assertThat(GRAPH.port("realtime-edge")).isEqualTo(8085);
        assertThat(GRAPH.callees("gateway-service")).containsExactlyInAnyOrder("auth-service", "conversation-service",
                "message-service", "presence-service", "realtime-edge", CallGraph.REDIS);
        assertThat(GRAPH.callees("realtime-edge")).containsExactlyInAnyOrder("auth-service", "conversation-service",
                "message-service", "presence-service", CallGraph.KAFKA);
        assertThat(GRAPH.callees("auth-service")).contains(CallGraph.KAFKA, CallGraph.MONGO);
    }

    @ParameterizedTest
    @MethodSource("overlaysWithPolicies")
    void theServiceAddressesOfTheOverlayUseTheServicesPorts(String overlay) {
        ConfigMap endpoints = Overlays.ofKind(overlay, ConfigMap.class)
                .filter(c -> c.getMetadata().getName().startsWith("parley-endpoints")).findFirst().orElseThrow();
        Map<String, String> expected = Map.of("AUTH_URL", "auth-service", "CONVERSATION_URL", "conversation-service",
                "MESSAGE_URL", "message-service", "PRESENCE_URL", "presence-service", "EDGE_URL", "realtime-edge",
                "JWKS_URI", "auth-service");
        expected.forEach((key, service) -> assertThat(endpoints.getData().get(key)).as(overlay + " " + key)
                .matches("(https?|wss?)://" + service + ":" + GRAPH.port(service) + "(/.*)?"));
    }

    @ParameterizedTest
    @MethodSource("overlaysWithPolicies")
    void everyCallTheConfigurationMakesIsAdmittedAndNoOther(String overlay) {
        Map<String, Pod> pods = pods(overlay);
        List<NetworkPolicy> policies = Overlays.ofKind(overlay, NetworkPolicy.class).toList();
        Set<String> callees = new TreeSet<>(Overlays.SERVICES);
        STORES.stream().filter(pods::containsKey).forEach(callees::add);

        List<String> missing = new java.util.ArrayList<>();
        List<String> extra = new java.util.ArrayList<>();
        for (String caller : Overlays.SERVICES) {
            Set<String> calls = GRAPH.callees(caller);
            for (String callee : callees) {
                Pod to = pods.get(callee);
                boolean needed = calls.contains(callee);
                if (needed) {
                    int port = STORES.contains(callee) ? GRAPH.storePort(caller, callee) : GRAPH.port(callee);
                    if (!admits(policies, pods.get(caller), to, port)) {
                        missing.add(caller + " -> " + callee + ":" + port);
                    }
                } else {
                    for (ContainerPort port : to.ports()) {
                        if (admits(policies, pods.get(caller), to, port.getContainerPort())) {
                            extra.add(caller + " -> " + callee + ":" + port.getContainerPort());
                        }
                    }
                }
            }
        }
        assertThat(missing).as(overlay + ": calls in the services' configuration that the NetworkPolicies refuse").isEmpty();
        assertThat(extra).as(overlay + ": pairs the NetworkPolicies admit that no configuration calls").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlaysWithPolicies")
    void fromOutsideTheNamespaceOnlyTheIngressControllerReachesTheGatewayAndPrometheusTheManagementPorts(String overlay) {
        Map<String, Pod> pods = pods(overlay);
        List<NetworkPolicy> policies = Overlays.ofKind(overlay, NetworkPolicy.class).toList();
        for (String callee : Overlays.SERVICES) {
            for (String namespace : List.of("ingress-nginx", "monitoring", "default", "kube-system")) {
                Pod outsider = new Pod(namespace + "/some-pod", Map.of("app.kubernetes.io/name", "some-pod"),
                        Map.of("kubernetes.io/metadata.name", namespace), List.of());
                for (ContainerPort port : pods.get(callee).ports()) {
                    boolean expected = namespace.equals("monitoring") && port.getName().equals(ManagementPortTest.PORT_NAME)
                            || namespace.equals("ingress-nginx") && callee.equals("gateway-service") && port.getName().equals("http");
                    assertThat(admits(policies, outsider, pods.get(callee), port.getContainerPort()))
                            .as(overlay + ": " + namespace + " -> " + callee + ":" + port.getName()).isEqualTo(expected);
                }
            }
        }
        for (String store : STORES) {
            if (pods.containsKey(store)) {
                Pod outsider = new Pod("monitoring/x", Map.of(), Map.of("kubernetes.io/metadata.name", "monitoring"), List.of());
                assertThat(pods.get(store).ports().stream()
                        .anyMatch(p -> admits(policies, outsider, pods.get(store), p.getContainerPort())))
                        .as(overlay + ": another namespace -> " + store).isFalse();
            }
        }
    }

    /** The overlay's pods by app.kubernetes.io/name, from Deployments, StatefulSets and Jobs. */
    static Map<String, Pod> pods(String overlay) {
        Map<String, String> namespaceLabels = new HashMap<>();
        Overlays.ofKind(overlay, Namespace.class).filter(n -> n.getMetadata().getName().equals("parley"))
                .forEach(n -> namespaceLabels.putAll(Objects.requireNonNullElse(n.getMetadata().getLabels(), Map.of())));
        namespaceLabels.put("kubernetes.io/metadata.name", "parley");
        Map<String, Pod> pods = new LinkedHashMap<>();
        for (HasMetadata object : Overlays.render(overlay)) {
            PodTemplateSpec template = object instanceof Deployment d ? d.getSpec().getTemplate()
                    : object instanceof StatefulSet s ? s.getSpec().getTemplate()
                    : object instanceof Job j ? j.getSpec().getTemplate() : null;
            if (template == null) {
                continue;
            }
            Map<String, String> labels = template.getMetadata().getLabels();
            String name = labels.get("app.kubernetes.io/name");
            List<ContainerPort> ports = template.getSpec().getContainers().stream()
                    .flatMap(c -> Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of()).stream()).toList();
            pods.put(name, new Pod(name, labels, namespaceLabels, ports));
        }
        assertThat(pods).as(overlay).containsKeys(Overlays.SERVICES.toArray(String[]::new));
        return pods;
    }

    /** Whether the policies let {@code from} open a connection to {@code to} on {@code port}. */
    static boolean admits(List<NetworkPolicy> policies, Pod from, Pod to, int port) {
        List<NetworkPolicy> isolating = policies.stream()
                .filter(p -> p.getSpec().getPolicyTypes() == null || p.getSpec().getPolicyTypes().isEmpty()
                        || p.getSpec().getPolicyTypes().contains("Ingress"))
                .filter(p -> selects(p.getSpec().getPodSelector(), to.labels())).toList();
        if (isolating.isEmpty()) {
            return true;
        }
        for (NetworkPolicy policy : isolating) {
            for (NetworkPolicyIngressRule rule : Objects.requireNonNullElse(policy.getSpec().getIngress(),
                    List.<NetworkPolicyIngressRule>of())) {
                boolean peerMatches = rule.getFrom() == null || rule.getFrom().isEmpty()
                        || rule.getFrom().stream().anyMatch(peer -> matches(peer, from));
                boolean portMatches = rule.getPorts() == null || rule.getPorts().isEmpty()
                        || rule.getPorts().stream().anyMatch(p -> covers(p, to, port));
                if (peerMatches && portMatches) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matches(NetworkPolicyPeer peer, Pod pod) {
        if (peer.getIpBlock() != null) {
            return true; // an address range may hold any pod: count it as admitting everyone
        }
        boolean sameNamespace = "parley".equals(pod.namespaceLabels().get("kubernetes.io/metadata.name"));
        boolean namespaceMatches = peer.getNamespaceSelector() == null ? sameNamespace
                : selects(peer.getNamespaceSelector(), pod.namespaceLabels());
        boolean podMatches = peer.getPodSelector() == null || selects(peer.getPodSelector(), pod.labels());
        return namespaceMatches && podMatches;
    }

    private static boolean covers(NetworkPolicyPort rule, Pod to, int port) {
        if (rule.getProtocol() != null && !rule.getProtocol().equals("TCP")) {
            return false;
        }
        IntOrString p = rule.getPort();
        if (p == null) {
            return true;
        }
        if (p.getIntVal() != null) {
            int end = rule.getEndPort() != null ? rule.getEndPort() : p.getIntVal();
            return port >= p.getIntVal() && port <= end;
        }
        return to.ports().stream().anyMatch(c -> p.getStrVal().equals(c.getName()) && c.getContainerPort() == port);
    }

    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        assertThat(selector.getMatchExpressions()).as("matchExpressions are not evaluated here: use matchLabels")
                .isNullOrEmpty();
        Map<String, String> wanted = Objects.requireNonNullElse(selector.getMatchLabels(), Map.of());
        return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
