// Stand-ins for what ParleyClient takes from its environment: a WebSocket constructor whose
// sockets the test opens, feeds and closes, a fetch that answers from a table of routes and
// records every call, and a storage in memory.

/** A WebSocket constructor and the sockets made with it, newest last. */
export function fakeWebSocket() {
    const sockets = [];
    class FakeSocket {
        constructor(url, protocols) {
            this.url = url;
            this.protocols = protocols;
            this.readyState = 0;
            /** frames the client sent, parsed */
            this.sent = [];
            this.closedWith = null;
            this.onopen = null;
            this.onmessage = null;
            this.onclose = null;
            sockets.push(this);
        }

        send(data) {
            if (this.readyState !== 1) {
                throw new Error("send on a socket that is not open");
            }
            this.sent.push(JSON.parse(data));
        }

        /** the client closes it */
        close(code = 1005, reason = "") {
            if (this.readyState >= 2) {
                return;
            }
            this.readyState = 3;
            this.closedWith = { code, reason };
            queueMicrotask(() => this.onclose?.({ code }));
        }

        // ---- the server's side

        accept() {
            this.readyState = 1;
            this.onopen?.({});
        }

        deliver(frame) {
            this.onmessage?.({ data: JSON.stringify(frame) });
        }

        /** the connection ends from the server's side (or the network's) */
        drop(code = 1006) {
            this.readyState = 3;
            this.onclose?.({ code });
        }

        /** sent frames of one type */
        frames(type) {
            return this.sent.filter(f => f.type === type);
        }
    }
    return { WebSocket: FakeSocket, sockets };
}

/**
 * A fetch answering from routes: "METHOD /path" (without the query) to a function of the call
 * returning {status, body}, or to such an object. Unknown routes are 404 problems.
 */
export function fakeFetch(routes = {}) {
    const calls = [];
    async function fetch(url, init = {}) {
        const parsed = new URL(url);
        const call = {
            method: init.method ?? "GET", path: parsed.pathname, query: parsed.searchParams, headers: init.headers ?? {},
            body: init.body === undefined ? undefined : JSON.parse(init.body),
        };
        calls.push(call);
        const route = routes[call.method + " " + call.path];
        const answer = typeof route === "function" ? await route(call)
            : route ?? { status: 404, body: { type: "https://parley.dev/problems/not-found", title: "Not Found", status: 404 } };
        const status = answer.status ?? 200;
        return { status, ok: status >= 200 && status < 300, text: async () => answer.body === undefined ? "" : JSON.stringify(answer.body) };
    }
    return { fetch, calls };
}

export class MemoryStorage {
    constructor() {
        this.items = new Map();
    }
    getItem(key) {
        return this.items.has(key) ? this.items.get(key) : null;
    }
    setItem(key, value) {
        this.items.set(key, String(value));
    }
    removeItem(key) {
        this.items.delete(key);
    }
}

/** Resolves once check() returns something truthy (and returns it); fails after timeoutMs. */
export async function eventually(check, what = "the condition", timeoutMs = 4000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
        const value = check();
        if (value) {
            return value;
        }
        if (Date.now() > until) {
            throw new Error("timed out waiting for " + what);
        }
        await new Promise(r => setTimeout(r, 5));
    }
}

/** Lets pending promise callbacks run. */
export function settle() {
    return new Promise(r => setTimeout(r, 0));
}
