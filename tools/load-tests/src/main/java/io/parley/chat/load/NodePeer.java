package io.parley.chat.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.parley.chat.testkit.Ports;

/**
 * One of the Node peer servers of tools/load-tests/peers, run as a child process on a free
 * loopback port: started with the port as its argument, ready when it prints
 * {@code listening <port>}, stopped by closing its standard input (it exits when that
 * ends, so it also goes when this JVM dies) and, failing that, by a signal. Its standard
 * error, which only ever holds its start line and its closing count, goes to a log file.
 */
final class NodePeer implements AutoCloseable {

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private NodePeer(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** The node binary: {@code node=} when given, else /usr/bin/node when it exists, else node on the PATH. */
    static String nodeBinary(String given) {
        if (given != null && !given.isBlank()) {
            return given;
        }
        return Files.isExecutable(Path.of("/usr/bin/node")) ? "/usr/bin/node" : "node";
    }

    /** Runs {@code npm ci} in {@code dir} when its node_modules is missing; npm is taken from beside node when it is there. */
    static void install(Path dir, String node) throws IOException, InterruptedException {
        if (Files.isDirectory(dir.resolve("node_modules"))) {
            return;
        }
        Path beside = Path.of(node).toAbsolutePath().getParent().resolve("npm");
        String npm = Files.isExecutable(beside) ? beside.toString() : "npm";
        System.out.println("peers: node_modules missing, running npm ci in " + dir);
        Process install = new ProcessBuilder(npm, "ci", "--no-audit", "--no-fund").directory(dir.toFile())
                .inheritIO().start();
        if (!install.waitFor(10, TimeUnit.MINUTES)) {
            install.destroyForcibly();
            throw new IOException("npm ci did not finish in 10 minutes");
        }
        if (install.exitValue() != 0) {
            throw new IOException("npm ci failed with exit code " + install.exitValue());
        }
    }

    /** Starts {@code script} of {@code dir} on a free port and waits until it listens. */
    static NodePeer start(String name, String node, Path dir, String script, Path logDir) throws IOException {
        Files.createDirectories(logDir);
        int port = Ports.free();
        Path log = logDir.resolve(name + ".log");
        Process process = new ProcessBuilder(List.of(node, script, String.valueOf(port))).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = first.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while " + name + " started", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException(name + " did not say it listens within 30 s; see " + log, e);
        }
        if (line == null || !line.equals("listening " + port)) {
            process.destroyForcibly();
            throw new IOException(name + " did not start (exit " + (process.isAlive() ? "none" : process.exitValue())
                    + "); see " + log);
        }
        // nothing else is written there, but a full pipe must never stop the server
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discarded
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name + "-stdout");
        drain.setDaemon(true);
        drain.start();
        return new NodePeer(name, port, process, log);
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** The server's last line on standard error (its count of messages broadcast once it has exited). */
    String lastLogLine() {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
