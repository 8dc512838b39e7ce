package io.parley.chat.gateway;

import java.util.Arrays;
import java.util.List;

import org.springframework.test.web.reactive.server.WebTestClient;

/** One scrape of a gateway's {@code /actuator/prometheus}, as Prometheus would read it. */
final class Metrics {

    private final List<String> lines;

    private Metrics(String body) {
        this.lines = body.lines().filter(line -> !line.startsWith("#")).toList();
    }

    static Metrics of(WebTestClient gateway) {
        // a scrape grows with every route, status and client call the JVM has seen: past the default 256 KB by the
        // time a test class late in the run scrapes
        WebTestClient scraper = gateway.mutate().codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .build();
        return new Metrics(scraper.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
    }

    /** The series of {@code name} whose labels include every {@code label="value"} given. */
    List<String> series(String name, String... labels) {
        return lines.stream()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> Arrays.stream(labels).allMatch(line::contains))
                .toList();
    }

    /** The value of the one series of {@code name} whose labels include every {@code label="value"} given. */
    double value(String name, String... labels) {
        List<String> series = series(name, labels);
        if (series.size() != 1) {
            throw new AssertionError("expected one series " + name + " " + Arrays.toString(labels) + ", found " + series);
        }
        String line = series.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
