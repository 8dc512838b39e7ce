package io.parley.chat.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free-port helpers: pick an ephemeral port, or insist that a fixed one is free and say which is not. */
public final class Ports {

    private Ports() {
    }

    /**
     * A port that is free now and stays out of the kernel's way: chosen at random below the
     * ephemeral range (where the kernel picks local ports for outgoing connections), so a
     * client socket opened anywhere on the machine between this check and the server's bind
     * cannot take it. Never the same port twice in one JVM.
     */
    public static int free() throws IOException {
        int below = ephemeralRangeStart();
        if (below > FIRST_CHOSEN + 1000) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = FIRST_CHOSEN + RANDOM.nextInt(below - FIRST_CHOSEN);
                if (port != MONGO_DEFAULT && isFree(port) && isFreeOnLoopback(port) && HANDED_OUT.add(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            HANDED_OUT.add(socket.getLocalPort());
            return socket.getLocalPort();
        }
    }

    /** Above the local cluster's fixed ports (6379, 8080-8085, 9092), which a developer's ./run may want. */
    private static final int FIRST_CHOSEN = 10_000;
    private static final int MONGO_DEFAULT = 27_017;
    private static final java.util.Random RANDOM = new java.security.SecureRandom();
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static int ephemeralRangeStart() {
        try {
            String range = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
            return Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0; // not Linux: fall back to a kernel-chosen port (note: Files.readString sees only part of a /proc file)
        }
    }

    private static boolean isFreeOnLoopback(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
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
