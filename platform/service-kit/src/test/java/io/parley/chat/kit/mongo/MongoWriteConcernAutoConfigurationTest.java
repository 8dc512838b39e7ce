package io.parley.chat.kit.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import com.mongodb.WriteConcern;

class MongoWriteConcernAutoConfigurationTest {

    @Test
    void usesMajorityInTheDockerAndKubernetesProfiles() {
        assertThat(MongoWriteConcernAutoConfiguration.writeConcern(profiles("docker"))).isEqualTo(WriteConcern.MAJORITY);
        assertThat(MongoWriteConcernAutoConfiguration.writeConcern(profiles("k8s"))).isEqualTo(WriteConcern.MAJORITY);
    }

    @Test
    void keepsTheDriverDefaultForTheLocalRun() {
        assertThat(MongoWriteConcernAutoConfiguration.writeConcern(new MockEnvironment())).isNull();
    }

    @Test
    void anExplicitSettingWinsAndAnUnknownOneNamesTheSetting() {
        MockEnvironment env = profiles("k8s").withProperty(MongoWriteConcernAutoConfiguration.PROPERTY, "w1");
        assertThat(MongoWriteConcernAutoConfiguration.writeConcern(env)).isEqualTo(WriteConcern.W1);
        MockEnvironment bad = new MockEnvironment().withProperty(MongoWriteConcernAutoConfiguration.PROPERTY, "most");
        assertThatThrownBy(() -> MongoWriteConcernAutoConfiguration.writeConcern(bad))
                .hasMessageContaining("chat.mongo.write-concern=most");
    }

    private static MockEnvironment profiles(String... active) {
        MockEnvironment env = new MockEnvironment();
        env.setActiveProfiles(active);
        return env;
    }
}
