package io.parley.chat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;

/** Every overlay renders, every object fits its Kubernetes schema, and the services run as production needs. */
class KustomizeOverlaysTest {

    private static final List<String> SERVICES = Overlays.SERVICES;
    /** Created outside git in prod (they carry credentials); the prod kustomization says how. */
    private static final Set<String> EXTERNAL_SECRETS = java.util.stream.Stream.concat(
            Stream.of("parley-mongo", "parley-platform-admin", "parley-kafka-admin", "parley-redis-admin",
                    "parley-signing-keks"),
            SERVICES.stream().map(s -> "parley-" + s + "-credentials")).collect(java.util.stream.Collectors.toSet());

    static Stream<String> overlays() {
        return Overlays.all();
    }

    private static List<HasMetadata> render(String overlay) {
        return Overlays.render(overlay);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyOverlayRendersAndEveryObjectValidatesAgainstItsSchema(String overlay) {
        List<HasMetadata> objects = render(overlay);
        assertThat(objects).as(overlay).isNotEmpty();
        assertThat(objects.stream().filter(o -> o instanceof Deployment).map(o -> o.getMetadata().getName()))
                .as("every service is deployed by " + overlay).containsAll(SERVICES);
        assertThat(objects).as("every object is namespaced or the namespace itself")
                .allMatch(o -> o.getKind().equals("Namespace") || "parley".equals(o.getMetadata().getNamespace()));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void servicesHaveProbesLimitsAndRunAsNonRoot(String overlay) {
        for (HasMetadata object : render(overlay)) {
            if (!(object instanceof Deployment deployment) || !SERVICES.contains(object.getMetadata().getName())) {
                continue;
            }
            String name = deployment.getMetadata().getName();
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name + " runAsNonRoot").isTrue();
            Container container = pod.getContainers().get(0);
            assertThat(container.getStartupProbe().getHttpGet().getPath()).as(name).isEqualTo("/actuator/health/liveness");
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).as(name).isEqualTo("/actuator/health/liveness");
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).as(name).isEqualTo("/actuator/health/readiness");
            assertThat(container.getResources().getRequests()).as(name + " requests").containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).as(name + " limits").containsKey("memory");
            assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as(name).isFalse();
            assertThat(container.getLifecycle().getPreStop()).as(name + " drains before SIGTERM").isNotNull();
            if (name.equals("realtime-edge")) {
                assertThat(pod.getTerminationGracePeriodSeconds()).as("edge grace period").isGreaterThanOrEqualTo(60L);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void authServiceBelievesForwardedClientsFromPodAddressesOnly(String overlay) {
        Deployment auth = render(overlay).stream()
                .filter(o -> o instanceof Deployment && "auth-service".equals(o.getMetadata().getName()))
                .map(Deployment.class::cast).findFirst().orElseThrow();
        String trusted = auth.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(env -> "LOGIN_TRUSTED_PROXIES".equals(env.getName())).map(EnvVar::getValue)
                .findFirst().orElseThrow(() -> new AssertionError(overlay + ": auth-service has no LOGIN_TRUSTED_PROXIES"));
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(trusted);
        assertThat(pattern.matcher("10.244.1.17").matches()).as("a pod address").isTrue();
        assertThat(pattern.matcher("203.0.113.9").matches()).as("a public address").isFalse();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyReferencedConfigMapAndSecretIsRendered(String overlay) {
        List<HasMetadata> objects = render(overlay);
        Set<String> configMaps = new HashSet<>();
        Set<String> secrets = new HashSet<>(EXTERNAL_SECRETS);
        objects.stream().filter(o -> o instanceof ConfigMap).forEach(o -> configMaps.add(o.getMetadata().getName()));
        objects.stream().filter(o -> o instanceof Secret).forEach(o -> secrets.add(o.getMetadata().getName()));
        for (HasMetadata object : objects) {
            if (object instanceof Deployment deployment) {
                for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                    for (EnvFromSource from : container.getEnvFrom()) {
                        assertThat(configMaps).as(overlay).contains(from.getConfigMapRef().getName());
                    }
                    for (EnvVar env : container.getEnv()) {
                        if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                            assertThat(secrets).as(overlay).contains(env.getValueFrom().getSecretKeyRef().getName());
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theIngressKeepsWebSocketsOpenAndEveryServiceIsBehindANetworkPolicy(String overlay) {
        List<HasMetadata> objects = render(overlay);
        Ingress ingress = objects.stream().filter(o -> o instanceof Ingress).map(o -> (Ingress) o).findFirst().orElseThrow();
        assertThat(Integer.parseInt(ingress.getMetadata().getAnnotations()
                .get("nginx.ingress.kubernetes.io/proxy-read-timeout"))).isGreaterThanOrEqualTo(3600);
        Set<String> protectedServices = new HashSet<>();
        objects.stream().filter(o -> o instanceof NetworkPolicy).map(o -> (NetworkPolicy) o)
                .forEach(p -> protectedServices.add(p.getSpec().getPodSelector().getMatchLabels()
                        .getOrDefault("app.kubernetes.io/name", "")));
        assertThat(protectedServices).as(overlay).containsAll(SERVICES);
    }

    /**
     * Behind the ingress the gateway must believe the controller's X-Forwarded-For and -Proto (the
     * client address for rate limits, HSTS for TLS clients), and nobody else's: prod sets
     * TRUSTED_PROXIES from a rendered ConfigMap to CIDRs that are neither empty nor everything.
     */
    @org.junit.jupiter.api.Test
    void prodTellsTheGatewayWhichProxiesToBelieve() {
        String overlay = "k8s/overlays/prod";
        Deployment gateway = Overlays.ofKind(overlay, Deployment.class)
                .filter(d -> d.getMetadata().getName().equals("gateway-service")).findFirst().orElseThrow();
        EnvVar env = gateway.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("TRUSTED_PROXIES")).findFirst()
                .orElseThrow(() -> new AssertionError("prod: the gateway has no TRUSTED_PROXIES"));
        String value = env.getValue();
        if (env.getValueFrom() != null) {
            var ref = env.getValueFrom().getConfigMapKeyRef();
            assertThat(ref).as("TRUSTED_PROXIES comes from a ConfigMap key").isNotNull();
            ConfigMap configMap = Overlays.ofKind(overlay, ConfigMap.class)
                    .filter(c -> c.getMetadata().getName().equals(ref.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("prod: ConfigMap " + ref.getName() + " is not rendered"));
            value = configMap.getData().get(ref.getKey());
        }
        assertThat(value).as("prod TRUSTED_PROXIES").isNotBlank();
        for (String cidr : value.split(",")) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("(\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9a-fA-F:]+:[0-9a-fA-F:]*)(?:/(\\d{1,3}))?").matcher(cidr.strip());
            assertThat(m.matches()).as("an address or CIDR: " + cidr).isTrue();
            int prefix = m.group(2) == null ? 128 : Integer.parseInt(m.group(2));
            assertThat(prefix).as(cidr + " trusts every address").isGreaterThanOrEqualTo(8);
        }
    }

    /**
     * In prod the signing keys auth-service stores are wrapped with a key-encryption key from a
     * Secret the pod cannot start without, and the built-in development KEK is refused, so a
     * missing Secret can never mean keys wrapped with a key that is public in the source.
     */
    @org.junit.jupiter.api.Test
    void prodWrapsTheSigningKeysWithAKeyEncryptionKeyFromASecret() {
        Deployment auth = Overlays.ofKind("k8s/overlays/prod", Deployment.class)
                .filter(d -> d.getMetadata().getName().equals("auth-service")).findFirst().orElseThrow();
        Map<String, EnvVar> env = new java.util.HashMap<>();
        auth.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().forEach(e -> env.put(e.getName(), e));
        assertThat(env).as("prod auth-service").containsKeys("SIGNING_KEKS", "SIGNING_KEK_ALLOW_DEVELOPMENT");
        var keks = env.get("SIGNING_KEKS").getValueFrom().getSecretKeyRef();
        assertThat(keks.getName()).isEqualTo("parley-signing-keks");
        assertThat(keks.getKey()).isEqualTo("KEKS");
        assertThat(keks.getOptional()).as("the pod does not start without the KEK").isNotEqualTo(Boolean.TRUE);
        assertThat(env.get("SIGNING_KEK_ALLOW_DEVELOPMENT").getValue()).isEqualTo("false");
    }

    /** Outside a laptop cluster nobody registers in the default tenant by finding the sign-up form. */
    @ParameterizedTest
    @MethodSource("overlays")
    void theDefaultTenantIsCreatedClosedOutsideTheLocalOverlay(String overlay) {
        Deployment auth = Overlays.ofKind(overlay, Deployment.class)
                .filter(d -> d.getMetadata().getName().equals("auth-service")).findFirst().orElseThrow();
        String open = auth.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("DEFAULT_TENANT_OPEN_SIGNUP")).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": auth-service sets no DEFAULT_TENANT_OPEN_SIGNUP"));
        assertThat(open).as(overlay + " DEFAULT_TENANT_OPEN_SIGNUP")
                .isEqualTo(overlay.equals("k8s/overlays/local") ? "true" : "false");
    }

    /** prod's managed Kafka has three brokers: the topics the services declare get three replicas, two in sync. */
    @ParameterizedTest
    @MethodSource("overlays")
    void topicReplicationIsSetForProdAndConsistentEverywhere(String overlay) {
        Map<String, String> endpoints = Overlays.ofKind(overlay, ConfigMap.class)
                .filter(c -> c.getMetadata().getName().startsWith("parley-endpoints")).findFirst().orElseThrow().getData();
        String replicas = endpoints.getOrDefault("CHAT_KAFKA_TOPICS_REPLICATION_FACTOR", "1");
        String inSync = endpoints.getOrDefault("CHAT_KAFKA_TOPICS_MIN_INSYNC_REPLICAS", "1");
        assertThat(Integer.parseInt(inSync)).as(overlay + " min.insync.replicas <= replication factor")
                .isBetween(1, Integer.parseInt(replicas));
        if (overlay.equals("k8s/overlays/prod")) {
            assertThat(replicas).isEqualTo("3");
            assertThat(inSync).isEqualTo("2");
        }
    }

    /**
     * The kubelet kills the gateway this long after it starts stopping it: enough for the preStop
     * sleep, the WebSocket drain (reconnect, then 1001 after WS_DRAIN_GRACE) and Spring's graceful
     * shutdown of the REST calls in flight, so that no socket is cut without its reconnect frame.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theGatewaysGracePeriodCoversItsDrain(String overlay) {
        PodSpec pod = Overlays.ofKind(overlay, Deployment.class)
                .filter(d -> "gateway-service".equals(d.getMetadata().getName())).findFirst().orElseThrow()
                .getSpec().getTemplate().getSpec();
        Container gateway = pod.getContainers().get(0);
        List<String> preStop = gateway.getLifecycle().getPreStop().getExec().getCommand();
        assertThat(preStop).as(overlay + " gateway preStop").hasSize(2).first().isEqualTo("sleep");
        long needed = Long.parseLong(preStop.get(1)) + seconds(env(gateway, "WS_DRAIN_GRACE"))
                + seconds(env(gateway, "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE"));
        assertThat(pod.getTerminationGracePeriodSeconds()).as(overlay + " gateway grace period").isGreaterThanOrEqualTo(needed + 5);
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(env -> name.equals(env.getName())).map(EnvVar::getValue)
                .findFirst().orElseThrow(() -> new AssertionError(container.getName() + " sets no " + name));
    }

    /** Spring's simple duration style, as the manifests write it: {@code 10s}, {@code 2m}, {@code 500ms}. */
    private static long seconds(String duration) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(duration.trim());
        assertThat(m.matches()).as("a duration like 10s: " + duration).isTrue();
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> (amount + 999) / 1000;
            case "m" -> amount * 60;
            default -> amount;
        };
    }
}
