package io.parley.chat.auth.token.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import com.nimbusds.jose.jwk.ECKey;

import io.parley.chat.auth.AuthServiceTestBase;
import io.parley.chat.testkit.TestTokens;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

class SigningKeyRepositoryIT extends AuthServiceTestBase {

    @Autowired
    SigningKeyRepository keys;

    @Test
    void replicasProposingKeysAtOnceAllEndUpWithOneKey() {
        String id = "race-" + UUID.randomUUID();
        try {
            List<String> kids = Flux.range(0, 8)
                    .flatMap(i -> keys.insertIfMissing(candidate(id)).subscribeOn(Schedulers.parallel()))
                    .map(SigningKeyDocument::kid)
                    .collectList().block(Duration.ofSeconds(30));

            assertThat(kids).hasSize(8).containsOnly(kids.get(0));
            assertThat(mongo.count(Query.query(Criteria.where("_id").is(id)), SigningKeyDocument.class)
                    .block(Duration.ofSeconds(10))).isEqualTo(1);
        } finally {
            mongo.remove(Query.query(Criteria.where("_id").is(id)), SigningKeyDocument.class).block(Duration.ofSeconds(10));
        }
    }

    @Test
    void anExistingKeyIsNeverReplaced() {
        SigningKeyDocument active = mongo.findById("active", SigningKeyDocument.class).block(Duration.ofSeconds(10));
        SigningKeyDocument after = keys.insertIfMissing(candidate("active")).block(Duration.ofSeconds(10));
        assertThat(after).isEqualTo(active);
    }

    private static SigningKeyDocument candidate(String id) {
        ECKey key = TestTokens.generateKey();
        return new SigningKeyDocument(id, key.getKeyID(), "ES256", key.toJSONString(), Instant.now());
    }
}
