package io.parley.chat.testkit;

/** A MongoDB a test talks to: the embedded wire server or a real mongod in a container. */
public interface MongoEndpoint {

    /** A connection string for the given database. */
    String uri(String database);
}
