package io.parley.chat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** docker-compose.yml parses, comes up in order on health checks, and runs Mongo as a replica set. */
class ComposeFileTest {

    private static final List<String> SERVICES = List.of("gateway-service", "auth-service", "conversation-service",
            "message-service", "presence-service", "realtime-edge");

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() {
        List<Map<String, Object>> documents = Repo.yamlDocuments(Repo.read("docker-compose.yml"));
        assertThat(documents).hasSize(1);
        return (Map<String, Map<String, Object>>) documents.get(0).get("services");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyServiceHasAHealthCheck() {
        services().forEach((name, service) -> {
            assertThat(service).as(name).containsKey("healthcheck");
            Object test = ((Map<String, Object>) service.get("healthcheck")).get("test");
            assertThat(test).as(name + " healthcheck.test").isNotNull();
            if (test instanceof List<?> command) {
                assertThat(command.get(0)).as(name).isIn("CMD", "CMD-SHELL");
                assertThat(command).as(name).hasSizeGreaterThan(1);
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void dependenciesNameDefinedServicesAndWaitOnAState() {
        Map<String, Map<String, Object>> services = services();
        services.forEach((name, service) -> {
            Object dependsOn = service.get("depends_on");
            if (dependsOn == null) {
                return;
            }
            ((Map<String, Map<String, Object>>) dependsOn).forEach((dependency, condition) -> {
                assertThat(services).as(name + " depends on " + dependency).containsKey(dependency);
                assertThat(condition.get("condition")).as(name + " -> " + dependency)
                        .isIn("service_healthy", "service_completed_successfully");
                if ("service_healthy".equals(condition.get("condition"))) {
                    assertThat(services.get(dependency)).as(dependency).containsKey("healthcheck");
                }
            });
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void authServiceBelievesTheForwardedClientFromTheGatewayAlone() {
        Map<String, Map<String, Object>> services = services();
        Map<String, Object> networks = (Map<String, Object>) services.get("gateway-service").get("networks");
        String gateway = String.valueOf(((Map<String, Object>) networks.get("default")).get("ipv4_address"));
        String trusted = String.valueOf(((Map<String, Object>) services.get("auth-service").get("environment"))
                .get("LOGIN_TRUSTED_PROXIES"));
        assertThat(java.util.regex.Pattern.compile(trusted).matcher(gateway).matches()).as(trusted).isTrue();
        assertThat(java.util.regex.Pattern.compile(trusted).matcher("172.28.0.1").matches())
                .as("the bridge address that host clients arrive from is not trusted").isFalse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSixServicesAreBuiltFromTheSharedDockerfileAndWriteWithMajority() {
        Map<String, Map<String, Object>> services = services();
        for (String name : SERVICES) {
            Map<String, Object> service = services.get(name);
            assertThat(service).as(name).isNotNull();
            Map<String, Object> build = (Map<String, Object>) service.get("build");
            assertThat(((Map<String, Object>) build.get("args")).get("MODULE")).as(name).isEqualTo(name);
            Map<String, Object> env = (Map<String, Object>) service.get("environment");
            assertThat(String.valueOf(env.get("MONGO_URI"))).as(name).contains("replicaSet=rs0", "w=majority");
            assertThat(env).as(name).containsKeys("KAFKA_BOOTSTRAP", "REDIS_HOST", "JWKS_URI", "PORT");
        }
        assertThat(String.valueOf(services.get("mongo").get("command"))).contains("--replSet");
        assertThat(services).containsKeys("kafka", "kafka-init", "redis", "prometheus", "grafana");
    }

    @Test
    void topicsAreCreatedWithTheRetentionOfTheProtocol() {
        String script = Repo.read("deploy/kafka/create-topics.sh");
        assertThat(script).contains("create chat.messages.v1      604800000")
                .contains("create chat.conversations.v1 604800000")
                .contains("create chat.presence.v1      3600000")
                .contains("create chat.sessions.v1      3600000");
    }

    /** Every published port listens on the host's loopback only: nothing of the local run is reachable from the network. */
    @Test
    @SuppressWarnings("unchecked")
    void publishedPortsAreBoundToLoopback() {
        services().forEach((name, service) -> {
            assertThat(service.get("network_mode")).as(name + " network_mode").isNotEqualTo("host");
            Object ports = service.get("ports");
            if (ports == null) {
                return;
            }
            for (Object port : (List<Object>) ports) {
                if (port instanceof Map<?, ?> long_) {
                    assertThat(long_.get("host_ip")).as(name + " " + port).isEqualTo("127.0.0.1");
                } else {
                    assertThat(String.valueOf(port)).as(name + " publishes " + port)
                            .matches("127\\.0\\.0\\.1:\\d+(-\\d+)?:\\d+(-\\d+)?(/(tcp|udp))?");
                }
            }
        });
    }
}
