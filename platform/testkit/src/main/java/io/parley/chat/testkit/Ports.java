package io.parley.chat.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free-port helpers: pick an ephemeral port, or insist that a fixed one is free and say which is not. */
public final class Ports {

    private Ports() {
    }

    public static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static int requireFree(int port, String what) throws IOException {
        if (!isFree(port)) {
            throw new PortInUseException(what, port);
        }
        return port;
    }

    /** A fixed port that something else already listens on. */
    public static final class PortInUseException extends IOException {
        public PortInUseException(String what, int port) {
            super("Port " + port + " (" + what + ") is already in use: stop what listens there, or choose another port");
        }
    }
}
