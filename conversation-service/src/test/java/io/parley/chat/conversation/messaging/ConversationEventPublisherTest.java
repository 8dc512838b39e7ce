package io.parley.chat.conversation.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import io.parley.chat.conversation.Conversation;
import io.parley.chat.conversation.ConversationType;
import io.parley.chat.conversation.Member;
import io.parley.chat.conversation.Role;
import io.parley.chat.conversation.config.ConversationProperties;
import io.parley.chat.testkit.Ports;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

class ConversationEventPublisherTest {

    @Test
    void completesWithinThePublishTimeoutWhenKafkaIsUnreachable() throws Exception {
        // a port nothing listens on: the real client, not a mock, fails to reach a broker
        var factory = new DefaultKafkaProducerFactory<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + Ports.free(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        try {
            var publisher = new ConversationEventPublisher(new KafkaTemplate<>(factory), JsonMapper.builder().build(),
                    new ConversationProperties(Duration.ofMillis(500)));
            Instant now = Instant.now();
            var conversation = new Conversation("c1", "t1", ConversationType.GROUP, "title", "u1", now, now, null, null, 0, now);

            StepVerifier.create(publisher.publishCreated(conversation,
                            List.of(new Member("c1", "t1", "u1", Role.OWNER, now, 0))))
                    .expectComplete()
                    .verify(Duration.ofSeconds(5));
        } finally {
            factory.destroy();
        }
    }
}
