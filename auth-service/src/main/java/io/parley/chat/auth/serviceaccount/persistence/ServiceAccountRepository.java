package io.parley.chat.auth.serviceaccount.persistence;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Mono;

@Repository
public class ServiceAccountRepository {

    private final ReactiveMongoTemplate mongo;

    ServiceAccountRepository(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Mono<ServiceAccountDocument> insert(ServiceAccountDocument account) {
        return mongo.insert(account);
    }

    public Mono<ServiceAccountDocument> findById(String clientId) {
        return mongo.findById(clientId, ServiceAccountDocument.class);
    }
}
