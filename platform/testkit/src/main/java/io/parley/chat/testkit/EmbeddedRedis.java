package io.parley.chat.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import redis.embedded.RedisServer;

/**
 * A real redis-server process: the binary bundled by embedded-redis (6.2). Presence
 * is soft state, so no snapshot is written.
 */
public final class EmbeddedRedis implements AutoCloseable, RedisEndpoint {

    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static EmbeddedRedis start(int port, Path workDir) throws IOException {
        int chosen = port == 0 ? Ports.free() : Ports.requireFree(port, "Redis");
        Files.createDirectories(workDir);
        RedisServer server = RedisServer.newRedisServer()
                .bind("127.0.0.1")
                .port(chosen)
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("dir " + workDir.toAbsolutePath())
                .setting("notify-keyspace-events Ex")
                .onShutdownForceStop(true)
                .build();
        server.start();
        EmbeddedRedis redis = new EmbeddedRedis(server, chosen);
        Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "redis-stop"));
        return redis;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    public boolean isActive() {
        return server.isActive();
    }

    @Override
    public void stop() {
        close();
    }

    /** Starts the same server again on the same port, for outage tests. */
    @Override
    public void restart() throws IOException {
        server.start();
    }

    @Override
    public void close() {
        try {
            if (server.isActive()) {
                server.stop();
            }
        } catch (IOException e) {
            // already gone
        }
    }
}
