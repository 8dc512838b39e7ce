// ParleyClient against a fake WebSocket and a fake fetch, both injected: what a caller relies
// on (one clientMsgId per message however often it goes, resume after the last seq held, each
// seq applied once, the token source used everywhere, errors and `reconnect` frames handled).
import { test } from "node:test";
import assert from "node:assert/strict";

import { ParleyClient } from "../../main/resources/static/lib/parley.js";
import { MemoryStorage, eventually, fakeFetch, fakeWebSocket, settle } from "./fakes.js";

const ALICE = { id: "u-alice", tenantId: "t1", username: "alice", displayName: "Alice" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LOGIN = { tenant: "default", username: "alice", password: "correct-horse-42" };

function entry(seq, overrides = {}) {
    return {
        conversationId: "c1", seq, event: "created", messageId: "m" + seq, senderId: "u-bob", clientMsgId: null,
        body: "message " + seq, createdAt: new Date(1700000000000 + seq * 1000).toISOString(), editedAt: null,
        ...overrides,
    };
}

/** The live frame of a log entry: the same shape, with its type. */
function live(seq, overrides = {}) {
    return { type: "message", ...entry(seq, overrides) };
}

function setup(t, { routes = {}, getToken, storage = new MemoryStorage(), history = [], quiet = true, requestTimeoutMs } = {}) {
    if (quiet) {
        t.mock.method(console, "debug", () => undefined); // the connection's trace; its own test reads it
    }
    const ws = fakeWebSocket();
    const http = fakeFetch({
        "POST /api/v1/auth/login": {
            body: { accessToken: "access-1", tokenType: "Bearer", expiresIn: 900, refreshToken: "refresh-1",
                refreshExpiresIn: 86400, user: ALICE },
        },
        "GET /api/v1/auth/me": { body: { ...ALICE, roles: ["member"] } },
        "GET /api/v1/conversations": { body: { items: [], nextCursor: null } },
        "GET /api/v1/conversations/c1/messages": { body: { items: history, nextCursor: null } },
        ...routes,
    });
    const client = new ParleyClient({
        baseUrl: "http://gateway.test/", WebSocket: ws.WebSocket, fetch: http.fetch, storage, getToken, requestTimeoutMs,
    });
    t.after(() => client.disconnect());
    return { client, ws, http };
}

/** Waits for the client's next socket and opens it from the server's side. */
async function accepted(ws, index) {
    const socket = await eventually(() => ws.sockets[index], "socket #" + (index + 1));
    socket.accept();
    return socket;
}

/** A logged-in client with its socket accepted, opening "c1": its subscribe is the socket's first frame. */
async function openingC1(t, options) {
    const { client, ws } = setup(t, options);
    await client.login(LOGIN);
    client.connect();
    const socket = await accepted(ws, 0);
    return { client, ws, socket, opening: client.open("c1") };
}

/** Answers the next subscribe frame on the socket; returns it. */
async function answerSubscribe(socket, headSeq = 0) {
    const frame = await eventually(() => socket.frames("subscribe").find(f => !f.answered), "a subscribe frame");
    frame.answered = true;
    socket.deliver({ type: "subscribed", id: frame.id, conversationId: frame.conversationId, headSeq });
    return frame;
}

function seqs(client) {
    return client.conversation("c1").messages().map(m => m.seq);
}

test("send gives the message a clientMsgId and, unacked when the socket goes, sends the same one after the reconnect", async t => {
    const { client, ws } = setup(t);
    await client.login(LOGIN);
    client.connect();
    const first = await accepted(ws, 0);

    const clientMsgId = client.send("c1", "hello");
    assert.match(clientMsgId, UUID);
    const sent = await eventually(() => first.frames("send")[0], "the send frame");
    assert.deepEqual({ ...sent, id: undefined },
        { type: "send", conversationId: "c1", clientMsgId, body: "hello", id: undefined });
    assert.equal(client.conversation("c1").messages()[0].status, "pending");
    assert.equal(client.queued, 1);

    first.drop(1006); // gone before the ack
    const second = await accepted(ws, 1);
    const resent = await eventually(() => second.frames("send")[0], "the send frame again");
    assert.equal(resent.clientMsgId, clientMsgId);
    assert.equal(resent.body, "hello");

    second.deliver({ type: "ack", id: resent.id, clientMsgId, messageId: "m1", seq: 1, createdAt: "2024-01-01T00:00:00Z" });
    await eventually(() => client.queued === 0, "the outbox to empty");
    const [message, ...others] = client.conversation("c1").messages();
    assert.deepEqual(others, []);
    assert.equal(message.status, "sent");
    assert.equal(message.seq, 1);
    assert.equal(message.key, ALICE.id + ":" + clientMsgId, "the key a UI renders by is the pending message's");

    // the frame of the same message, after its ack: nothing new
    second.deliver(live(1, { messageId: "m1", senderId: ALICE.id, clientMsgId, body: "hello" }));
    assert.equal(client.conversation("c1").messages().length, 1);
    assert.equal(second.frames("send").length, 1, "an acked message is not sent again");
});

test("messages written offline go in the order written, one at a time, each once", async t => {
    const { client, ws } = setup(t);
    await client.login(LOGIN);
    const ids = [client.send("c1", "one"), client.send("c1", "two"), client.send("c1", "three")];
    assert.equal(new Set(ids).size, 3);
    client.connect();
    const socket = await accepted(ws, 0);
    for (let i = 0; i < ids.length; i++) {
        const frame = await eventually(() => socket.frames("send")[i], "send #" + (i + 1));
        assert.equal(frame.clientMsgId, ids[i]);
        await settle();
        assert.equal(socket.frames("send").length, i + 1, "the next goes only after this one's ack");
        socket.deliver({ type: "ack", id: frame.id, clientMsgId: ids[i], messageId: "m" + (i + 1), seq: i + 1, createdAt: null });
    }
    await eventually(() => client.queued === 0, "the outbox to empty");
    assert.deepEqual(client.conversation("c1").messages().map(m => m.body), ["one", "two", "three"]);
});

test("the outbox lives in the injected storage: a new client on it sends the queued message with the same clientMsgId", async t => {
    const storage = new MemoryStorage();
    const before = setup(t, { storage });
    await before.client.login(LOGIN);
    const clientMsgId = before.client.send("c1", "written before a restart");
    assert.ok(storage.getItem("parley.outbox." + ALICE.id)?.includes(clientMsgId), "the outbox is stored per user");

    const after = setup(t, { storage }); // the stored session too
    assert.equal(after.client.user?.id, ALICE.id);
    assert.equal(after.client.queued, 1);
    after.client.connect();
    const socket = await accepted(after.ws, 0);
    const frame = await eventually(() => socket.frames("send")[0], "the send frame");
    assert.equal(frame.clientMsgId, clientMsgId);
    assert.equal(frame.body, "written before a restart");
});

test("subscribe resumes after the last seq held, history's and the live frames' alike", async t => {
    const { client, ws } = setup(t, { history: [entry(1), entry(2), entry(3)] });
    await client.login(LOGIN);
    await client.open("c1");
    client.connect();
    const first = await accepted(ws, 0);
    assert.equal((await answerSubscribe(first, 3)).afterSeq, 3);

    first.deliver(live(4));
    first.deliver(live(5));
    first.drop(1006);
    const second = await accepted(ws, 1);
    const resumed = await answerSubscribe(second, 5);
    assert.equal(resumed.conversationId, "c1");
    assert.equal(resumed.afterSeq, 5);
});

test("a seq is applied once, frames out of order are shown in seq order", async t => {
    const { client, ws } = setup(t, { history: [entry(1), entry(2)] });
    await client.login(LOGIN);
    await client.open("c1");
    client.connect();
    const socket = await accepted(ws, 0);
    await answerSubscribe(socket, 2);
    let changes = 0;
    client.addEventListener("messages", e => { if (e.detail.conversationId === "c1") changes++; });

    socket.deliver(live(2)); // a replay of what history gave
    socket.deliver(live(4));
    socket.deliver(live(4, { body: "a different body under the same seq" }));
    socket.deliver(live(3));
    assert.equal(changes, 2, "only 4 and 3 changed anything");
    assert.deepEqual(seqs(client), [1, 2, 3, 4]);
    assert.equal(client.conversation("c1").messages()[3].body, "message 4", "the first of a seq stays");

    socket.deliver(live(5, { event: "edited", messageId: "m4", body: "message 4, edited", editedAt: "2024-01-01T00:00:05Z" }));
    socket.deliver(live(6, { event: "deleted", messageId: "m3", body: null }));
    socket.deliver(live(7, { event: "tombstone", messageId: null, senderId: null, body: null }));
    assert.deepEqual(seqs(client), [1, 2, 3, 4], "edits, deletes and tombstones are entries, not messages");
    const byId = new Map(client.conversation("c1").messages().map(m => [m.messageId, m]));
    assert.equal(byId.get("m4").body, "message 4, edited");
    assert.equal(byId.get("m3").deleted, true);
    assert.equal(byId.get("m3").body, null);
    assert.equal(client.conversation("c1").contiguousSeq(), 7, "a tombstone keeps the log dense");
});

test("a gap in the live frames is not filled by a history read: the resume after the gap's start replays it", async t => {
    const { client, ws, http } = setup(t, { history: [entry(1), entry(2), entry(3)] });
    await client.login(LOGIN);
    await client.open("c1");
    client.connect();
    const first = await accepted(ws, 0);
    await answerSubscribe(first, 3);

    first.deliver(live(4));
    first.deliver(live(6)); // 5 missing
    assert.deepEqual(seqs(client), [1, 2, 3, 4, 6]);
    assert.equal(client.conversation("c1").contiguousSeq(), 4);
    await settle();
    assert.equal(http.calls.filter(c => c.path === "/api/v1/conversations/c1/messages").length, 1, "only open()'s page");

    first.drop(1006);
    const second = await accepted(ws, 1);
    assert.equal((await answerSubscribe(second, 6)).afterSeq, 4);
    second.deliver(live(5));
    second.deliver(live(6));
    assert.deepEqual(seqs(client), [1, 2, 3, 4, 5, 6]);
    assert.equal(client.conversation("c1").contiguousSeq(), 6);
});

test("getToken's token goes into the handshake and every REST call, and no login or refresh is made", async t => {
    let token = "token-1";
    let asked = 0;
    const { client, ws, http } = setup(t, { getToken: async () => { asked++; return token; } });
    assert.equal(client.signedIn, true);
    client.connect();
    const socket = await accepted(ws, 0);
    assert.deepEqual(socket.protocols, ["chat.v1", "bearer.token-1"]);
    assert.equal(socket.url, "ws://gateway.test/ws");
    assert.ok(asked >= 1);
    assert.equal(client.user?.id, ALICE.id, "who the client is comes from /auth/me");
    assert.equal(http.calls.find(c => c.path === "/api/v1/auth/me")?.headers.Authorization, "Bearer token-1");

    token = "token-2";
    const before = asked;
    await client.listConversations();
    assert.equal(asked, before + 1);
    assert.equal(http.calls.at(-1).headers.Authorization, "Bearer token-2");

    const refreshing = client.refresh();
    const frame = await eventually(() => socket.frames("auth.refresh")[0], "auth.refresh");
    assert.equal(frame.token, "token-2");
    socket.deliver({ type: "auth.ok", id: frame.id });
    await refreshing;

    assert.deepEqual(http.calls.filter(c => c.path.startsWith("/api/v1/auth/") && c.path !== "/api/v1/auth/me"), []);
});

test("with getToken, a refused REST call asks for the token again and is retried once with it", async t => {
    const tokens = ["stale", "fresh"];
    const { client, http } = setup(t, {
        getToken: () => tokens.length > 1 ? tokens.shift() : tokens[0],
        routes: {
            "GET /api/v1/conversations": call => call.headers.Authorization === "Bearer fresh"
                ? { body: { items: [{ id: "c1" }], nextCursor: null } }
                : { status: 401, body: { type: "https://parley.dev/problems/unauthorized", status: 401, code: "unauthorized" } },
        },
    });
    const items = await client.listConversations();
    assert.deepEqual(items.map(c => c.id), ["c1"]);
    assert.deepEqual(http.calls.map(c => c.headers.Authorization), ["Bearer stale", "Bearer fresh"]);
});

test("with getToken, a socket closed with 4001 reconnects with the token it gives then", async t => {
    let token = "token-1";
    const { client, ws } = setup(t, { getToken: () => token });
    client.connect();
    const first = await accepted(ws, 0);
    token = "token-2";
    first.drop(4001);
    const second = await eventually(() => ws.sockets[1], "a new socket");
    assert.deepEqual(second.protocols, ["chat.v1", "bearer.token-2"]);
});

test("a stored session is not used when getToken is given", async t => {
    const storage = new MemoryStorage();
    storage.setItem("parley.session", JSON.stringify({
        accessToken: "stored", accessExpiresAt: Date.now() + 600000, refreshToken: "r", refreshExpiresAt: Date.now() + 600000,
        user: { ...ALICE, id: "u-someone-else" },
    }));
    const { client, http } = setup(t, { storage, getToken: () => "given" });
    await client.listConversations();
    assert.equal(http.calls.at(-1).headers.Authorization, "Bearer given");
    assert.equal(await client.identify().then(u => u.id), ALICE.id);
});

test("an error frame reaches the caller with its code: as a problem event, or as the failure of what it answers", async t => {
    const { client, ws } = setup(t);
    await client.login(LOGIN);
    client.connect();
    const socket = await accepted(ws, 0);
    const problems = [];
    client.addEventListener("problem", e => problems.push(e.detail));

    socket.deliver({ type: "error", id: null, code: "rate_limited", message: "slow down", retryable: true });
    assert.deepEqual(problems, [{ message: "slow down", code: "rate-limited" }], "the old underscore spelling, as it is now");

    const clientMsgId = client.send("c1", "x".repeat(10));
    const frame = await eventually(() => socket.frames("send")[0], "the send frame");
    socket.deliver({ type: "error", id: frame.id, code: "too-large", message: "The body is over the limit.", retryable: false });
    await eventually(() => client.conversation("c1").messages()[0]?.status === "failed", "the message to fail");
    const [failed] = client.conversation("c1").messages();
    assert.equal(failed.clientMsgId, clientMsgId);
    assert.equal(failed.error, "The body is over the limit.");
    assert.equal(client.queued, 0);
    await new Promise(r => setTimeout(r, 50));
    assert.equal(socket.frames("send").length, 1, "a refused message is not retried by itself");

    client.retry("c1", clientMsgId);
    const again = await eventually(() => socket.frames("send")[1], "the retried send");
    assert.equal(again.clientMsgId, clientMsgId);
});

test("a retryable error frame leaves the message queued and it goes again with the same clientMsgId", async t => {
    const { client, ws } = setup(t);
    await client.login(LOGIN);
    client.connect();
    const socket = await accepted(ws, 0);
    const clientMsgId = client.send("c1", "hello");
    const first = await eventually(() => socket.frames("send")[0], "the send frame");
    socket.deliver({ type: "error", id: first.id, code: "unavailable", message: "try later", retryable: true });
    const second = await eventually(() => socket.frames("send")[1], "the send frame again");
    assert.equal(second.clientMsgId, clientMsgId);
    assert.equal(client.conversation("c1").messages()[0].status, "pending");
});

test("a refused subscription is a problem event with its code, and is not resumed again", async t => {
    const { client, ws } = setup(t);
    await client.login(LOGIN);
    client.connect();
    const socket = await accepted(ws, 0);
    const problems = [];
    client.addEventListener("problem", e => problems.push(e.detail));
    const opening = client.open("c1");
    const frame = await eventually(() => socket.frames("subscribe")[0], "the subscribe frame");
    socket.deliver({ type: "error", id: frame.id, code: "not_found", message: "No such conversation.", retryable: false });
    await opening;
    assert.deepEqual(problems, [{ message: "No such conversation.", code: "not-found", conversationId: "c1" }]);
    assert.equal(client.subscribed.has("c1"), false);
});

test("a subscription refused retryably is asked for again on the same socket, backing off, until it takes", async t => {
    const { client, ws, socket, opening } = await openingC1(t);
    for (let i = 0; i < 2; i++) {
        const frame = await eventually(() => socket.frames("subscribe")[i], "subscribe #" + (i + 1));
        socket.deliver({ type: "error", id: frame.id, code: "unavailable", message: "retry shortly", retryable: true });
    }
    await opening;
    const third = await eventually(() => socket.frames("subscribe")[2], "subscribe #3");
    assert.equal(third.afterSeq, 0);
    socket.deliver({ type: "subscribed", id: third.id, conversationId: "c1", headSeq: 0 });
    await new Promise(resolve => setTimeout(resolve, 1200)); // past the next backoff: no fourth
    assert.equal(socket.frames("subscribe").length, 3, "two refused and the one that took");
    assert.equal(ws.sockets.length, 1, "no new socket for it");
    assert.equal(client.subscribed.has("c1"), true);
});

test("a subscribe the server never answers is asked for again on the same socket", async t => {
    const { client, ws, socket, opening } = await openingC1(t, { requestTimeoutMs: 200 });
    await eventually(() => socket.frames("subscribe")[0], "subscribe #1");
    await opening; // unanswered: given up after 200 ms as a retryable timeout
    const second = await eventually(() => socket.frames("subscribe")[1], "subscribe #2");
    assert.equal(second.afterSeq, 0);
    socket.deliver({ type: "subscribed", id: second.id, conversationId: "c1", headSeq: 0 });
    assert.equal(ws.sockets.length, 1, "no new socket for it");
    assert.equal(client.subscribed.has("c1"), true);
});

test("a subscribe whose replay takes longer than the request timeout waits for it while entries arrive", async t => {
    const { client, socket, opening } = await openingC1(t, { requestTimeoutMs: 200 });
    const frame = await eventually(() => socket.frames("subscribe")[0], "the subscribe frame");
    for (let seq = 1; seq <= 8; seq++) { // 800 ms of replay, four timeouts long
        socket.deliver(live(seq));
        await new Promise(resolve => setTimeout(resolve, 100));
    }
    socket.deliver({ type: "subscribed", id: frame.id, conversationId: "c1", headSeq: 8 });
    await opening;
    await settle();
    assert.equal(socket.frames("subscribe").length, 1, "not asked again, which would start the replay over");
    assert.deepEqual(seqs(client), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test("a reconnect frame closes the socket at once and the next one resumes", async t => {
    const { client, ws } = setup(t, { history: [entry(1), entry(2)] });
    await client.login(LOGIN);
    await client.open("c1");
    client.connect();
    const first = await accepted(ws, 0);
    await answerSubscribe(first, 2);
    first.deliver(live(3));
    const states = [];
    client.addEventListener("connection", e => states.push(e.detail.state));

    first.deliver({ type: "reconnect" });
    assert.equal(first.closedWith?.code, 1000);
    assert.equal(client.state, "offline");
    const second = await accepted(ws, 1);
    assert.equal((await answerSubscribe(second, 3)).afterSeq, 3);
    assert.deepEqual(states, ["offline", "connecting", "online"]);
});

test("disconnect fails what waits for a reply at once and leaves the message queued", async t => {
    const { client, ws } = setup(t);
    await client.login(LOGIN);
    client.connect();
    const socket = await accepted(ws, 0);
    client.send("c1", "hello");
    await eventually(() => socket.frames("send")[0], "the send frame");
    client.disconnect();
    assert.equal(socket.closedWith?.code, 1000);
    assert.equal(client.state, "offline");
    await settle();
    assert.equal(client.queued, 1);
    assert.equal(ws.sockets.length, 1, "no reconnect after disconnect");
});

test("the connection's trace never carries a token or a message body", async t => {
    const lines = [];
    t.mock.method(console, "debug", (...args) => lines.push(args.join(" ")));
    const { client, ws } = setup(t, { quiet: false });
    await client.login(LOGIN);
    client.connect();
    const first = await accepted(ws, 0);
    client.send("c1", "a secret body");
    await eventually(() => first.frames("send")[0], "the send frame");
    first.drop(4001);
    await eventually(() => ws.sockets[1], "a new socket");
    assert.ok(lines.length >= 3, "the trace was written: " + lines.length + " lines");
    for (const line of lines) {
        assert.ok(line.startsWith("parley: "), line);
        assert.doesNotMatch(line, /access-1|refresh-1|secret body|bearer/i);
    }
});
