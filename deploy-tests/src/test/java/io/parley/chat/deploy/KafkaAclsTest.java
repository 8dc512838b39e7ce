package io.parley.chat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * The Kafka ACLs of the prod overlay (kafka/acls.txt, shipped in the ConfigMap parley-kafka-users)
 * are exactly what each service's code does with Kafka ({@link CallGraph#kafka}): Write on the
 * topics it sends to, Read on those it consumes, Create and DescribeConfigs on those it declares,
 * Read on the consumer groups prefixed with its name, and nothing more. A service that starts to
 * send to another topic fails here until its ACLs say so, and an ACL nobody uses fails too. The
 * script that applies them is run against stand-ins for Kafka's tools.
 */
class KafkaAclsTest {

    private static final String PROD = "k8s/overlays/prod";
    private static final CallGraph GRAPH = new CallGraph(Overlays.SERVICES);

    /** One line of acls.txt. */
    record Acl(String service, String operation, String resource, String pattern, String name) {

        /** As the stand-in kafka-acls.sh keeps it for the service's user (Kafka's own names). */
        String held(String user) {
            return String.join("|", "User:" + user, "*", operation.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(),
                    resource.toUpperCase(), name, pattern.toUpperCase());
        }
    }

    static List<Acl> declared() {
        return Overlays.configMap(PROD, "parley-kafka-users").get("acls.txt").lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.split("\\s+"))
                .peek(f -> assertThat(f).as("acls.txt: service operation resource pattern name").hasSize(5))
                .map(f -> new Acl(f[0], f[1], f[2], f[3], f[4])).toList();
    }

    /** What the service's code needs, as acls.txt writes it. */
    static Set<String> needed(String service) {
        CallGraph.KafkaUse use = GRAPH.kafka(service);
        Set<String> acls = new TreeSet<>();
        use.produces().forEach(t -> acls.add("Write topic literal " + t));
        use.consumes().forEach(t -> acls.add("Read topic literal " + t));
        use.declares().forEach(t -> acls.add("Create topic literal " + t));
        use.declares().forEach(t -> acls.add("DescribeConfigs topic literal " + t));
        if (!use.consumes().isEmpty()) {
            acls.add("Read group prefixed " + service);
        }
        return acls;
    }

    @Test
    void theCodesUseOfKafkaIsReadAsItIs() {
        // Facts of today's code: if one changes, this test changes with it, and so do the ACLs.
        CallGraph.KafkaUse edge = GRAPH.kafka("realtime-edge");
        assertThat(edge.consumes()).containsExactlyInAnyOrder("chat.messages.v1", "chat.conversations.v1",
                "chat.presence.v1", "chat.sessions.v1");
        assertThat(edge.produces()).isEmpty();
        CallGraph.KafkaUse message = GRAPH.kafka("message-service");
        assertThat(message.produces()).containsExactly("chat.messages.v1");
        assertThat(message.consumes()).as("service-kit's membership listener, switched on by chat.membership")
                .containsExactly("chat.conversations.v1");
        assertThat(GRAPH.kafka("auth-service").declares()).containsExactly("chat.sessions.v1");
        assertThat(GRAPH.kafka("conversation-service").groups()).contains("conversation-service");
        assertThat(GRAPH.kafka("gateway-service").any()).isFalse();
    }

    @Test
    void everyTopicTheCodeNamesIsSentToConsumedOrDeclared() {
        for (String service : Overlays.SERVICES) {
            assertThat(GRAPH.kafka(service).unclassified())
                    .as(service + ": uses of a topic CallGraph cannot tell apart (teach it the new form)").isEmpty();
        }
    }

    @Test
    void eachServiceMayWriteWhatItSendsReadWhatItConsumesCreateWhatItDeclaresAndNothingMore() {
        Map<String, Set<String>> granted = new HashMap<>();
        for (Acl acl : declared()) {
            granted.computeIfAbsent(acl.service(), s -> new TreeSet<>())
                    .add(String.join(" ", acl.operation(), acl.resource(), acl.pattern(), acl.name()));
        }
        assertThat(Overlays.SERVICES).containsAll(granted.keySet());
        for (String service : Overlays.SERVICES) {
            assertThat(granted.getOrDefault(service, Set.of())).as(PROD + " kafka/acls.txt for " + service
                    + " against its code").containsExactlyInAnyOrderElementsOf(needed(service));
            assertThat(granted.containsKey(service)).as(service + " has Kafka in its configuration, so it needs a user")
                    .isEqualTo(GRAPH.callees(service).contains(CallGraph.KAFKA));
        }
    }

    @Test
    void everyConsumerGroupStartsWithItsServicesNameSoItsPrefixedGroupAclCoversIt() {
        for (String service : Overlays.SERVICES) {
            CallGraph.KafkaUse use = GRAPH.kafka(service);
            assertThat(use.groups()).as(service + " group ids").allMatch(group -> group.startsWith(service));
        }
        // a consumer assigned its partitions by hand may have no group at all; these have one today
        assertThat(GRAPH.kafka("realtime-edge").groups()).isNotEmpty();
        assertThat(GRAPH.kafka("message-service").groups()).as("service-kit's membership listener")
                .allMatch(group -> group.startsWith("message-service-membership"));
    }

    @Test
    void theJobMountsTheLoginOfEveryServiceWithAclsAndNoOther() {
        Job job = Overlays.ofKind(PROD, Job.class).filter(j -> j.getMetadata().getName().equals("parley-kafka-users"))
                .findFirst().orElseThrow();
        Set<String> mounted = job.getSpec().getTemplate().getSpec().getVolumes().stream().map(Volume::getSecret)
                .filter(s -> s != null && s.getSecretName().endsWith("-credentials"))
                .map(s -> s.getSecretName().replaceFirst("^parley-(.*)-credentials$", "$1")).collect(Collectors.toSet());
        assertThat(mounted).isEqualTo(declared().stream().map(Acl::service).collect(Collectors.toSet()));
    }

    @Test
    void theScriptGrantsTheDeclaredAclsRemovesAnyOtherAndIsIdempotent(@TempDir Path dir) {
        ShippedScript script = new ShippedScript(PROD, "parley-kafka-users", dir);
        Map<String, String> passwords = logins(script);
        String unrelated = "User:ops|*|ALL|CLUSTER|kafka-cluster|LITERAL";
        ShippedScript.write(script.file("state"), String.join("\n",
                "User:realtime-edge|*|WRITE|TOPIC|chat.messages.v1|LITERAL", // an edge that could forge messages
                "User:realtime-edge|10.0.0.9|READ|TOPIC|chat.messages.v1|LITERAL",
                "User:presence-service|*|DESCRIBE_CONFIGS|TOPIC|chat.messages.v1|LITERAL",
                unrelated) + "\n");

        Repo.Result first = script.run("kafka-users.sh", environment(script));
        assertThat(first.exitCode()).as(first.output()).isZero();
        Set<String> expected = declared().stream().map(acl -> acl.held(acl.service())).collect(Collectors.toCollection(TreeSet::new));
        expected.add(unrelated);
        assertThat(state(script)).as("what Kafka holds after the first run").isEqualTo(expected);
        assertThat(first.output()).contains("removed User:realtime-edge WRITE on TOPIC chat.messages.v1");
        assertThat(ShippedScript.read(script.file("state.scram")).lines())
                .containsExactlyInAnyOrderElementsOf(passwords.entrySet().stream()
                        .map(e -> e.getKey() + " SCRAM-SHA-512 " + e.getValue()).toList());
        passwords.values().forEach(p -> assertThat(first.output()).as("a password in the Job's log").doesNotContain(p));

        Repo.Result second = script.run("kafka-users.sh", environment(script));
        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(state(script)).isEqualTo(expected);
        assertThat(second.output()).as("a second run changes no ACL").doesNotContain("granted", "removed");
    }

    @Test
    void duringARotationTheNewAndThePreviousUserHoldTheServicesAclsAndARetiredUserNone(@TempDir Path dir) {
        ShippedScript script = new ShippedScript(PROD, "parley-kafka-users", dir);
        logins(script);
        script.secret("message-service", Map.of("KAFKA_USERNAME", "message-service-2",
                "KAFKA_PREVIOUS_USERNAME", "message-service"));
        Repo.Result run = script.run("kafka-users.sh", environment(script));
        assertThat(run.exitCode()).as(run.output()).isZero();
        for (Acl acl : declared().stream().filter(a -> a.service().equals("message-service")).toList()) {
            assertThat(state(script)).contains(acl.held("message-service"), acl.held("message-service-2"));
        }
        assertThat(ShippedScript.read(script.file("state.scram"))).contains("message-service-2 SCRAM-SHA-512")
                .doesNotContain("message-service SCRAM");

        // the rollout done, the previous user is retired: no ACL, no credential
        script.secret("message-service", java.util.Collections.singletonMap("KAFKA_PREVIOUS_USERNAME", null));
        script.secret("message-service", Map.of("KAFKA_RETIRED_USERNAME", "message-service"));
        Repo.Result retire = script.run("kafka-users.sh", environment(script));
        assertThat(retire.exitCode()).as(retire.output()).isZero();
        assertThat(state(script)).noneMatch(acl -> acl.startsWith("User:message-service|"))
                .anyMatch(acl -> acl.startsWith("User:message-service-2|"));
        assertThat(ShippedScript.read(script.file("state.scram"))).contains("message-service SCRAM-SHA-512 deleted");
    }

    @Test
    void aMissingOrOddPasswordStopsTheScriptNamingTheSecretButNotTheValue(@TempDir Path dir) {
        ShippedScript script = new ShippedScript(PROD, "parley-kafka-users", dir);
        logins(script);
        script.secret("auth-service", java.util.Collections.singletonMap("KAFKA_PASSWORD", null));
        Repo.Result missing = script.run("kafka-users.sh", environment(script));
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.output()).contains("no KAFKA_PASSWORD in the Secret parley-auth-service-credentials");

        String odd = "correct,horse]battery=staple";
        script.secret("auth-service", Map.of("KAFKA_PASSWORD", odd));
        Repo.Result rejected = script.run("kafka-users.sh", environment(script));
        assertThat(rejected.exitCode()).isNotZero();
        assertThat(rejected.output()).contains("KAFKA_PASSWORD of the Secret parley-auth-service-credentials")
                .doesNotContain(odd);
    }

    /** Every service's Secret with its own name as the user and a fresh password; returns user -> password. */
    private static Map<String, String> logins(ShippedScript script) {
        Map<String, String> passwords = new HashMap<>();
        declared().stream().map(Acl::service).distinct().forEach(service -> {
            String password = ShippedScript.password();
            script.secret(service, Map.of("KAFKA_USERNAME", service, "KAFKA_PASSWORD", password));
            passwords.put(service, password);
        });
        return passwords;
    }

    private static Map<String, String> environment(ShippedScript script) {
        ShippedScript.write(script.file("admin.properties"), "security.protocol=SASL_SSL\n");
        return Map.of("KAFKA_BOOTSTRAP", "b-1.kafka.test:9092", "ACLS_FILE", script.config("acls.txt").toString(),
                "CREDENTIALS_DIR", script.file("credentials").toString(),
                "KAFKA_ADMIN_CONFIG", script.file("admin.properties").toString(),
                "KAFKA_BIN", script.standIns("kafka-acls.sh", "kafka-configs.sh").toString(),
                "STAND_IN_STATE", script.file("state").toString());
    }

    private static Set<String> state(ShippedScript script) {
        return ShippedScript.read(script.file("state")).lines().filter(l -> !l.isBlank())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
