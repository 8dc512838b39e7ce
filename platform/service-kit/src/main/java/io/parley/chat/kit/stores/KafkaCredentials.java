package io.parley.chat.kit.stores;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * Checks the Kafka client settings a deployment gives (Spring Boot's own: {@code
 * spring.kafka.security.protocol}, {@code spring.kafka.properties[sasl.mechanism]} and {@code
 * spring.kafka.properties[sasl.jaas.config]}, from the environment as {@code
 * SPRING_KAFKA_SECURITY_PROTOCOL}, {@code SPRING_KAFKA_PROPERTIES_SASL_MECHANISM} and {@code
 * SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG}) before any client is built, so that a half-given
 * configuration stops startup with the name of the setting instead of a JAAS stack trace from the
 * first client, or worse, a service that quietly connects without the credentials it was given.
 * The values are never part of a message: a JAAS line carries a password.
 */
final class KafkaCredentials {

    static final String PROTOCOL = "spring.kafka.security.protocol (SPRING_KAFKA_SECURITY_PROTOCOL)";
    static final String MECHANISM = "spring.kafka.properties[sasl.mechanism] (SPRING_KAFKA_PROPERTIES_SASL_MECHANISM)";
    static final String JAAS = "spring.kafka.properties[sasl.jaas.config] (SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG)";

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    /** Mechanisms whose login module takes a username and a password (GSSAPI and OAUTHBEARER take other options). */
    private static final Set<String> PASSWORD_MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
    /** One login module, as Kafka's JaasConfig reads it: class, control flag, options (quoted values may escape), ';'. */
    private static final Pattern JAAS_LINE = Pattern.compile(
            "\\s*[\\w.$]+\\s+(?i:required|requisite|sufficient|optional)"
                    + "(\\s+[\\w.-]+\\s*=\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s;\"=]+))*\\s*;\\s*");
    private static final Pattern OPTION = Pattern.compile("\\s([\\w.-]+)\\s*=\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s;\"=]+)");

    private KafkaCredentials() {
    }

    /** Every client a service builds from these properties: admin (topic creation, checks, health), producer, consumer. */
    static void check(KafkaProperties properties) {
        boolean jaasElsewhere = properties.getJaas().isEnabled() || System.getProperty("java.security.auth.login.config") != null;
        check("admin", properties.buildAdminProperties(), jaasElsewhere);
        check("producer", properties.buildProducerProperties(), jaasElsewhere);
        check("consumer", properties.buildConsumerProperties(), jaasElsewhere);
    }

    /**
     * @param client        which client's configuration it is, for the message
     * @param jaasElsewhere whether a JAAS file or spring.kafka.jaas provides the login instead of sasl.jaas.config
     */
    static void check(String client, Map<String, Object> config, boolean jaasElsewhere) {
        String protocol = text(config.get("security.protocol"));
        protocol = protocol == null ? "PLAINTEXT" : protocol.toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException(PROTOCOL + " of the Kafka " + client + " is " + protocol
                    + ": use SASL_SSL (or SASL_PLAINTEXT on a network nobody else can read), SSL or PLAINTEXT");
        }
        String jaas = text(config.get("sasl.jaas.config"));
        if (!protocol.startsWith("SASL_")) {
            if (jaas != null) {
                throw new IllegalArgumentException(JAAS + " is set but " + PROTOCOL + " of the Kafka " + client + " is "
                        + protocol + ", so the credentials would never be sent: set the protocol to SASL_SSL or SASL_PLAINTEXT");
            }
            return;
        }
        String mechanism = text(config.get("sasl.mechanism"));
        if (mechanism == null) {
            throw new IllegalArgumentException(PROTOCOL + " of the Kafka " + client + " is " + protocol + " but " + MECHANISM
                    + " is not set (Kafka would fall back to Kerberos, GSSAPI): set it, e.g. to SCRAM-SHA-512");
        }
        if (jaas == null) {
            if (jaasElsewhere) {
                return;
            }
            throw new IllegalArgumentException(PROTOCOL + " of the Kafka " + client + " is " + protocol + " but " + JAAS
                    + " is not set: give the service's login, e.g. org.apache.kafka.common.security.scram.ScramLoginModule"
                    + " required username=\"...\" password=\"...\";");
        }
        if (!JAAS_LINE.matcher(jaas).matches()) {
            throw new IllegalArgumentException(JAAS + " is not one JAAS login module line of the form <LoginModule class>"
                    + " required username=\"...\" password=\"...\"; (a \" or \\ in a quoted value must be escaped with \\;"
                    + " the value is not shown)");
        }
        if (PASSWORD_MECHANISMS.contains(mechanism.toUpperCase(Locale.ROOT))) {
            Matcher option = OPTION.matcher(jaas);
            Set<String> found = new java.util.HashSet<>();
            while (option.find()) {
                String value = option.group(2);
                if (!value.isEmpty() && !value.equals("\"\"")) {
                    found.add(option.group(1));
                }
            }
            if (!found.contains("username") || !found.contains("password")) {
                throw new IllegalArgumentException(JAAS + " gives no non-empty " + (found.contains("username") ? "password" : "username")
                        + " option, which " + mechanism + " needs (the value is not shown)");
            }
        }
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String text = value.toString();
        return text.isBlank() ? null : text.strip();
    }
}
