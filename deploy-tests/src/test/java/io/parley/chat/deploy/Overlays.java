package io.parley.chat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/** The overlays of k8s/overlays, each rendered once per test JVM and validated against its schema as it is read. */
final class Overlays {

    static final List<String> SERVICES = List.of("gateway-service", "auth-service", "conversation-service",
            "message-service", "presence-service", "realtime-edge");

    private static final Map<String, List<HasMetadata>> RENDERED = new ConcurrentHashMap<>();
    private static volatile Kustomize kustomize;

    private Overlays() {
    }

    static Stream<String> all() {
        try (Stream<Path> dirs = Files.list(Repo.file("k8s/overlays"))) {
            List<String> found = dirs.filter(d -> Files.exists(d.resolve("kustomization.yaml")))
                    .map(d -> "k8s/overlays/" + d.getFileName()).sorted().toList();
            assertThat(found).contains("k8s/overlays/local", "k8s/overlays/prod");
            return found.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<HasMetadata> render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> {
            if (kustomize == null) {
                kustomize = Kustomize.find();
            }
            List<HasMetadata> objects = new ArrayList<>();
            for (Map<String, Object> document : Repo.yamlDocuments(kustomize.build(o))) {
                objects.add(KubernetesSchema.validate(document));
            }
            return objects;
        });
    }

    static <T extends HasMetadata> Stream<T> ofKind(String overlay, Class<T> kind) {
        return render(overlay).stream().filter(kind::isInstance).map(kind::cast);
    }

    /** The (first) container of a service's Deployment. */
    static Container container(String overlay, String service) {
        return ofKind(overlay, Deployment.class).filter(d -> d.getMetadata().getName().equals(service)).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no Deployment " + service))
                .getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    /** The data of a rendered ConfigMap, by its name before kustomize's hash suffix. */
    static Map<String, String> configMap(String overlay, String name) {
        return ofKind(overlay, ConfigMap.class).filter(c -> c.getMetadata().getName().matches(Pattern.quote(name) + "(-[a-z0-9]{10})?"))
                .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no ConfigMap " + name)).getData();
    }
}
