package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import io.parley.chat.cluster.LocalCluster;

/**
 * A service's Prometheus scrape as Prometheus sees it: every replica asked on its own port
 * (a counter of one replica behind the balancer says nothing about the service), the
 * series of all of them together.
 */
final class Metrics {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Metrics() {
    }

    /** The scrapes of every replica of {@code service}, one after another. */
    static String scrape(LocalCluster cluster, String service) throws Exception {
        StringBuilder all = new StringBuilder();
        for (int port : cluster.replicaPorts(service)) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("scrape of %s on %d", service, port).isEqualTo(200);
            all.append(response.body()).append('\n');
        }
        return all.toString();
    }

    /** The metric names in a scrape. */
    static Set<String> names(String scrape) {
        Set<String> names = new HashSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** The sum of a metric's series whose labels contain {@code label} ("" for all), over every replica. */
    static double sum(String scrape, String metric, String label) {
        return scrape.lines()
                .filter(line -> line.startsWith(metric + " ") || line.startsWith(metric + "{"))
                .filter(line -> line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
