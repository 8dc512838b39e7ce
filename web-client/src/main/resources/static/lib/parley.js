// Parley chat client library: an ES module with no dependencies and no build step. The same file
// is the npm package @parley/client (web-client/package.json, types in parley.d.ts beside it).
//
//   import { ParleyClient } from "/lib/parley.js";
//   const client = new ParleyClient();            // same origin as the page
//   await client.login({ tenant, username, password });
//   client.addEventListener("messages", e => render(client.conversation(e.detail.conversationId)));
//   client.connect();
//   await client.open(conversationId);            // history + live, resumed across reconnects
//   client.send(conversationId, "hello");         // optimistic, queued while offline, retried until acked
//
//
// Outside a browser (Node), pass what the page would have: baseUrl, and WebSocket (Node 18 and
// 20 have none: `ws`'s), fetch, storage or getToken where the defaults do not fit.
//
// Wire formats: docs/protocol.md in the repository (WebSocket frames and REST under /api/v1), served as OpenAPI and AsyncAPI at /docs.

/**
 * @typedef {Object} Session
 * @property {string} accessToken
 * @property {number} accessExpiresAt   epoch millis
 * @property {string} refreshToken
 * @property {number} refreshExpiresAt  epoch millis
 * @property {{id: string, tenantId: string, username: string, displayName: string}} user
 */

/**
 * A message as the UI shows it: sent (has a seq), or still ours to deliver (pending or failed).
 * @typedef {Object} ChatMessage
 * @property {string} key            stable across the pending -> sent transition (the clientMsgId when ours)
 * @property {number|null} seq       null while pending or failed
 * @property {string|null} messageId
 * @property {string} senderId
 * @property {string|null} clientMsgId
 * @property {string|null} body      null once deleted
 * @property {string|null} createdAt
 * @property {string|null} editedAt
 * @property {boolean} deleted
 * @property {"sent"|"pending"|"failed"} status
 * @property {string|null} error     why a failed message failed, in the server's words
 */

/**
 * @typedef {Object} OutboxEntry
 * @property {string} conversationId
 * @property {string} clientMsgId
 * @property {string} body
 * @property {string} senderId
 * @property {string} queuedAt
 * @property {"pending"|"failed"} status
 * @property {string|null} error
 */

/** @typedef {"connecting"|"online"|"offline"} ConnectionState */

/**
 * What the client takes from its environment; each defaults to the browser's.
 * @typedef {Object} ParleyClientOptions
 * @property {string} [baseUrl]       the gateway's origin; default the page's
 * @property {Storage|{getItem(key: string): string|null, setItem(key: string, value: string): void, removeItem(key: string): void}|null} [storage]
 *     where the session and the outbox are kept; default localStorage, none (memory only) where there is none
 * @property {string} [namespace]     prefix of the storage keys; default "parley"
 * @property {any} [WebSocket]        the WebSocket constructor; default the global one (`ws`'s on Node 18 and 20)
 * @property {typeof fetch} [fetch]   default the global fetch
 * @property {() => (string|null|undefined|Promise<string|null|undefined>)} [getToken]
 *     the current access token, asked for before every REST call, handshake and token refresh of
 *     the socket; when given, the client neither logs in nor refreshes itself, and learns who it is
 *     from GET /api/v1/auth/me (identify())
 * @property {number} [requestTimeoutMs]  how long a frame that has a reply (send, subscribe) waits for it
 *     before it is given up as a retryable `timeout` and asked again; default 10000. A subscribe whose
 *     replay is still arriving waits on.
 */

/** Frames that only answer a request; any other frame carrying an id is data as well. */
const REPLIES = new Set(["ack", "subscribed", "unsubscribed", "pong", "auth.ok"]);
const NON_RETRYABLE = new Set(["unauthorized", "forbidden", "not-found", "invalid", "too-large"]);
const TYPING_INTERVAL_MS = 3000;
const ACK_TIMEOUT_MS = 10000;
const PING_INTERVAL_MS = 25000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30000;
/** A socket that has not opened by then is given up and tried again: a connect can hang on a network that is changing. */
const CONNECT_TIMEOUT_MS = 10000;
/** While the browser says it is offline, how often to look again, in case its `online` event never comes. */
const OFFLINE_RECHECK_MS = 5000;
const PAGE_SIZE = 50;
const PROBLEM_TYPES = "https://parley.dev/problems/";
/** WebSocket readyState values, the same in every implementation (an injected constructor may not carry them). */
const CONNECTING = 0;
const OPEN = 1;
/** Node before 19 has EventTarget and Event but no CustomEvent. */
const DetailEvent = globalThis.CustomEvent ?? class extends Event {
    constructor(type, init) {
        super(type);
        this.detail = init?.detail ?? null;
    }
};

/**
 * An error code as the server spells it now: a slug with hyphens (`not-found`), on REST and the
 * WebSocket alike. Servers before that wrote the WebSocket's with underscores (`not_found`).
 * @param {unknown} code
 * @returns {string|undefined}
 */
export function errorCode(code) {
    return typeof code === "string" ? code.replaceAll("_", "-") : undefined;
}

/** The code of a REST problem: its `code`, or, from a server that does not send one, the last segment of its `type`. */
function problemCode(problem) {
    if (typeof problem?.code === "string") {
        return problem.code;
    }
    const type = typeof problem?.type === "string" ? problem.type : "";
    return type.startsWith(PROBLEM_TYPES) ? type.slice(PROBLEM_TYPES.length) : undefined;
}

/**
 * A page of history as every list answers it, `{items, nextCursor}`, read also from a server
 * older than that envelope (`messages` and `hasMore`, no cursor).
 * @returns {{items: any[], more: boolean, cursor: string|null}}
 */
function historyPage(page) {
    const items = page?.items ?? page?.messages ?? [];
    const more = page && "nextCursor" in page ? page.nextCursor != null : page?.hasMore === true;
    return { items, more, cursor: page?.nextCursor ?? null };
}

/** The page's localStorage, or null where there is none (Node) or it may not be used (a sandboxed frame). */
function defaultStorage() {
    try {
        return globalThis.localStorage ?? null;
    } catch (e) {
        return null;
    }
}

/** A new clientMsgId: a random UUID (Node 18 has no global crypto: a fallback of the same shape). */
function newClientMsgId() {
    if (typeof globalThis.crypto?.randomUUID === "function") {
        return globalThis.crypto.randomUUID();
    }
    const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-4" + hex.slice(13, 16) + "-"
        + "89ab"[Math.floor(Math.random() * 4)] + hex.slice(17, 20) + "-" + hex.slice(20);
}

/** A timer that alone does not keep a Node process running (token refreshes); nothing changes in a browser. */
function background(timer) {
    timer?.unref?.();
    return timer;
}

/**
 * When a JWT expires (epoch millis), read from its payload without verifying it: only to know
 * when to hand the socket a new one. Undefined for a token that is not a JWT.
 * @param {string} token
 */
function tokenExpiry(token) {
    try {
        const payload = token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
        const exp = JSON.parse(atob(payload.padEnd(payload.length + (4 - payload.length % 4) % 4, "="))).exp;
        return typeof exp === "number" ? exp * 1000 : undefined;
    } catch (e) {
        return undefined;
    }
}

/** An error from a REST call, carrying the problem detail's text, its `code` and whether a retry may succeed. */
export class ParleyError extends Error {
    /**
     * @param {number} status
     * @param {string} message
     * @param {string|undefined} [code]       the problem's slug (`conversation-not-found`)
     * @param {boolean|undefined} [retryable]
     */
    constructor(status, message, code, retryable) {
        super(message);
        this.name = "ParleyError";
        this.status = status;
        this.code = code;
        this.retryable = retryable === true;
    }
}

/**
 * One conversation's messages, normalised: entries by seq (history and live frames both land
 * here, so a seq is applied once whatever path it came by), messages by messageId, and our own
 * not-yet-acknowledged messages by clientMsgId.
 */
export class ConversationStore {
    /** @param {string} conversationId */
    constructor(conversationId) {
        this.conversationId = conversationId;
        /** @type {Map<number, object>} every entry seen, by seq (created, edited, deleted, tombstone) */
        this.entries = new Map();
        /** @type {Map<string, ChatMessage>} */
        this.byMessageId = new Map();
        /** @type {Map<string, ChatMessage>} own messages not yet in the log, by clientMsgId */
        this.pending = new Map();
        /** lowest seq loaded; older pages are fetched below it */
        this.lowSeq = null;
        /** whether there is history older than lowSeq */
        this.hasOlder = true;
        /** the nextCursor of the last page read backward, and the lowSeq it goes on below */
        this.olderCursor = null;
        this.olderCursorBelow = null;
        this.headSeq = 0;
        /** @type {Map<string, number>} read marker per user, from `read` frames */
        this.readBy = new Map();
    }

    /**
     * The highest seq up to which everything from the loaded window is present: where a
     * resumed subscription continues. Tombstones count: the log is dense.
     */
    contiguousSeq() {
        if (this.lowSeq === null) {
            return 0;
        }
        let seq = this.lowSeq;
        while (this.entries.has(seq + 1)) {
            seq++;
        }
        return this.entries.has(this.lowSeq) ? seq : this.lowSeq - 1;
    }

    /**
     * Applies one history entry or `message` frame. Returns true when it changed anything.
     * @param {any} e
     */
    apply(e) {
        if (typeof e.seq !== "number" || this.entries.has(e.seq)) {
            return false;
        }
        this.entries.set(e.seq, e);
        if (this.lowSeq === null || e.seq < this.lowSeq) {
            this.lowSeq = e.seq;
        }
        this.headSeq = Math.max(this.headSeq, e.seq);
        const event = e.event || "created";
        if (event === "created") {
            const existing = this.byMessageId.get(e.messageId);
            if (existing) {
                existing.seq = e.seq;
                return true;
            }
            /** @type {ChatMessage} */
            const m = {
                key: e.clientMsgId ? e.senderId + ":" + e.clientMsgId : e.messageId,
                seq: e.seq, messageId: e.messageId, senderId: e.senderId, clientMsgId: e.clientMsgId ?? null,
                body: e.body ?? null, createdAt: e.createdAt ?? null, editedAt: e.editedAt ?? null,
                deleted: e.body == null, status: "sent", error: null,
            };
            this.byMessageId.set(e.messageId, m);
            if (e.clientMsgId) {
                this.pending.delete(e.clientMsgId);
            }
            return true;
        }
        const target = this.byMessageId.get(e.messageId);
        if (!target) {
            return false; // an edit or delete of a message older than the loaded window
        }
        if (event === "edited") {
            target.body = e.body ?? target.body;
            target.editedAt = e.editedAt ?? e.createdAt ?? target.editedAt;
        } else if (event === "deleted") {
            target.body = null;
            target.deleted = true;
        }
        return true;
    }

    /**
     * Our own message, before the log has it.
     * @param {OutboxEntry} o
     */
    putPending(o) {
        if ([...this.byMessageId.values()].some(m => m.clientMsgId === o.clientMsgId && m.senderId === o.senderId)) {
            return;
        }
        this.pending.set(o.clientMsgId, {
            key: o.senderId + ":" + o.clientMsgId, seq: null, messageId: null, senderId: o.senderId,
            clientMsgId: o.clientMsgId, body: o.body, createdAt: o.queuedAt, editedAt: null, deleted: false,
            status: o.status, error: o.error,
        });
    }

    /**
     * Messages in display order: the log by seq, then our undelivered ones in the order we wrote them.
     * @returns {ChatMessage[]}
     */
    messages() {
        const sent = [...this.byMessageId.values()].filter(m => m.seq !== null).sort((a, b) => a.seq - b.seq);
        return sent.concat([...this.pending.values()]);
    }
}

/**
 * The client: REST calls, one WebSocket with reconnects and resume, per-conversation stores
 * and a persistent outbox. Events (CustomEvent, payload in `detail`):
 * `connection` {state, queued}, `session` {user|null}, `messages` {conversationId},
 * `typing` {conversationId, userId}, `read` {conversationId, userId, seq},
 * `presence` {userId, status, lastSeenAt}, `activity` {conversationId, headSeq},
 * `conversation` {conversationId, event}, `conversations` {items}, `problem` {message}.
 */
export class ParleyClient extends EventTarget {
    /** the WebSocket constructor, when one was passed */
    #WebSocket;
    /** @type {typeof fetch} */
    #fetchImpl;
    /** @type {ParleyClientOptions["getToken"]|null} */
    #getToken;
    /** @type {Map<string, {attempt: number, timer: any}>} subscribes asked for again after a retryable refusal */
    #resubscribes = new Map();

    /**
     * @param {ParleyClientOptions} [options]
     */
    constructor(options = {}) {
        super();
        this.baseUrl = (options.baseUrl ?? globalThis.location?.origin ?? "").replace(/\/$/, "");
        this.storage = options.storage === undefined ? defaultStorage() : options.storage;
        this.namespace = options.namespace ?? "parley";
        // the globals are looked up when used, not now: a page (or a test) may set them later
        this.#WebSocket = options.WebSocket;
        this.#fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
        this.#getToken = typeof options.getToken === "function" ? options.getToken : null;
        this.requestTimeoutMs = options.requestTimeoutMs ?? ACK_TIMEOUT_MS;
        /** the caller as GET /api/v1/auth/me told it, when the token comes from getToken (no session) */
        this.me = null;
        /** @type {Session|null} */
        this.session = this.#load("session");
        /** @type {ConnectionState} */
        this.state = "offline";
        /** @type {Map<string, ConversationStore>} */
        this.stores = new Map();
        /** conversations to keep subscribed across reconnects */
        this.subscribed = new Set();
        /** @type {OutboxEntry[]} */
        this.outbox = [];
        /** frame types the server answered "not supported" for: the library falls back to REST or polling */
        this.unsupported = new Set();
        /** @type {Map<string, any>} last known presence by userId */
        this.presence = new Map();
        this.watched = new Set();
        /** @type {WebSocket|null} */
        this.socket = null;
        this.wanted = false;
        this.attempt = 0;
        this.nextId = 1;
        /** @type {Map<string, {resolve: Function, reject: Function, timer: any}>} */
        this.requests = new Map();
        /** @type {Map<string, number>} */
        this.lastTyping = new Map();
        this.flushing = false;
        this.timers = {};
        if (this.#getToken) {
            this.session = null; // the token source owns the login; a stored session is not used
        }
        this.#loadOutbox();
        if (this.session) {
            this.#setSession(this.session); // schedules the refresh of a session restored from storage
        }
        if (globalThis.addEventListener) {
            // A browser that knows it lost the network says so: close at once instead of waiting for
            // the socket to time out, and reconnect as soon as the network is back.
            globalThis.addEventListener("offline", () => {
                this.#trace("network offline");
                this.#dropSocket("network offline");
            });
            globalThis.addEventListener("online", () => {
                this.#trace("network online");
                this.#reconnectNow();
            });
        }
    }

    // ---- session

    /** @returns {Session["user"]|null} */
    get user() {
        return this.session?.user ?? this.me;
    }

    /** Whether there is a token to use: a session, or a token source. */
    get signedIn() {
        return this.session != null || this.#getToken != null;
    }

    /**
     * Asks the server who the token belongs to (GET /api/v1/auth/me). With `getToken` the client
     * does so before its first connection; call it first to send before that.
     * @returns {Promise<Session["user"]>}
     */
    async identify() {
        const me = await this.#fetch("GET", "/api/v1/auth/me");
        const user = { id: me.id, tenantId: me.tenantId, username: me.username, displayName: me.displayName };
        if (this.session) {
            return user;
        }
        const changed = this.me?.id !== user.id;
        this.me = user;
        if (changed) {
            this.#loadOutbox();
            this.#emit("session", { user });
        }
        return user;
    }

    /**
     * @param {{tenant: string, username: string, password: string, displayName: string}} body
     */
    async register(body) {
        return this.#fetch("POST", "/api/v1/auth/register", body, false);
    }

    /**
     * @param {{tenant: string, username: string, password: string}} body
     * @returns {Promise<Session>}
     */
    async login(body) {
        const answer = await this.#fetch("POST", "/api/v1/auth/login", body, false);
        this.#adoptSession(answer);
        this.#loadOutbox();
        return /** @type {Session} */ (this.session);
    }

    async logout() {
        const refreshToken = this.session?.refreshToken;
        this.disconnect();
        this.outbox = [];
        this.#saveOutbox();
        this.#setSession(null);
        this.me = null;
        this.stores.clear();
        this.subscribed.clear();
        if (refreshToken) {
            await this.#fetch("POST", "/api/v1/auth/logout", { refreshToken }, false).catch(() => undefined);
        }
    }

    /**
     * Rotates the refresh token and replaces the access token, on the live socket too. With
     * `getToken`, hands the live socket the token it returns now (call it when that token changes;
     * the client itself does so at 80 % of a JWT's life).
     */
    async refresh() {
        if (this.#getToken) {
            return this.#reauthenticate();
        }
        if (!this.session) {
            throw new ParleyError(401, "Not signed in.");
        }
        if (!this.refreshing) {
            this.refreshing = this.#fetch("POST", "/api/v1/auth/refresh",
                { refreshToken: this.session.refreshToken }, false)
                .then(answer => {
                    this.#adoptSession(answer);
                    if (this.socket?.readyState === OPEN) {
                        this.#request({ type: "auth.refresh", token: this.session?.accessToken })
                            .catch(() => undefined); // a refused token closes the socket with 4001: reconnect handles it
                    }
                })
                .catch(e => {
                    if (e instanceof ParleyError && (e.status === 400 || e.status === 401)) {
                        this.disconnect();
                        this.#setSession(null);
                    }
                    throw e;
                })
                .finally(() => { this.refreshing = null; });
        }
        return this.refreshing;
    }

    #adoptSession(answer) {
        const now = Date.now();
        this.#setSession({
            accessToken: answer.accessToken,
            accessExpiresAt: now + answer.expiresIn * 1000,
            refreshToken: answer.refreshToken,
            refreshExpiresAt: now + answer.refreshExpiresIn * 1000,
            user: answer.user,
        });
    }

    /** @param {Session|null} session */
    #setSession(session) {
        this.session = session;
        this.#save("session", session);
        clearTimeout(this.timers.refresh);
        if (session) {
            // Refresh at 80 % of the access token's life, so neither REST nor the socket sees it expire.
            const left = session.accessExpiresAt - Date.now();
            this.timers.refresh = background(setTimeout(() => this.refresh().catch(() => this.#scheduleRefreshRetry()),
                Math.max(1000, left * 0.8)));
        }
        this.#emit("session", { user: session?.user ?? null });
    }

    #scheduleRefreshRetry() {
        if (this.session) {
            clearTimeout(this.timers.refresh);
            this.timers.refresh = background(setTimeout(() => this.refresh().catch(() => this.#scheduleRefreshRetry()),
                5000 + Math.random() * 5000));
        }
    }

    /** With a token source, the token it gives for the socket, and the next time it should be asked. */
    async #reauthenticate() {
        const token = await this.#freshToken();
        if (token && this.socket?.readyState === OPEN) {
            await this.#request({ type: "auth.refresh", token })
                .catch(() => undefined); // a refused token closes the socket with 4001: reconnect handles it
            this.#scheduleReauthentication(token);
        }
    }

    /** At 80 % of the JWT's remaining life (when it is one), the socket gets the token source's current token. */
    #scheduleReauthentication(token) {
        clearTimeout(this.timers.refresh);
        const expiresAt = tokenExpiry(token);
        if (this.#getToken && expiresAt !== undefined) {
            this.timers.refresh = background(setTimeout(() => this.#reauthenticate().catch(() => undefined),
                Math.max(1000, (expiresAt - Date.now()) * 0.8)));
        }
    }

    /**
     * The access token to use now: the token source's, or the session's, refreshed first when it is
     * (nearly) expired, e.g. after a reload or a sleep.
     */
    async #freshToken() {
        if (this.#getToken) {
            return (await this.#getToken()) ?? undefined;
        }
        if (this.session && this.session.accessExpiresAt - Date.now() < 15000) {
            await this.refresh();
        }
        return this.session?.accessToken;
    }

    // ---- REST

    async #fetch(method, path, body, authenticated = true, retried = false) {
        /** @type {Record<string, string>} */
        const headers = { "Accept": "application/json" };
        if (body !== undefined) {
            headers["Content-Type"] = "application/json";
        }
        if (authenticated) {
            const token = await this.#freshToken();
            if (!token) {
                throw new ParleyError(401, "Not signed in.");
            }
            headers["Authorization"] = "Bearer " + token;
        }
        let response;
        try {
            const fetchImpl = this.#fetchImpl;
            response = await fetchImpl(this.baseUrl + path, {
                method, headers, body: body === undefined ? undefined : JSON.stringify(body),
            });
        } catch (e) {
            throw new ParleyError(0, "The server cannot be reached.");
        }
        const text = await response.text();
        let json = null;
        try {
            json = text ? JSON.parse(text) : null;
        } catch (e) {
            json = null;
        }
        if (response.status === 401 && authenticated && !retried && (this.session || this.#getToken)) {
            // The access token was refused before its time (keys rotated, clock skew): refresh once and
            // retry; a token source is simply asked again.
            if (!this.#getToken) {
                await this.refresh();
            }
            return this.#fetch(method, path, body, authenticated, true);
        }
        if (!response.ok) {
            const detail = json?.detail || json?.title || ("HTTP " + response.status);
            throw new ParleyError(response.status, detail, problemCode(json), json?.retryable);
        }
        return json;
    }

    /** GET /api/v1/users?query= : people in the caller's tenant. */
    async searchUsers(query) {
        const page = await this.#fetch("GET", "/api/v1/users?query=" + encodeURIComponent(query) + "&limit=20");
        return page.items;
    }

    /** The caller's conversations, newest activity first, with unread counts. */
    async listConversations() {
        const page = await this.#fetch("GET", "/api/v1/conversations?limit=100");
        this.#emit("conversations", { items: page.items });
        return page.items;
    }

    async getConversation(id) {
        return this.#fetch("GET", "/api/v1/conversations/" + encodeURIComponent(id));
    }

    /**
     * @param {{type: "DIRECT"|"GROUP"|"CHANNEL", title?: string, memberIds: string[]}} request
     */
    async createConversation(request) {
        return this.#fetch("POST", "/api/v1/conversations", request);
    }

    async fetchPresence(userIds) {
        if (userIds.length === 0) {
            return [];
        }
        const list = await this.#fetch("GET", "/api/v1/presence?userIds=" + userIds.map(encodeURIComponent).join(","));
        for (const p of list) {
            this.#presenceChanged(p);
        }
        return list;
    }

    // ---- conversations

    /** @param {string} conversationId */
    conversation(conversationId) {
        let store = this.stores.get(conversationId);
        if (!store) {
            store = new ConversationStore(conversationId);
            this.stores.set(conversationId, store);
            for (const o of this.outbox) {
                if (o.conversationId === conversationId) {
                    store.putPending(o);
                }
            }
        }
        return store;
    }

    /**
     * Loads the latest page (when nothing is loaded yet) and keeps the conversation subscribed,
     * resuming from its last contiguous seq after every reconnect.
     * @param {string} conversationId
     */
    async open(conversationId) {
        const store = this.conversation(conversationId);
        if (store.lowSeq === null) {
            const page = historyPage(await this.#fetch("GET", "/api/v1/conversations/"
                + encodeURIComponent(conversationId) + "/messages?limit=" + PAGE_SIZE));
            page.items.forEach(e => store.apply(e));
            this.#olderFrom(store, page);
            this.#emit("messages", { conversationId });
        }
        this.subscribed.add(conversationId);
        if (this.socket?.readyState === OPEN) {
            await this.#subscribe(conversationId);
        }
        return store;
    }

    /** Stops live updates for a conversation (its store stays). */
    close(conversationId) {
        this.subscribed.delete(conversationId);
        this.#stopResubscribing(conversationId);
        if (this.socket?.readyState === OPEN) {
            this.#request({ type: "unsubscribe", conversationId }).catch(() => undefined);
        }
    }

    /**
     * Fetches the page before the oldest loaded seq. Returns the number of entries added.
     * @param {string} conversationId
     */
    async loadOlder(conversationId) {
        const store = this.conversation(conversationId);
        if (!store.hasOlder || store.lowSeq === null || store.lowSeq <= 1) {
            store.hasOlder = false;
            return 0;
        }
        // the cursor of the last older page goes on below it; without one (an older server, or entries
        // that arrived another way since) the page below the lowest seq held is the same page
        const from = store.olderCursor && store.olderCursorBelow === store.lowSeq
            ? "cursor=" + encodeURIComponent(store.olderCursor) : "beforeSeq=" + store.lowSeq;
        const page = historyPage(await this.#fetch("GET", "/api/v1/conversations/" + encodeURIComponent(conversationId)
            + "/messages?" + from + "&limit=" + PAGE_SIZE));
        let added = 0;
        page.items.forEach(e => { if (store.apply(e)) added++; });
        this.#olderFrom(store, page);
        this.#emit("messages", { conversationId });
        return added;
    }

    /** Whether there is older history, and the cursor that reads it, after a page read backward. */
    #olderFrom(store, page) {
        store.hasOlder = page.more && page.items.length > 0;
        store.olderCursor = page.cursor;
        store.olderCursorBelow = store.lowSeq;
    }

    async #subscribe(conversationId) {
        const store = this.conversation(conversationId);
        // Resume after the last seq we hold without a gap: the server replays the rest, then goes live.
        const frame = { type: "subscribe", conversationId, afterSeq: store.contiguousSeq() };
        const socket = this.socket;
        try {
            // a long replay answers late: while its entries keep arriving, the subscribe is not given up
            const answer = await this.#request(frame, { progress: () => store.contiguousSeq() });
            this.#stopResubscribing(conversationId);
            store.headSeq = Math.max(store.headSeq, answer.headSeq ?? 0);
            this.#emit("messages", { conversationId });
        } catch (e) {
            if (e?.code === "not-found" || e?.code === "forbidden") {
                this.subscribed.delete(conversationId);
            } else if (e?.retryable) {
                this.#resubscribeLater(conversationId, socket);
            }
            this.#emit("problem", { message: e?.message ?? String(e), code: e?.code, conversationId });
        }
    }

    /**
     * Asks for a subscription again after a retryable refusal (the server could not read the
     * history or check membership just then), with the same backoff as reconnects, on the same
     * socket: a new socket subscribes everything anew when it opens.
     */
    #resubscribeLater(conversationId, socket) {
        const retry = this.#resubscribes.get(conversationId) ?? { attempt: 0, timer: null };
        clearTimeout(retry.timer);
        retry.timer = setTimeout(() => {
            if (socket === this.socket && socket.readyState === OPEN && this.subscribed.has(conversationId)) {
                this.#subscribe(conversationId);
            }
        }, this.#backoff(retry.attempt++));
        this.#resubscribes.set(conversationId, retry);
    }

    #stopResubscribing(conversationId) {
        clearTimeout(this.#resubscribes.get(conversationId)?.timer);
        this.#resubscribes.delete(conversationId);
    }

    // ---- sending

    /**
     * Sends a message: shown at once as pending, kept in the outbox (which survives a reload)
     * until the server acknowledges it, retried with the same clientMsgId so it lands once.
     * @param {string} conversationId
     * @param {string} body
     * @returns {string} the clientMsgId
     */
    send(conversationId, body) {
        if (!this.user) {
            throw new ParleyError(401, "Not signed in.");
        }
        const clientMsgId = newClientMsgId();
        /** @type {OutboxEntry} */
        const entry = {
            conversationId, clientMsgId, body, senderId: this.user.id, queuedAt: new Date().toISOString(),
            status: "pending", error: null,
        };
        this.outbox.push(entry);
        this.#saveOutbox();
        this.conversation(conversationId).putPending(entry);
        this.#emit("messages", { conversationId });
        this.#emitConnection();
        this.#flush();
        return clientMsgId;
    }

    /** Puts a failed message back in the queue, with the same clientMsgId. */
    retry(conversationId, clientMsgId) {
        const entry = this.outbox.find(o => o.clientMsgId === clientMsgId && o.conversationId === conversationId);
        if (!entry) {
            return;
        }
        entry.status = "pending";
        entry.error = null;
        this.#saveOutbox();
        this.conversation(conversationId).putPending(entry);
        this.#emit("messages", { conversationId });
        this.#flush();
    }

    /** Gives up on a failed message. */
    discard(conversationId, clientMsgId) {
        this.outbox = this.outbox.filter(o => !(o.clientMsgId === clientMsgId && o.conversationId === conversationId));
        this.#saveOutbox();
        this.conversation(conversationId).pending.delete(clientMsgId);
        this.#emit("messages", { conversationId });
        this.#emitConnection();
    }

    /** Messages not yet acknowledged (failed ones excluded). */
    get queued() {
        return this.outbox.filter(o => o.status === "pending").length;
    }

    /**
     * Sends the outbox one message at a time, oldest first, so that messages written offline
     * keep their order. A retryable failure or a lost connection leaves the message at the head
     * of the queue for the next attempt; a refusal fails it with the server's words.
     */
    async #flush() {
        if (this.flushing) {
            return;
        }
        this.flushing = true;
        try {
            while (this.socket?.readyState === OPEN) {
                const entry = this.outbox.find(o => o.status === "pending");
                if (!entry) {
                    break;
                }
                try {
                    const ack = await this.#request({
                        type: "send", conversationId: entry.conversationId, clientMsgId: entry.clientMsgId,
                        body: entry.body,
                    });
                    this.#acked(entry, ack);
                } catch (e) {
                    if (e?.code && NON_RETRYABLE.has(e.code)) {
                        entry.status = "failed";
                        entry.error = e.message;
                        this.#saveOutbox();
                        this.conversation(entry.conversationId).putPending(entry);
                        this.#emit("messages", { conversationId: entry.conversationId });
                        this.#emitConnection();
                    } else {
                        // Retryable, timed out, or the socket went: the same clientMsgId goes again later.
                        if (this.socket?.readyState === OPEN) {
                            await new Promise(r => setTimeout(r, this.#backoff(1)));
                        }
                    }
                }
            }
        } finally {
            this.flushing = false;
        }
    }

    #acked(entry, ack) {
        this.outbox = this.outbox.filter(o => o !== entry);
        this.#saveOutbox();
        const store = this.conversation(entry.conversationId);
        store.pending.delete(entry.clientMsgId);
        store.apply({
            seq: ack.seq, event: "created", messageId: ack.messageId, senderId: entry.senderId,
            clientMsgId: entry.clientMsgId, body: entry.body, createdAt: ack.createdAt, editedAt: null,
        });
        this.#emit("messages", { conversationId: entry.conversationId });
        this.#emitConnection();
    }

    // ---- typing, read receipts, presence

    /** Says "typing" at most once per 3 s per conversation (the server drops more anyway). */
    typing(conversationId) {
        const now = Date.now();
        if (this.unsupported.has("typing") || now - (this.lastTyping.get(conversationId) ?? 0) < TYPING_INTERVAL_MS) {
            return;
        }
        this.lastTyping.set(conversationId, now);
        this.#notify({ type: "typing", conversationId });
    }

    /**
     * Moves the caller's read marker: a `read` frame for live receipts, and the REST marker that
     * unread counts are computed from (only ever forward).
     */
    markRead(conversationId, seq) {
        if (!seq) {
            return;
        }
        const store = this.conversation(conversationId);
        if ((store.ownRead ?? 0) >= seq) {
            return;
        }
        store.ownRead = seq;
        this.#notify({ type: "read", conversationId, seq });
        this.#fetch("PUT", "/api/v1/conversations/" + encodeURIComponent(conversationId) + "/read", { seq })
            .catch(() => { store.ownRead = 0; });
    }

    /** Keeps `presence` events coming for these users (live where the edge supports it, polled otherwise). */
    watchPresence(userIds) {
        const fresh = userIds.filter(id => !this.watched.has(id));
        if (fresh.length === 0) {
            return;
        }
        fresh.forEach(id => this.watched.add(id));
        this.fetchPresence(fresh).catch(() => undefined);
        if (!this.unsupported.has("presence.watch")) {
            this.#notify({ type: "presence.watch", userIds: fresh });
        }
    }

    #presenceChanged(p) {
        this.presence.set(p.userId, p);
        this.#emit("presence", p);
    }

    // ---- connection

    /** Opens the socket and keeps it open (reconnecting with backoff) until disconnect(). */
    connect() {
        this.wanted = true;
        if (!this.socket) {
            this.#open();
        }
        clearInterval(this.timers.poll);
        // Fallback for what a socket may not push (yet): unread counts and presence, every 30 s.
        this.timers.poll = setInterval(() => {
            if (!this.session) {
                return;
            }
            if (this.unsupported.has("activity")) {
                this.listConversations().catch(() => undefined);
            }
            if (this.unsupported.has("presence.watch") && this.watched.size > 0) {
                this.fetchPresence([...this.watched]).catch(() => undefined);
            }
        }, 30000);
    }

    disconnect() {
        this.wanted = false;
        clearTimeout(this.timers.reconnect);
        clearTimeout(this.timers.connect);
        clearInterval(this.timers.poll);
        clearInterval(this.timers.ping);
        if (this.#getToken) {
            clearTimeout(this.timers.refresh);
        }
        const socket = this.socket;
        this.socket = null;
        socket?.close(1000, "bye");
        this.#failRequests("disconnected");
        this.#setState("offline");
    }

    async #open() {
        if (!this.wanted || !this.signedIn) {
            return;
        }
        this.#setState("connecting");
        let token;
        try {
            token = await this.#freshToken();
            if (token && this.#getToken && !this.user) {
                await this.identify(); // whose messages are our own, before any is sent
            }
        } catch (e) {
            this.#scheduleReconnect();
            return;
        }
        if (!token) {
            this.#setState("offline"); // signed out meanwhile, or the token source has none
            return;
        }
        if (!this.wanted || this.socket) {
            return;
        }
        const url = this.baseUrl.replace(/^http/, "ws") + "/ws";
        this.#trace("connecting");
        const WebSocketImpl = this.#WebSocket ?? globalThis.WebSocket;
        const socket = new WebSocketImpl(url, ["chat.v1", "bearer." + token]);
        this.socket = socket;
        socket.onopen = () => this.#opened(socket, token);
        socket.onmessage = event => this.#received(event.data);
        socket.onclose = event => this.#closed(socket, event.code);
        clearTimeout(this.timers.connect);
        this.timers.connect = setTimeout(() => {
            if (socket === this.socket && socket.readyState === CONNECTING) {
                this.#trace("connect timed out");
                socket.close();
                this.#closed(socket, 1006);
            }
        }, CONNECT_TIMEOUT_MS);
    }

    #opened(socket, token) {
        if (socket !== this.socket) {
            return;
        }
        clearTimeout(this.timers.connect);
        this.#trace("connected");
        this.attempt = 0;
        this.#setState("online");
        this.#scheduleReauthentication(token);
        clearInterval(this.timers.ping);
        this.timers.ping = setInterval(() => this.#notify({ type: "ping" }), PING_INTERVAL_MS);
        for (const conversationId of this.subscribed) {
            this.#subscribe(conversationId);
        }
        if (this.watched.size > 0 && !this.unsupported.has("presence.watch")) {
            this.#notify({ type: "presence.watch", userIds: [...this.watched] });
        }
        // `activity` frames tell of messages from now on; the list, read again now, tells of
        // those that came while this client was away (or while the socket was opening)
        this.listConversations().catch(() => undefined);
        this.#flush();
    }

    #closed(socket, code) {
        if (socket !== this.socket) {
            return;
        }
        this.socket = null;
        this.#trace("closed " + code);
        clearTimeout(this.timers.connect);
        clearInterval(this.timers.ping);
        this.#failRequests("connection lost");
        this.#setState("offline");
        if (code === 4001 && this.session) {
            // The token expired or was refused: a new one before the next attempt.
            this.refresh().then(() => this.#scheduleReconnect(), () => this.#scheduleReconnect());
            return;
        }
        this.#scheduleReconnect();
    }

    /** Every request still waiting for its reply fails: its socket is gone. */
    #failRequests(message) {
        for (const [id, pending] of this.requests) {
            clearTimeout(pending.timer);
            pending.reject({ code: "disconnected", message });
            this.requests.delete(id);
        }
    }

    #dropSocket(reason) {
        const socket = this.socket;
        if (socket) {
            socket.close(1000, reason);
            this.#closed(socket, 1000);
        }
    }

    #reconnectNow() {
        if (this.wanted && !this.socket) {
            clearTimeout(this.timers.reconnect);
            this.attempt = 0;
            this.#open();
        }
    }

    /** Exponential backoff with full jitter: at most 30 s, so a restarted cluster is not stampeded. */
    #backoff(attempt) {
        const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
        return cap / 2 + Math.random() * cap / 2;
    }

    #scheduleReconnect() {
        if (!this.wanted) {
            return;
        }
        clearTimeout(this.timers.reconnect);
        if (globalThis.navigator && globalThis.navigator.onLine === false) {
            // The `online` event reconnects; should it never come, the next look does.
            this.timers.reconnect = setTimeout(() => this.#scheduleReconnect(), OFFLINE_RECHECK_MS);
            return;
        }
        const delay = this.#backoff(this.attempt++);
        this.#trace("reconnecting in " + Math.round(delay) + " ms");
        this.timers.reconnect = setTimeout(() => this.#open(), delay);
    }

    /** The connection's story, at the console's debug level: what a support case or a failed test needs (never a token or a body). */
    #trace(event) {
        globalThis.console?.debug?.("parley: " + event);
    }

    /** @param {ConnectionState} state */
    #setState(state) {
        this.state = state;
        this.#emitConnection();
    }

    #emitConnection() {
        this.#emit("connection", { state: this.state, queued: this.queued });
    }

    // ---- frames

    /**
     * A request whose reply (same id) resolves it, or whose `error` rejects it. Unanswered
     * after `timeoutMs` it is rejected as a retryable `timeout`, unless `progress()` (when
     * given) returns something other than it did at the last look: then it waits another
     * `timeoutMs`.
     * @param {object} frame
     * @param {{timeoutMs?: number, progress?: () => unknown}} [options]
     */
    #request(frame, { timeoutMs = this.requestTimeoutMs, progress } = {}) {
        return new Promise((resolve, reject) => {
            const socket = this.socket;
            if (!socket || socket.readyState !== OPEN) {
                reject({ code: "disconnected", message: "not connected" });
                return;
            }
            const id = String(this.nextId++);
            let seen = progress?.();
            const expire = () => {
                const now = progress?.();
                if (progress && now !== seen) {
                    seen = now;
                    pending.timer = setTimeout(expire, timeoutMs);
                    return;
                }
                this.requests.delete(id);
                reject({ code: "timeout", message: "no answer from the server", retryable: true });
            };
            const pending = { resolve, reject, timer: setTimeout(expire, timeoutMs) };
            this.requests.set(id, pending);
            socket.send(JSON.stringify({ ...frame, id }));
        });
    }

    /** A frame with no reply on success; an `error` reply marks its type as unsupported when the server says so. */
    #notify(frame) {
        // The edge counts refused frames against a socket's tolerance: say an unsupported thing only once.
        if (this.socket?.readyState !== OPEN || this.unsupported.has(frame.type)) {
            return;
        }
        const id = String(this.nextId++);
        this.requests.set(id, {
            resolve: () => undefined,
            reject: e => {
                if (/not supported/i.test(e?.message ?? "")) {
                    this.unsupported.add(frame.type);
                    if (frame.type === "presence.watch") {
                        this.unsupported.add("activity"); // same edge generation: poll the list instead
                    }
                }
            },
            timer: setTimeout(() => this.requests.delete(id), 30000),
        });
        this.socket.send(JSON.stringify({ ...frame, id }));
    }

    #received(data) {
        let frame;
        try {
            frame = JSON.parse(data);
        } catch (e) {
            return;
        }
        const waiting = frame.id != null ? this.requests.get(String(frame.id)) : undefined;
        if (waiting) {
            this.requests.delete(String(frame.id));
            clearTimeout(waiting.timer);
            if (frame.type === "error") {
                waiting.reject({ code: errorCode(frame.code), message: frame.message, retryable: frame.retryable });
                return;
            }
            waiting.resolve(frame);
            if (REPLIES.has(frame.type)) {
                return;
            }
            // a data frame that also answers a request (presence for presence.watch): applied below as well
        }
        switch (frame.type) {
            case "message": {
                const store = this.conversation(frame.conversationId);
                if (store.apply(frame)) {
                    if (frame.senderId === this.user?.id && frame.clientMsgId) {
                        // Delivered before our ack arrived (another tab, or an ack lost with the socket).
                        const entry = this.outbox.find(o => o.clientMsgId === frame.clientMsgId);
                        if (entry) {
                            this.outbox = this.outbox.filter(o => o !== entry);
                            this.#saveOutbox();
                            this.#emitConnection();
                        }
                    }
                    this.#emit("messages", { conversationId: frame.conversationId });
                }
                break;
            }
            case "typing":
                if (frame.userId !== this.user?.id) {
                    this.#emit("typing", frame);
                }
                break;
            case "read":
                this.conversation(frame.conversationId).readBy.set(frame.userId, frame.seq);
                this.#emit("read", frame);
                break;
            case "presence":
                this.#presenceChanged(frame);
                break;
            case "activity":
                this.unsupported.delete("activity");
                this.#emit("activity", frame);
                break;
            case "conversation":
                this.#emit("conversation", frame);
                break;
            case "reconnect":
                // The edge is draining: go now, the next connection lands on another edge and resumes.
                this.#dropSocket("edge draining");
                break;
            case "error":
                this.#emit("problem", { message: frame.message, code: errorCode(frame.code) });
                break;
            default:
                break;
        }
    }

    // ---- persistence

    #emit(type, detail) {
        this.dispatchEvent(new DetailEvent(type, { detail }));
    }

    #load(key) {
        try {
            const text = this.storage?.getItem(this.namespace + "." + key);
            return text ? JSON.parse(text) : null;
        } catch (e) {
            return null;
        }
    }

    #save(key, value) {
        try {
            if (value == null) {
                this.storage?.removeItem(this.namespace + "." + key);
            } else {
                this.storage?.setItem(this.namespace + "." + key, JSON.stringify(value));
            }
        } catch (e) {
            // storage full or disabled: the outbox then lives only as long as the page
        }
    }

    /** The outbox is per user: a different sign-in on the same browser never sends someone else's queue. */
    #outboxKey() {
        return this.user ? "outbox." + this.user.id : null;
    }

    #loadOutbox() {
        const key = this.#outboxKey();
        const saved = key ? this.#load(key) : null;
        this.outbox = Array.isArray(saved) ? saved : [];
    }

    #saveOutbox() {
        const key = this.#outboxKey();
        if (key) {
            this.#save(key, this.outbox.length ? this.outbox : null);
        }
    }

    /** After login as a (possibly different) user: that user's queue. */
    reloadOutbox() {
        this.#loadOutbox();
        this.#emitConnection();
    }
}
