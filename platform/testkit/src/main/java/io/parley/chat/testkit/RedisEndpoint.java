package io.parley.chat.testkit;

import java.io.IOException;

/** A Redis a test talks to, which outage tests can take away and bring back on the same address. */
public interface RedisEndpoint {

    String host();

    int port();

    void stop();

    void restart() throws IOException;
}
