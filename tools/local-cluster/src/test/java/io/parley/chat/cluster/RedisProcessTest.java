package io.parley.chat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.parley.chat.testkit.EmbeddedRedis;
import io.parley.chat.testkit.Ports;

/**
 * The fault suite's kill -9 of redis-server finds the real process by its port. embedded-redis
 * passes the port in a config file, not on the command line, which the first version of the
 * lookup missed: the suite's Redis fault failed with "no redis-server process found".
 */
class RedisProcessTest {

    @Test
    void theRedisServerOfAPortIsFoundAndNoOtherPortsIs(@TempDir Path dir) throws Exception {
        EmbeddedRedis redis = EmbeddedRedis.start(0, dir);
        try {
            assertThat(LocalCluster.redisServersOn(redis.port())).hasSize(1).allMatch(ProcessHandle::isAlive);
            assertThat(LocalCluster.redisServersOn(Ports.free())).isEmpty();
        } finally {
            redis.close();
        }
    }
}
