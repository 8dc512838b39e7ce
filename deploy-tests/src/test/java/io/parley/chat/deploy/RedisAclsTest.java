package io.parley.chat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis ACL users of the prod overlay (redis/acls.txt, shipped in the ConfigMap
 * parley-redis-users) may touch exactly the keys each service's code writes and send exactly the
 * commands it sends ({@link CallGraph#redis}): the gateway its rate-limit buckets, presence its
 * sessions, last-seen, online and typing keys, neither the other's. The script that applies them
 * is run against a stand-in for redis-cli.
 */
class RedisAclsTest {

    private static final String PROD = "k8s/overlays/prod";
    private static final CallGraph GRAPH = new CallGraph(Overlays.SERVICES);

    /** Service -> its rules, as acls.txt lists them. */
    static Map<String, List<String>> declared() {
        Map<String, List<String>> rules = new LinkedHashMap<>();
        Overlays.configMap(PROD, "parley-redis-users").get("acls.txt").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .forEach(l -> {
                    String[] fields = l.split("\\s+");
                    rules.put(fields[0], Arrays.asList(fields).subList(1, fields.length));
                });
        return rules;
    }

    @Test
    void theCodesUseOfRedisIsReadAsItIs() {
        CallGraph.RedisUse gateway = GRAPH.redis("gateway-service");
        assertThat(gateway.keyPatterns()).containsExactly("~gateway:rate:*");
        assertThat(gateway.commands()).contains("evalsha", "hset", "time").doesNotContain("info");
        CallGraph.RedisUse presence = GRAPH.redis("presence-service");
        assertThat(presence.keyPatterns()).containsExactlyInAnyOrder("~presence:*", "~lastseen:*", "~online:*", "~typing:*");
        assertThat(presence.commands()).contains("zadd", "sadd", "set", "info");
        assertThat(GRAPH.redis("message-service").commands()).isEmpty();
    }

    @Test
    void eachUserMayTouchTheKeysItsServiceWritesWithTheCommandsItSendsAndNothingMore() {
        Map<String, List<String>> declared = declared();
        for (String service : Overlays.SERVICES) {
            CallGraph.RedisUse use = GRAPH.redis(service);
            assertThat(declared.containsKey(service)).as(service + " has Redis in its configuration, so it needs a user")
                    .isEqualTo(GRAPH.callees(service).contains(CallGraph.REDIS));
            List<String> rules = declared.getOrDefault(service, List.of());
            assertThat(rules).as(service + ": only key patterns (~) and single commands (+): no categories, all-keys,"
                    + " channels or passwords").allMatch(r -> r.matches("~[a-z0-9:-]+\\*|\\+[a-z]+"));
            Set<String> expected = new TreeSet<>(use.keyPatterns());
            use.commands().forEach(c -> expected.add("+" + c));
            assertThat(rules).as(PROD + " redis/acls.txt for " + service + " against its code")
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void theScriptSetsEachUserFromItsSecretWithItsRulesAndShowsNoPassword(@TempDir Path dir) {
        ShippedScript script = new ShippedScript(PROD, "parley-redis-users", dir);
        Map<String, String> passwords = new LinkedHashMap<>();
        declared().keySet().forEach(service -> {
            passwords.put(service, ShippedScript.password());
            script.secret(service, Map.of("REDIS_USERNAME", service, "REDIS_PASSWORD", passwords.get(service)));
        });
        String previous = ShippedScript.password();
        script.secret("presence-service", Map.of("REDIS_PREVIOUS_PASSWORD", previous));
        String admin = ShippedScript.password();
        ShippedScript.write(script.file("admin/REDIS_USERNAME"), "parley-admin");
        ShippedScript.write(script.file("admin/REDIS_PASSWORD"), admin);

        Repo.Result run = script.run("redis-users.sh", Map.of("REDIS_HOST", "redis.test", "REDIS_PORT", "6380",
                "SPRING_DATA_REDIS_SSL_ENABLED", "true", "ACLS_FILE", script.config("acls.txt").toString(),
                "CREDENTIALS_DIR", script.file("credentials").toString(), "REDIS_ADMIN_DIR", script.file("admin").toString(),
                "REDIS_CLI", script.standIns("redis-cli").resolve("redis-cli").toString(),
                "STAND_IN_STATE", script.file("calls").toString()));

        assertThat(run.exitCode()).as(run.output()).isZero();
        List<List<String>> calls = calls(script.file("calls"));
        List<String> connection = List.of("auth " + admin, "-h", "redis.test", "-p", "6380", "--user", "parley-admin",
                "--no-auth-warning", "--tls");
        List<List<String>> expected = new ArrayList<>();
        declared().forEach((service, rules) -> {
            List<String> call = new ArrayList<>(connection);
            call.addAll(List.of("ACL", "SETUSER", service, "reset", "on", ">" + passwords.get(service)));
            if (service.equals("presence-service")) {
                call.add(">" + previous);
            }
            call.addAll(rules);
            expected.add(call);
        });
        List<String> save = new ArrayList<>(connection);
        save.addAll(List.of("ACL", "SAVE"));
        expected.add(save);
        assertThat(calls).isEqualTo(expected);
        passwords.values().forEach(p -> assertThat(run.output()).doesNotContain(p));
        assertThat(run.output()).doesNotContain(admin).doesNotContain(previous);
    }

    /** The stand-in's record: one argument a line, calls ended by "--". */
    private static List<List<String>> calls(Path file) {
        List<List<String>> calls = new ArrayList<>();
        List<String> call = new ArrayList<>();
        for (String line : ShippedScript.read(file).lines().toList()) {
            if (line.equals("--")) {
                calls.add(call);
                call = new ArrayList<>();
            } else {
                call.add(line);
            }
        }
        return calls;
    }
}
