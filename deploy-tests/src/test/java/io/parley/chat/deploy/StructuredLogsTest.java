package io.parley.chat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;

/**
 * Every service logs JSON lines in Elastic Common Schema wherever its image runs (compose and
 * every Kubernetes overlay), as a log collector expects, and nothing a deployment adds turns
 * that back into plain text. The image sets it; {@code ./run} starts the jars and keeps
 * human-readable lines.
 */
class StructuredLogsTest {

    private static final String SETTING = "LOGGING_STRUCTURED_FORMAT_CONSOLE";

    @Test
    void theImageLogsEcsJsonLines() {
        String dockerfile = Repo.read("Dockerfile");
        String runtimeStage = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
        assertThat(runtimeStage).as("the runtime stage of the Dockerfile").contains(SETTING + "=ecs")
                .as("no banner, which is not a JSON line").contains("SPRING_MAIN_BANNER_MODE=off");
    }

    static List<String> overlays() {
        return Overlays.all().toList();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noKubernetesOverlayChangesTheLogFormat(String overlay) {
        for (String service : Overlays.SERVICES) {
            List<EnvVar> env = Overlays.container(overlay, service).getEnv();
            assertThat(env == null ? List.<EnvVar>of() : env).as("%s: %s env", overlay, service)
                    .noneMatch(var -> var.getName().equals(SETTING) && !"ecs".equals(var.getValue()));
        }
        Overlays.ofKind(overlay, ConfigMap.class).forEach(configMap -> {
            Map<String, String> data = configMap.getData() == null ? Map.of() : configMap.getData();
            assertThat(data.getOrDefault(SETTING, "ecs")).as("%s: ConfigMap %s", overlay,
                    configMap.getMetadata().getName()).isEqualTo("ecs");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeKeepsTheImagesLogFormat() {
        Map<String, Object> compose = Repo.yamlDocuments(Repo.read("docker-compose.yml")).get(0);
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        for (String service : Overlays.SERVICES) {
            assertThat(services).as("compose services").containsKey(service);
            Object environment = services.get(service).get("environment");
            if (environment instanceof Map<?, ?> map) {
                assertThat(String.valueOf(map.containsKey(SETTING) ? map.get(SETTING) : "ecs")).as(service)
                        .isEqualTo("ecs");
            }
        }
    }
}
