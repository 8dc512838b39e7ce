// ParleyClient over a real socket: `ws`'s WebSocket injected (what a Node 18 or 20 program
// passes), against an in-process HTTP server that answers the REST calls with the global fetch
// and speaks the frames of docs/protocol.md on /ws with a `ws` server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { WebSocket, WebSocketServer } from "ws";

import { ParleyClient } from "../../main/resources/static/lib/parley.js";
import { eventually } from "./fakes.js";

const ALICE = { id: "u-alice", tenantId: "t1", username: "alice", displayName: "Alice" };
const TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1LWFsaWNlIn0.sig"; // a JWT without exp: no timed refresh

/** A tiny stand-in for the gateway: one conversation, a log, acks, and what it was asked. */
async function startServer() {
    const log = [{ conversationId: "c1", seq: 1, event: "created", messageId: "m1", senderId: "u-bob", clientMsgId: null,
        body: "hi Alice", createdAt: "2024-01-01T00:00:00Z", editedAt: null }];
    const seen = { authorizations: [], handshakes: [], frames: [] };
    const sockets = [];
    const http = createServer((req, res) => {
        seen.authorizations.push(req.headers.authorization);
        const path = new URL(req.url, "http://localhost").pathname;
        const answer = req.headers.authorization !== "Bearer " + TOKEN ? [401, { status: 401, code: "unauthorized" }]
            : path === "/api/v1/auth/me" ? [200, { ...ALICE, roles: [] }]
            : path === "/api/v1/conversations" ? [200, { items: [], nextCursor: null }]
            : path === "/api/v1/conversations/c1/messages" ? [200, { items: log.slice(-50), nextCursor: null }]
            : [404, { status: 404, code: "not-found" }];
        res.writeHead(answer[0], { "Content-Type": "application/json" }).end(JSON.stringify(answer[1]));
    });
    const wss = new WebSocketServer({
        server: http, path: "/ws",
        handleProtocols: protocols => protocols.has("chat.v1") ? "chat.v1" : false,
    });
    wss.on("connection", (socket, req) => {
        seen.handshakes.push(req.headers["sec-websocket-protocol"].split(",").map(p => p.trim()));
        sockets.push(socket);
        const reply = frame => socket.send(JSON.stringify(frame));
        socket.on("message", data => {
            const frame = JSON.parse(data.toString());
            seen.frames.push(frame);
            if (frame.type === "subscribe") {
                log.filter(e => e.seq > (frame.afterSeq ?? 0)).forEach(e => reply({ type: "message", ...e }));
                reply({ type: "subscribed", id: frame.id, conversationId: frame.conversationId, headSeq: log.length });
            } else if (frame.type === "send") {
                const e = { conversationId: frame.conversationId, seq: log.length + 1, event: "created", messageId: "m" + (log.length + 1),
                    senderId: ALICE.id, clientMsgId: frame.clientMsgId, body: frame.body, createdAt: new Date().toISOString(), editedAt: null };
                log.push(e);
                reply({ type: "ack", id: frame.id, clientMsgId: e.clientMsgId, messageId: e.messageId, seq: e.seq, createdAt: e.createdAt });
                reply({ type: "message", ...e });
            } else if (frame.id != null) {
                reply({ type: "error", id: frame.id, code: "invalid", message: "not supported here", retryable: false });
            }
        });
    });
    await new Promise(resolve => http.listen(0, "127.0.0.1", resolve));
    return {
        url: "http://127.0.0.1:" + http.address().port, seen, sockets, log,
        async stop() {
            wss.clients.forEach(c => c.terminate());
            await new Promise(resolve => wss.close(resolve));
            http.closeAllConnections?.();
            await new Promise(resolve => http.close(resolve));
        },
    };
}

test("over a real socket with ws's WebSocket: history, resume, send and ack, and a reconnect frame", async t => {
    t.mock.method(console, "debug", () => undefined);
    const server = await startServer();
    t.after(() => server.stop());
    const client = new ParleyClient({ baseUrl: server.url, WebSocket, storage: null, getToken: async () => TOKEN });
    t.after(() => client.disconnect());

    client.connect();
    await eventually(() => client.state === "online", "the socket to open");
    assert.deepEqual(server.seen.handshakes, [["chat.v1", "bearer." + TOKEN]]);
    assert.equal(client.user?.id, ALICE.id);

    await client.open("c1");
    const subscribe = await eventually(() => server.seen.frames.find(f => f.type === "subscribe"), "the subscribe frame");
    assert.equal(subscribe.afterSeq, 1, "history gave seq 1: the live feed continues after it");

    const clientMsgId = client.send("c1", "hello over a real socket");
    await eventually(() => client.queued === 0, "the ack");
    const mine = client.conversation("c1").messages().find(m => m.clientMsgId === clientMsgId);
    assert.equal(mine?.status, "sent");
    assert.equal(mine?.seq, 2);
    assert.deepEqual(client.conversation("c1").messages().map(m => m.seq), [1, 2], "the ack and the frame of seq 2 are one message");

    server.sockets[0].send(JSON.stringify({ type: "reconnect" }));
    await eventually(() => server.seen.handshakes.length === 2, "the second handshake");
    const resumed = await eventually(() => server.seen.frames.filter(f => f.type === "subscribe")[1], "the resumed subscribe");
    assert.equal(resumed.afterSeq, 2);
    await eventually(() => client.state === "online", "online again");
    assert.deepEqual(client.conversation("c1").messages().map(m => m.seq), [1, 2]);
    assert.ok(server.seen.authorizations.length >= 3 && server.seen.authorizations.every(a => a === "Bearer " + TOKEN),
        "every REST call carried getToken's token");
});
