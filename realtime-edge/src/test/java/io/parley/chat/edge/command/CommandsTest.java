package io.parley.chat.edge.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.Yaml;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class CommandsTest {

    @Test
    void everyFrameTypeTheAsyncApiDocumentLetsAClientSendHasExactlyOneHandler() throws Exception {
        assertThat(handlerTypes()).containsExactlyInAnyOrderElementsOf(clientFrameTypes());
    }

    @Test
    void twoHandlersOfOneTypeFailTheStart() {
        assertThatThrownBy(() -> new Commands(List.of(new PingHandler(null), new PingHandler(null)), null))
                .isInstanceOf(IllegalStateException.class);
    }

    /** The type of every {@link CommandHandler} bean in this package, each made with stand-in arguments. */
    private static List<String> handlerTypes() throws Exception {
        AssignableTypeFilter handler = new AssignableTypeFilter(CommandHandler.class);
        AnnotationTypeFilter component = new AnnotationTypeFilter(Component.class);
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter((reader, factory) -> handler.match(reader, factory) && component.match(reader, factory));
        MeterRegistry metrics = new SimpleMeterRegistry();
        List<String> types = new ArrayList<>();
        for (var candidate : scanner.findCandidateComponents(CommandHandler.class.getPackageName())) {
            Constructor<?> constructor = Class.forName(candidate.getBeanClassName()).getDeclaredConstructors()[0];
            Object[] arguments = new Object[constructor.getParameterCount()];
            for (int i = 0; i < arguments.length; i++) {
                arguments[i] = constructor.getParameterTypes()[i] == MeterRegistry.class ? metrics : null;
            }
            types.add(((CommandHandler) constructor.newInstance(arguments)).type());
        }
        return types;
    }

    /** The {@code type} of each frame in the AsyncAPI document's {@code clientRequests} (platform/contracts). */
    @SuppressWarnings("unchecked")
    private static List<String> clientFrameTypes() throws Exception {
        Map<String, Object> document;
        try (InputStream in = CommandsTest.class.getResourceAsStream("/api/asyncapi.yaml")) {
            document = new Yaml().load(in);
        }
        List<Map<String, String>> requests = (List<Map<String, String>>) at(document, "operations", "clientRequests", "messages");
        assertThat(requests).isNotEmpty();
        return requests.stream()
                .map(request -> (Map<String, Object>) resolve(document, request.get("$ref")))
                .map(message -> (Map<String, Object>) resolve(document, (String) message.get("$ref")))
                .map(message -> (String) at(message, "payload", "properties", "type", "const"))
                .toList();
    }

    private static Object resolve(Map<String, Object> document, String ref) {
        return at(document, ref.substring("#/".length()).split("/"));
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> node, String... path) {
        Object current = node;
        for (String key : path) {
            current = ((Map<String, Object>) current).get(key);
        }
        return current;
    }
}
