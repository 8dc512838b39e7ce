package io.parley.chat.kit.stores;

import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;

/**
 * Checks Spring Boot's Redis login ({@code spring.data.redis.username} and {@code .password},
 * from the environment as {@code SPRING_DATA_REDIS_USERNAME} and {@code SPRING_DATA_REDIS_PASSWORD})
 * before the connection factory is built. A username without a password makes Spring Data send no
 * AUTH at all: the service would run as Redis's default user, and since the gateway's rate limits
 * fail open and presence degrades to unknown while Redis refuses, nothing else would say so.
 */
final class RedisCredentials {

    static final String USERNAME = "spring.data.redis.username (SPRING_DATA_REDIS_USERNAME)";
    static final String PASSWORD = "spring.data.redis.password (SPRING_DATA_REDIS_PASSWORD)";

    private RedisCredentials() {
    }

    static void check(DataRedisProperties properties) {
        boolean username = hasText(properties.getUsername());
        boolean password = hasText(properties.getPassword());
        if (username && !password) {
            throw new IllegalArgumentException(USERNAME + " is set but " + PASSWORD + " is not: a Redis ACL user logs in with"
                    + " both, and without a password no AUTH is sent at all");
        }
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
