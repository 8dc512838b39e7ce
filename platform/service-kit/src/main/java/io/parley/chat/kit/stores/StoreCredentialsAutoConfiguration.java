package io.parley.chat.kit.stores;

import java.util.function.Consumer;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Checks the credentials a deployment gives the stores ({@link KafkaCredentials}, {@link
 * RedisCredentials}) as soon as Boot has bound their properties, so before any Kafka client or
 * Redis connection is built from them. The local run gives none and passes unchanged; Mongo's
 * credentials are part of {@code spring.mongodb.uri}, which the driver checks itself (and prints
 * with the password hidden).
 */
@AutoConfiguration(beforeName = {"org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"})
public class StoreCredentialsAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(KafkaProperties.class)
    static class Kafka {

        @Bean
        static BeanPostProcessor kafkaCredentialsCheck() {
            return checking(KafkaProperties.class, KafkaCredentials::check);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(DataRedisProperties.class)
    static class Redis {

        @Bean
        static BeanPostProcessor redisCredentialsCheck() {
            return checking(DataRedisProperties.class, RedisCredentials::check);
        }
    }

    /** Runs the check on the bound properties bean of that type, before anything that depends on it is built. */
    private static <T> BeanPostProcessor checking(Class<T> type, Consumer<T> check) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (type.isInstance(bean)) {
                    check.accept(type.cast(bean));
                }
                return bean;
            }
        };
    }
}
