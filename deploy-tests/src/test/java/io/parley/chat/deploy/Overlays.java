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
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;

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
}
