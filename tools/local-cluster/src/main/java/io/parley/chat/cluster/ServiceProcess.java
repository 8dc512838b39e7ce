package io.parley.chat.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One service of the cluster, run from its fat jar as a child JVM with its output in a log file. */
final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path log;
    private final ProcessBuilder builder;
    private volatile Process process;

    private ServiceProcess(String name, int port, Path log, ProcessBuilder builder) throws IOException {
        this.name = name;
        this.port = port;
        this.log = log;
        this.builder = builder;
        this.process = builder.start();
    }

    /**
     * @param name      the process's name in logs and reports ({@code message-service-2} for a second replica)
     * @param arguments Spring Boot arguments ({@code --name=value}), which win over the environment and application.yaml
     */
    static ServiceProcess start(String name, Path jar, int port, Map<String, String> env, List<String> jvmOptions,
                                List<String> arguments, Path logDir) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException(name + ": " + jar + " does not exist; build first (./mvnw -DskipTests package)");
        }
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        // properties passed to SpringApplicationBuilder are only defaults; an argument wins over application.yaml
        command.add("--server.port=" + port);
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        builder.environment().put("PORT", String.valueOf(port));
        Files.deleteIfExists(log);
        return new ServiceProcess(name, port, log, builder);
    }

    /** kill -9: the process ends at once, with no drain and no goodbye to anyone. */
    void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the process again with the same command, port and environment (its log continues). */
    synchronized void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        process = builder.start();
    }

    boolean isAlive() {
        return process.isAlive();
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

    Path log() {
        return log;
    }

    /** Polls readiness until it answers 200; fails early when the process exits. */
    void awaitReady(long deadlineNanos) throws IOException {
        while (System.nanoTime() < deadlineNanos) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with code " + process.exitValue() + " during startup; last lines of "
                        + log + ":\n" + tail(40));
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new IOException("interrupted while waiting for " + name);
            }
            if (isReady()) {
                return;
            }
            pause();
        }
        throw new IOException(name + " was not ready in time; last lines of " + log + ":\n" + tail(40));
    }

    /** Running, and its readiness answers 200 now. */
    boolean isReady() {
        if (!process.isAlive()) {
            return false;
        }
        URI readiness = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
        try {
            return HTTP.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Resident memory of the process in MiB, from /proc (Linux); -1 elsewhere. */
    long rssMiB() {
        return Rss.of(process.pid());
    }

    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
