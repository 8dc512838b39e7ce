package io.parley.chat.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * mongo-java-server: the MongoDB wire protocol in Java, so the real driver talks to it
 * over TCP. In memory for tests; on an H2 file for the local run, so data survives a
 * restart. It has no transactions and no text search: the services use neither.
 */
public final class EmbeddedMongo implements AutoCloseable, MongoEndpoint {

    private final MongoServer server;
    private final InetSocketAddress address;

    private EmbeddedMongo(MongoServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    public static EmbeddedMongo inMemory() throws IOException {
        return start(new MemoryBackend(), 0);
    }

    /** Keeps the data in {@code file} (created when missing) and listens on {@code port} (0 picks one). */
    public static EmbeddedMongo onDisk(Path file, int port) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return start(new H2Backend(file.toAbsolutePath().toString()), port);
    }

    private static EmbeddedMongo start(MongoBackend backend, int port) throws IOException {
        int chosen = port == 0 ? Ports.free() : Ports.requireFree(port, "MongoDB");
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", chosen);
        return new EmbeddedMongo(server, new InetSocketAddress("127.0.0.1", chosen));
    }

    /** A connection string for the given database. */
    @Override
    public String uri(String database) {
        return "mongodb://127.0.0.1:" + address.getPort() + "/" + database;
    }

    public int port() {
        return address.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
