package io.parley.chat.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Validates rendered objects against the Kubernetes OpenAPI schema as fabric8's model
 * carries it (classes generated from the API server's schema, plus the Prometheus
 * Operator's CRDs). Strict: a field the schema does not know lands in fabric8's
 * "additionalProperties" and is reported, a value of the wrong shape fails to bind, and a
 * kind the model does not know is an error rather than a generic pass.
 */
final class KubernetesSchema {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private KubernetesSchema() {
    }

    /** The typed object, or an AssertionError naming every violation. */
    static HasMetadata validate(Map<String, Object> document) {
        String id = document.get("kind") + " " + name(document);
        KubernetesResource resource;
        try {
            resource = SERIALIZATION.convertValue(document, KubernetesResource.class);
        } catch (RuntimeException e) {
            throw new AssertionError(id + " does not match its schema: " + e.getMessage(), e);
        }
        if (resource instanceof GenericKubernetesResource || !(resource instanceof HasMetadata typed)) {
            throw new AssertionError(id + ": no schema known for apiVersion " + document.get("apiVersion")
                    + " kind " + document.get("kind"));
        }
        List<String> unknown = new ArrayList<>();
        walk(typed, typed.getKind(), unknown, new IdentityHashMap<>());
        if (!unknown.isEmpty()) {
            throw new AssertionError(id + " has fields its schema does not define: " + unknown);
        }
        return typed;
    }

    @SuppressWarnings("unchecked")
    private static String name(Map<String, Object> document) {
        Object metadata = document.get("metadata");
        return metadata instanceof Map<?, ?> m ? String.valueOf(((Map<String, Object>) m).get("name")) : "?";
    }

    private static void walk(Object value, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> type = value.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object fieldValue;
                try {
                    fieldValue = field.get(value);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (field.getName().equals("additionalProperties")) {
                    if (fieldValue instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        extra.keySet().forEach(k -> unknown.add(path + "." + k));
                    }
                } else {
                    walk(fieldValue, path + "." + field.getName(), unknown, seen);
                }
            }
        }
    }
}
