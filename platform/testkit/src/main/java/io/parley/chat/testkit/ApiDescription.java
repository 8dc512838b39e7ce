package io.parley.chat.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.support.StaticApplicationContext;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The published API description ({@code api/openapi.yaml} of the contracts) against a
 * service's controllers, both ways: every public handler method (under {@code /api/} or
 * {@code /.well-known/}) must be documented as an operation whose {@code x-service} names
 * the service, and every such operation must have a handler. Path variable names do not
 * matter ({@code {id}} and {@code {conversationId}} are the same segment).
 *
 * <p>It reads the controllers the way WebFlux does (the same {@link RequestMappingHandlerMapping}
 * rules, including class-level prefixes) without starting a Spring context, so the check
 * needs no database, broker or port.
 */
public final class ApiDescription {

    public static final String RESOURCE = "api/openapi.yaml";
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private ApiDescription() {
    }

    /** Operations as {@code "METHOD /path/{}"} whose {@code x-service} is {@code service}. */
    public static Set<String> documented(String service) {
        Set<String> operations = new TreeSet<>();
        for (Map.Entry<String, Object> path : paths().entrySet()) {
            if (!(path.getValue() instanceof Map<?, ?> item)) {
                continue;
            }
            item.forEach((key, value) -> {
                if (HTTP_METHODS.contains(String.valueOf(key)) && value instanceof Map<?, ?> operation
                        && service.equals(operation.get("x-service"))) {
                    operations.add(String.valueOf(key).toUpperCase() + " " + normalize(path.getKey()));
                }
            });
        }
        return operations;
    }

    /** Public handler methods as {@code "METHOD /path/{}"} of the controllers in {@code basePackage}. */
    public static Set<String> implemented(String basePackage) {
        Mappings mappings = new Mappings();
        Set<String> operations = new TreeSet<>();
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Controller.class));
        for (var candidate : scanner.findCandidateComponents(basePackage)) {
            Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), ApiDescription.class.getClassLoader());
            Map<Method, RequestMappingInfo> methods = MethodIntrospector.selectMethods(type,
                    (MethodIntrospector.MetadataLookup<RequestMappingInfo>) method -> mappings.read(method, type));
            for (RequestMappingInfo info : methods.values()) {
                for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
                    String path = pattern.getPatternString();
                    if (!path.startsWith("/api/") && !path.startsWith("/.well-known/")) {
                        continue;
                    }
                    info.getMethodsCondition().getMethods()
                            .forEach(method -> operations.add(method.name() + " " + normalize(path)));
                }
            }
        }
        return operations;
    }

    private static String normalize(String path) {
        return path.replaceAll("\\{[^}]*}", "{}");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> paths() {
        try (InputStream in = ApiDescription.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath (it ships in the contracts module)");
            }
            Map<String, Object> document = new Yaml(new LoaderOptions()).load(in);
            return (Map<String, Object>) document.get("paths");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** WebFlux's own reading of {@code @RequestMapping} and its shortcuts, without a context. */
    private static final class Mappings extends RequestMappingHandlerMapping {

        Mappings() {
            StaticApplicationContext context = new StaticApplicationContext();
            context.refresh();
            setApplicationContext(context);
            afterPropertiesSet();
        }

        RequestMappingInfo read(Method method, Class<?> type) {
            return getMappingForMethod(method, type);
        }
    }
}
