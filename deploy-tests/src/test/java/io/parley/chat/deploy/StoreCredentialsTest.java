package io.parley.chat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * In the prod overlay every service logs in to each store its configuration uses ({@link
 * CallGraph}) as a user of its own, with the password from its own Secret: SASL/SCRAM over TLS to
 * Kafka, a Redis ACL user over TLS, a Mongo connection string with its own user. No password is
 * written into a manifest, and no service can read another's login.
 */
class StoreCredentialsTest {

    private static final String PROD = "k8s/overlays/prod";
    private static final CallGraph GRAPH = new CallGraph(Overlays.SERVICES);
    private static final Pattern JAAS = Pattern.compile(
            "org\\.apache\\.kafka\\.common\\.security\\.scram\\.ScramLoginModule required"
                    + " username=\"\\$\\(([A-Z0-9_]+)\\)\" password=\"\\$\\(([A-Z0-9_]+)\\)\";");
    /** Names of variables and ConfigMap keys that hold a secret when they hold anything. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|JAAS|CREDENTIAL|MONGO_URI).*");
    /** A user and password inside a URL, or a password option, written out (not a variable: $(X), $x). */
    private static final Pattern WRITTEN_OUT = Pattern.compile("://[^/@\\s:]+:[^/@\\s]+@|password=\"?(?!\\$)[^\"\\s;]+");

    /** A variable as the container gets it: a value (from env or an envFrom ConfigMap) or a Secret's key. */
    record Variable(String name, String value, SecretKeySelector secret) {
    }

    /** The container's variables in the order the kubelet defines them: envFrom first, then env. */
    private static List<Variable> variables(String service) {
        Container container = Overlays.container(PROD, service);
        Map<String, Variable> byName = new LinkedHashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            assertThat(from.getSecretRef()).as(service + ": envFrom a Secret hides which keys it gives").isNull();
            Overlays.configMap(PROD, from.getConfigMapRef().getName().replaceFirst("-[a-z0-9]{10}$", ""))
                    .forEach((key, value) -> byName.put(key, new Variable(key, value, null)));
        }
        for (EnvVar env : container.getEnv()) {
            SecretKeySelector secret = env.getValueFrom() == null ? null : env.getValueFrom().getSecretKeyRef();
            byName.remove(env.getName());
            byName.put(env.getName(), new Variable(env.getName(), env.getValue(), secret));
        }
        return new ArrayList<>(byName.values());
    }

    private static Variable variable(List<Variable> variables, String service, String name) {
        return variables.stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(PROD + ": " + service + " has no variable " + name));
    }

    /** The variable comes from the service's own Secret, key {@code key}. */
    private static void fromOwnSecret(List<Variable> variables, String service, String name, String key) {
        Variable variable = variable(variables, service, name);
        assertThat(variable.secret()).as(service + " " + name + " comes from a Secret").isNotNull();
        assertThat(variable.secret().getName()).as(service + " " + name).isEqualTo("parley-" + service + "-credentials");
        assertThat(variable.secret().getKey()).as(service + " " + name).isEqualTo(key);
        assertThat(variable.secret().getOptional()).as(service + " " + name + " is required").isNotEqualTo(Boolean.TRUE);
    }

    private static Stream<String> using(String store) {
        return Overlays.SERVICES.stream().filter(s -> GRAPH.callees(s).contains(store));
    }

    @Test
    void everyKafkaClientLogsInWithScramOverTlsAsItsServicesOwnUser() {
        assertThat(using(CallGraph.KAFKA)).hasSize(5);
        using(CallGraph.KAFKA).forEach(service -> {
            List<Variable> variables = variables(service);
            assertThat(variable(variables, service, "SPRING_KAFKA_SECURITY_PROTOCOL").value()).as(service).isEqualTo("SASL_SSL");
            assertThat(variable(variables, service, "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM").value()).as(service)
                    .isEqualTo("SCRAM-SHA-512");
            Variable jaas = variable(variables, service, "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG");
            Matcher login = JAAS.matcher(Objects.requireNonNullElse(jaas.value(), ""));
            assertThat(login.matches()).as(service + ": sasl.jaas.config is a SCRAM login made of two variables: " + jaas.value())
                    .isTrue();
            fromOwnSecret(variables, service, login.group(1), "KAFKA_USERNAME");
            fromOwnSecret(variables, service, login.group(2), "KAFKA_PASSWORD");
            List<String> names = variables.stream().map(Variable::name).toList();
            assertThat(names.indexOf(login.group(2))).as(service + ": $(" + login.group(2) + ") is defined before the login"
                    + " that uses it, or Kubernetes leaves it unexpanded").isLessThan(names.indexOf(jaas.name()));
            assertThat(names.indexOf(login.group(1))).as(service).isLessThan(names.indexOf(jaas.name()));
        });
        Overlays.SERVICES.stream().filter(s -> !GRAPH.callees(s).contains(CallGraph.KAFKA)).forEach(service ->
                assertThat(variables(service)).as(service + " uses no Kafka, so it gets no Kafka login")
                        .noneMatch(v -> v.secret() != null && v.name().startsWith("KAFKA_") || v.name().contains("JAAS")));
    }

    @Test
    void everyRedisUserLogsInWithItsOwnPasswordOverTls() {
        assertThat(using(CallGraph.REDIS)).containsExactlyInAnyOrder("gateway-service", "presence-service");
        using(CallGraph.REDIS).forEach(service -> {
            List<Variable> variables = variables(service);
            fromOwnSecret(variables, service, "SPRING_DATA_REDIS_USERNAME", "REDIS_USERNAME");
            fromOwnSecret(variables, service, "SPRING_DATA_REDIS_PASSWORD", "REDIS_PASSWORD");
            assertThat(variable(variables, service, "SPRING_DATA_REDIS_SSL_ENABLED").value()).as(service).isEqualTo("true");
        });
    }

    @Test
    void everyMongoUserConnectsWithItsOwnConnectionString() {
        assertThat(using(CallGraph.MONGO)).containsExactlyInAnyOrder("auth-service", "conversation-service", "message-service");
        using(CallGraph.MONGO).forEach(service -> fromOwnSecret(variables(service), service, "MONGO_URI", "MONGO_URI"));
        assertThat(Overlays.SERVICES.stream().flatMap(s -> variables(s).stream()))
                .as("the shared parley-mongo Secret of the base is not used in prod")
                .noneMatch(v -> v.secret() != null && v.secret().getName().equals("parley-mongo"));
    }

    /** The Mongo users docs/operations.md has operators create are those of the services' own databases. */
    @Test
    void theOperationsPageCreatesEachMongoUserWithReadWriteOnItsOwnDatabaseOnly() {
        String page = Repo.read("docs/operations.md").replaceAll("\\s+", " ");
        using(CallGraph.MONGO).forEach(service -> assertThat(page).as("docs/operations.md, Store credentials")
                .contains(service + " gets `{role: \"readWrite\", db: \"" + GRAPH.mongoDatabase(service) + "\"}`",
                        "`" + GRAPH.mongoDatabase(service) + "`"));
    }

    @Test
    void noCredentialIsWrittenIntoAManifest() {
        List<String> found = new ArrayList<>();
        List<PodSpec> pods = new ArrayList<>();
        Overlays.ofKind(PROD, Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
        Overlays.ofKind(PROD, Job.class).forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));
        for (PodSpec pod : pods) {
            for (Container container : pod.getContainers()) {
                for (EnvVar env : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
                    String value = Objects.requireNonNullElse(env.getValue(), "");
                    boolean allowedLiteral = value.isEmpty() || JAAS.matcher(value).matches();
                    if (SECRET_NAME.matcher(env.getName()).matches() && !allowedLiteral || WRITTEN_OUT.matcher(value).find()) {
                        found.add(container.getName() + " " + env.getName());
                    }
                }
            }
        }
        for (ConfigMap configMap : Overlays.ofKind(PROD, ConfigMap.class).toList()) {
            Objects.requireNonNullElse(configMap.getData(), Map.<String, String>of()).forEach((key, value) -> {
                if (SECRET_NAME.matcher(key).matches() || WRITTEN_OUT.matcher(value).find()) {
                    found.add("ConfigMap " + configMap.getMetadata().getName() + " " + key);
                }
            });
        }
        assertThat(found).as(PROD + ": credentials written into manifests instead of coming from Secrets").isEmpty();
    }
}
