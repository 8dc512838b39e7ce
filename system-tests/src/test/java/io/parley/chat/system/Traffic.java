package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

import io.parley.chat.cluster.LocalCluster;
import tools.jackson.databind.JsonNode;

/**
 * Paced chat traffic through the gateway for tests that break the cluster while it runs:
 * users in group conversations, one {@link FaultClient} socket each (per-user caps on),
 * every fifth send at the largest body; a member reads history over REST the whole time,
 * and a non-member and a user of another tenant try to. {@link #during} measures one fault;
 * {@link #settleAndCheck} compares, at the end, what every client recorded with history.
 */
final class Traffic implements AutoCloseable {

    /**
     * One fault: what breaks, for how long, and how it is put right; {@code then} runs once the
     * clients are measured working again (a rollout's replacement replica starts then).
     */
    record Fault(String name, String reproduce, Step inject, Duration hold, Step restore, Step then) {

        Fault(String name, String reproduce, Step inject, Duration hold, Step restore) {
            this(name, reproduce, inject, hold, restore, () -> { });
        }
    }

    interface Step {
        void run() throws Exception;
    }

    /** What the clients saw during one fault. */
    record Row(String fault, String reproduce, List<String> acked, long longestAckGapMs, long longestDownMs, int drops,
               long recoveryMs, int newViolations) {

        /** The figures, with the number of sends acked rather than their ids: a failed assertion stays readable. */
        @Override
        public String toString() {
            return "Row[%s: %d acked, longest ack gap %d ms, longest down %d ms, %d drops, working again after %d ms,"
                    .formatted(fault, acked.size(), longestAckGapMs, longestDownMs, drops, recoveryMs)
                    + " %d new violations]".formatted(newViolations);
        }
    }

    record History(long headSeq, Map<Long, JsonNode> entries) {
    }

    private final LocalCluster cluster;
    private final Api api;
    private final int members;
    /** A client works when it is live and no send of it waits for its ack longer than this. */
    private final Duration working;
    private final Duration recoveryBound;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(4, task -> {
        Thread thread = new Thread(task, "traffic-clients");
        thread.setDaemon(true);
        return thread;
    });
    /** The REST readers' own thread: a read held up by a fault must not hold up the clients' timers. */
    private final ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "traffic-rest-reader");
        thread.setDaemon(true);
        return thread;
    });
    private final List<FaultClient> clients = new ArrayList<>();
    private final List<String> conversations = new ArrayList<>();
    private final List<Api.User> users;
    private final List<String> restViolations = new CopyOnWriteArrayList<>();
    private final Map<Integer, AtomicLong> restStatuses = new ConcurrentHashMap<>();

    /**
     * Registers {@code conversations} × {@code members} users in a new tenant, a non-member
     * and a user of another tenant, makes the groups, and starts every client and the reader.
     */
    Traffic(LocalCluster cluster, Api api, int conversations, int members, Duration sendEvery, Duration working,
            Duration recoveryBound) throws Exception {
        this.cluster = cluster;
        this.api = api;
        this.members = members;
        this.working = working;
        this.recoveryBound = recoveryBound;
        String tenant = api.newTenant(cluster);
        users = register(api, tenant, conversations * members + 1);
        Api.User nonMember = users.remove(users.size() - 1);
        Api.User foreign = register(api, api.newTenant(cluster), 1).get(0);
        for (int c = 0; c < conversations; c++) {
            List<Api.User> group = users.subList(c * members, (c + 1) * members);
            String conversation = api.createGroup(group.get(0), group.subList(1, members).stream().map(Api.User::id)
                    .toList());
            this.conversations.add(conversation);
            for (int m = 0; m < members; m++) {
                clients.add(new FaultClient("u" + (c * members + m), cluster.gatewayWebSocketUrl(), group.get(m),
                        conversation, sendEvery, timer));
            }
        }
        System.out.printf("traffic: %d clients connecting over 5 s%n", clients.size());
        clients.forEach(client -> client.start(Duration.ofSeconds(5)));
        reader.scheduleWithFixedDelay(() -> readAsOutsiders(nonMember, foreign), 200, 200, TimeUnit.MILLISECONDS);
    }

    List<String> conversations() {
        return conversations;
    }

    /**
     * Injects a fault, holds it, puts it right, waits until every client works again, and lets
     * the traffic go on 3 s more so that what the fault held back shows in the row.
     */
    Row during(Fault fault) throws Exception {
        System.out.println("fault: " + fault.name());
        window();
        int violationsBefore = violations().size();
        long started = System.nanoTime();
        // the last moment some client was not working, seen every 100 ms from the fault on
        AtomicLong lastNotWorking = new AtomicLong(started);
        ScheduledFuture<?> watch = timer.scheduleAtFixedRate(() -> {
            if (!allWorking()) {
                lastNotWorking.set(System.nanoTime());
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
        fault.inject().run();
        Thread.sleep(fault.hold().toMillis());
        fault.restore().run();
        awaitWorking(fault.name());
        Thread.sleep(3_000);
        watch.cancel(false);
        fault.then().run();
        long recovered = lastNotWorking.get() - started;
        List<FaultClient.Window> windows = window();
        System.out.printf("fault: %s: slowest handshake %d ms, slowest subscribe after it %d ms; %d failed connects"
                        + " or errored sockets, e.g. %s%n", fault.name(),
                max(windows, FaultClient.Window::longestHandshakeNanos), max(windows, FaultClient.Window::longestSubscribeNanos),
                windows.stream().mapToInt(FaultClient.Window::connectFailures).sum(),
                windows.stream().map(FaultClient.Window::lastConnectError).filter(java.util.Objects::nonNull).distinct()
                        .limit(3).toList());
        return new Row(fault.name(), fault.reproduce(), windows.stream().flatMap(w -> w.acked().stream()).toList(),
                max(windows, FaultClient.Window::longestAckGapNanos), max(windows, FaultClient.Window::longestDownNanos),
                windows.stream().mapToInt(FaultClient.Window::drops).sum(), TimeUnit.NANOSECONDS.toMillis(recovered),
                violations().size() - violationsBefore);
    }

    /**
     * What a rolling update does to one pod: out of the Service's endpoints, SIGTERM, wait for it
     * to drain and exit. Its replacement starts once the clients are measured back: Kubernetes
     * starts it first (maxSurge 1), on capacity of its own, while here a starting JVM would take
     * one of the machine's two cores from the replicas that take the clients over.
     */
    static Fault rollOut(LocalCluster cluster, String name, String service) {
        return new Fault(name, "LocalCluster.stop(\"" + service + "\", 0, 60 s)",
                () -> cluster.stop(service, 0, Duration.ofSeconds(60)), Duration.ZERO, () -> { },
                () -> restartInBackground(cluster, service));
    }

    /** kill -9 of one replica, started again after {@code down}. */
    static Fault killAndRestart(LocalCluster cluster, String name, String service, Duration down) {
        return new Fault(name, "LocalCluster.kill(\"" + service + "\", 0)", () -> cluster.kill(service, 0), down,
                () -> restartInBackground(cluster, service));
    }

    private static void restartInBackground(LocalCluster cluster, String service) {
        new Thread(() -> {
            try {
                cluster.restart(service, 0, Duration.ofSeconds(180));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "restart-" + service).start();
    }

    boolean allWorking() {
        return clients.stream().allMatch(c -> c.working(working));
    }

    /** Until every client is live with no send unacked for longer than the working bound. */
    void awaitWorking(String after) throws InterruptedException {
        long deadline = System.nanoTime() + recoveryBound.toNanos();
        while (!allWorking()) {
            if (System.nanoTime() > deadline) {
                List<FaultClient> notWorking = clients.stream().filter(c -> !c.working(working)).toList();
                System.out.println("balancer errors: " + cluster.balancerErrors());
                throw new AssertionError(notWorking.size() + " clients not working " + recoveryBound + " after " + after
                        + ", for example " + notWorking.stream().limit(5).map(FaultClient::describe).toList());
            }
            Thread.sleep(100);
        }
    }

    /** The clients' figures since the last call, and a new window begun. */
    List<FaultClient.Window> window() {
        return clients.stream().map(FaultClient::window).toList();
    }

    List<String> violations() {
        return clients.stream().flatMap(c -> c.violations().stream()).toList();
    }

    /** REST answers that break a promise: a 5xx without retryable, an outsider served, a member refused. */
    List<String> restViolations() {
        return restViolations;
    }

    /**
     * Stops sending, waits until every send is acked and every client holds its
     * conversation's head, then checks dense seqs, every acked send stored once at the seq its
     * ack gave, and every client's stream against history. Returns what is lost or doubled,
     * by clientMsgId (or client).
     */
    Map<String, String> settleAndCheck(Map<String, History> histories) throws Exception {
        clients.forEach(FaultClient::stopSending);
        long deadline = System.nanoTime() + recoveryBound.toNanos();
        while (true) {
            histories.clear();
            for (int c = 0; c < conversations.size(); c++) {
                histories.put(conversations.get(c), history(conversations.get(c), users.get(c * members)));
            }
            if (clients.stream().allMatch(client -> client.settled(histories.get(client.conversationId()).headSeq()))) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(clients.stream()
                        .filter(client -> !client.settled(histories.get(client.conversationId()).headSeq())).count()
                        + " clients still had unacked sends or missing entries " + recoveryBound + " after the last fault");
            }
            Thread.sleep(500);
        }
        return check(histories);
    }

    /** The whole history of a conversation, page by page (200 entries, the largest page), following nextCursor. */
    private History history(String conversationId, Api.User member) throws Exception {
        Map<Long, JsonNode> entries = new LinkedHashMap<>();
        long after = 0;
        String query = "afterSeq=0&limit=200";
        while (true) {
            Api.Reply page = api.call("GET", "/api/v1/conversations/" + conversationId + "/messages?" + query,
                    member.token(), null);
            Api.expect(page, 200);
            for (JsonNode entry : page.body().path("items")) {
                long seq = entry.path("seq").asLong();
                assertThat(entries.put(seq, entry)).as("seq %d of %s listed twice", seq, conversationId).isNull();
                after = seq;
            }
            if (page.body().path("nextCursor").isNull()) {
                return new History(after, entries);
            }
            query = "limit=200&cursor=" + page.body().path("nextCursor").asString();
        }
    }

    private Map<String, String> check(Map<String, History> histories) {
        Map<String, String> problems = new LinkedHashMap<>();
        Map<String, Map<String, Long>> storedByConversation = new HashMap<>();
        histories.forEach((conversation, history) -> {
            for (long seq = 1; seq <= history.headSeq(); seq++) {
                if (!history.entries().containsKey(seq)) {
                    problems.put(conversation + "#" + seq, "seq missing from history");
                }
            }
            Map<String, Long> stored = new HashMap<>();
            history.entries().values().stream().filter(e -> "created".equals(e.path("event").asString()))
                    .forEach(e -> {
                        Long earlier = stored.put(e.path("clientMsgId").asString(), e.path("seq").asLong());
                        if (earlier != null) {
                            problems.put(e.path("clientMsgId").asString(), "stored twice, at " + earlier + " and "
                                    + e.path("seq").asLong());
                        }
                    });
            storedByConversation.put(conversation, stored);
        });
        for (FaultClient client : clients) {
            Map<String, Long> stored = storedByConversation.get(client.conversationId());
            client.acked().forEach((clientMsgId, seq) -> {
                if (!seq.equals(stored.get(clientMsgId))) {
                    problems.put(clientMsgId, "acked at seq " + seq + ", stored at " + stored.get(clientMsgId));
                }
            });
            Map<Long, String> expected = new HashMap<>();
            stored.forEach((clientMsgId, seq) -> expected.put(seq, clientMsgId));
            if (!client.createdBySeq().equals(expected)) {
                problems.put(client.toString(), "the stream differs from history");
            }
        }
        return problems;
    }

    /** The rows as a Markdown table, with the totals under it. */
    String table(List<Row> rows, Map<String, History> histories, Map<String, String> problems) {
        long acked = clients.stream().mapToLong(c -> c.acked().size()).sum();
        long sent = clients.stream().mapToLong(FaultClient::sent).sum();
        long redelivered = clients.stream().mapToLong(FaultClient::redelivered).sum();
        long stored = histories.values().stream().mapToLong(h -> h.entries().size()).sum();
        StringBuilder table = new StringBuilder();
        table.append("| fault | acked in window | lost | duplicated | misordered or gaps | longest wait for an ack"
                + " | longest a socket was down | drops | working again after |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            long lost = row.acked().stream().filter(id -> problems.containsKey(id) && !problems.get(id).contains("twice"))
                    .count();
            long doubled = row.acked().stream().filter(id -> problems.containsKey(id) && problems.get(id).contains("twice"))
                    .count();
            table.append(String.format("| %s | %,d | %d | %d | %d | %,d ms | %,d ms | %d | %,d ms |%n", row.fault(),
                    row.acked().size(), lost, doubled, row.newViolations(), row.longestAckGapMs(), row.longestDownMs(),
                    row.drops(), row.recoveryMs()));
        }
        table.append(String.format("%n%,d clients; %,d sends, %,d acked, %,d entries in history over %d conversations;"
                        + " %,d entries redelivered after resumes and dropped by seq; REST answers by status: %s%n",
                clients.size(), sent, acked, stored, histories.size(), redelivered, new TreeMap<>(restStatuses)));
        return table.toString();
    }

    /** Registers and logs in, waiting out the anonymous rate limit (one client address registers them all). */
    static List<Api.User> register(Api api, String tenant, int count) throws Exception {
        List<Api.User> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String username = "f" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
            String password = "pw-" + UUID.randomUUID();
            Api.Reply registered = patiently(api, "POST", "/api/v1/auth/register", Map.of("tenant", tenant,
                    "username", username, "password", password, "displayName", "User " + i));
            Api.expect(registered, 201);
            Api.Reply login = patiently(api, "POST", "/api/v1/auth/login", Map.of("tenant", tenant,
                    "username", username, "password", password));
            Api.expect(login, 200);
            users.add(new Api.User(registered.body().get("id").asString(), login.body().get("accessToken").asString()));
        }
        return users;
    }

    private static Api.Reply patiently(Api api, String method, String path, Object body) throws Exception {
        for (int attempt = 0; ; attempt++) {
            Api.Reply reply = api.call(method, path, null, body);
            if (reply.status() != 429 || attempt > 100) {
                return reply;
            }
            Thread.sleep(250);
        }
    }

    /**
     * A member reads recent history over REST; a non-member of the tenant and a user of
     * another tenant try to read the same conversation. Every answer is recorded, and a
     * 5xx without {@code retryable: true} or an outsider who gets the history is a violation.
     */
    private void readAsOutsiders(Api.User nonMember, Api.User foreign) {
        int c = ThreadLocalRandom.current().nextInt(conversations.size());
        String path = "/api/v1/conversations/" + conversations.get(c) + "/messages?limit=200";
        read(path, users.get(c * members + ThreadLocalRandom.current().nextInt(members)), true);
        read(path, nonMember, false);
        read(path, foreign, false);
    }

    private void read(String path, Api.User user, boolean member) {
        try {
            Api.Reply reply = api.call("GET", path, user.token(), null);
            restStatuses.computeIfAbsent(reply.status(), s -> new AtomicLong()).incrementAndGet();
            if (reply.status() >= 500 && !reply.body().path("retryable").asBoolean(false)) {
                restViolations.add(reply.status() + " without retryable on " + path + ": " + reply.body());
            }
            if (!member && reply.status() < 300) {
                restViolations.add("an outsider read " + path + ": " + reply.status());
            }
            if (member && reply.status() >= 400 && reply.status() < 500 && reply.status() != 429) {
                restViolations.add("a member was refused " + path + ": " + reply.status() + " " + reply.body());
            }
        } catch (IOException e) {
            restStatuses.computeIfAbsent(-1, s -> new AtomicLong()).incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long max(List<FaultClient.Window> windows, ToLongFunction<FaultClient.Window> f) {
        return TimeUnit.NANOSECONDS.toMillis(windows.stream().mapToLong(f).max().orElse(0));
    }

    /** The replicas restarted in the background are ready, so that each fault meets every replica. */
    void awaitAllRunning(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!cluster.allRunning()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("a restarted replica did not come back in " + bound);
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void close() {
        clients.forEach(FaultClient::close);
        timer.shutdownNow();
        reader.shutdownNow();
    }
}
