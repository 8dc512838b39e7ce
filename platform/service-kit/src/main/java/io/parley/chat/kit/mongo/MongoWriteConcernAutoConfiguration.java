package io.parley.chat.kit.mongo;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

import com.mongodb.WriteConcern;

/**
 * Write concern {@code majority} wherever the store is a real replica set (the
 * {@code docker} and {@code k8s} profiles), so that an acked message survives the loss
 * of the primary. {@code chat.mongo.write-concern} overrides it either way (for example
 * {@code w1} or {@code majority}); the embedded wire server of the local run and the
 * tests keeps the driver's default.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.mongodb.autoconfigure.MongoReactiveAutoConfiguration")
@ConditionalOnClass({WriteConcern.class, MongoClientSettingsBuilderCustomizer.class})
public class MongoWriteConcernAutoConfiguration {

    public static final String PROPERTY = "chat.mongo.write-concern";

    @Bean
    MongoClientSettingsBuilderCustomizer chatWriteConcern(Environment environment) {
        WriteConcern concern = writeConcern(environment);
        return builder -> {
            if (concern != null) {
                builder.writeConcern(concern);
            }
        };
    }

    static WriteConcern writeConcern(Environment environment) {
        String configured = environment.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            WriteConcern concern = WriteConcern.valueOf(configured.trim());
            if (concern == null) {
                throw new IllegalArgumentException(PROPERTY + "=" + configured
                        + " is not a write concern: use majority, w1, w2, w3, acknowledged or journaled");
            }
            return concern;
        }
        return environment.acceptsProfiles(Profiles.of("docker | k8s")) ? WriteConcern.MAJORITY : null;
    }
}
