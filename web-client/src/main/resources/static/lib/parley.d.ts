// Types of parley.js, the @parley/client package (written by hand beside it; parley.test.js checks
// that every export and every public member of the classes is declared here, and the other way round).
// Wire formats: docs/protocol.md in the repository.

export interface User {
    id: string;
    tenantId: string;
    username: string;
    displayName: string;
}

export interface Session {
    accessToken: string;
    /** epoch millis */
    accessExpiresAt: number;
    refreshToken: string;
    /** epoch millis */
    refreshExpiresAt: number;
    user: User;
}

/** A message as the UI shows it: sent (has a seq), or still ours to deliver (pending or failed). */
export interface ChatMessage {
    /** stable across the pending -> sent transition (senderId:clientMsgId when ours) */
    key: string;
    /** null while pending or failed */
    seq: number | null;
    messageId: string | null;
    senderId: string;
    clientMsgId: string | null;
    /** null once deleted */
    body: string | null;
    createdAt: string | null;
    editedAt: string | null;
    deleted: boolean;
    status: "sent" | "pending" | "failed";
    /** why a failed message failed, in the server's words */
    error: string | null;
}

export interface OutboxEntry {
    conversationId: string;
    clientMsgId: string;
    body: string;
    senderId: string;
    queuedAt: string;
    status: "pending" | "failed";
    error: string | null;
}

/** A history entry or `message` frame: the same shape (docs/protocol.md). */
export interface LogEntry {
    conversationId?: string;
    seq: number;
    event?: "created" | "edited" | "deleted" | "tombstone";
    messageId: string | null;
    senderId: string | null;
    clientMsgId?: string | null;
    body?: string | null;
    createdAt?: string | null;
    editedAt?: string | null;
}

export type ConnectionState = "connecting" | "online" | "offline";
export type ConversationType = "DIRECT" | "GROUP" | "CHANNEL";
export type Role = "owner" | "admin" | "member";

export interface Conversation {
    id: string;
    type: ConversationType;
    title?: string | null;
    settings?: Record<string, string>;
    createdAt: string;
    updatedAt?: string | null;
    headSeq: number;
    lastActivityAt?: string | null;
    members: { userId: string; role: Role }[];
}

export interface ConversationSummary {
    id: string;
    type: ConversationType;
    title?: string | null;
    createdAt?: string;
    updatedAt?: string | null;
    role: Role;
    headSeq: number;
    readSeq: number;
    unread: number;
    lastActivityAt?: string | null;
}

export interface Presence {
    userId: string;
    status: "online" | "offline" | "unknown";
    lastSeenAt?: string | null;
}

/** What the client keeps the session and the outbox in: localStorage, or anything with these three. */
export interface ParleyStorage {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
    removeItem(key: string): void;
}

/** The part of a WebSocket the client uses: the browser's, or `ws`'s on Node 18 and 20. */
export interface WebSocketLike {
    readonly readyState: number;
    onopen: ((event: any) => void) | null;
    onmessage: ((event: { data: any }) => void) | null;
    onclose: ((event: { code: number }) => void) | null;
    send(data: string): void;
    close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

/** The part of fetch the client uses; the global fetch fits. */
export type FetchLike = (input: string, init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
}) => Promise<{ status: number; ok: boolean; text(): Promise<string> }>;

/** What the client takes from its environment; each defaults to the browser's. */
export interface ParleyClientOptions {
    /** the gateway's origin, e.g. `https://chat.example.com`; default the page's (required outside a browser) */
    baseUrl?: string;
    /** where the session and the outbox are kept; default localStorage, none (memory only) where there is none */
    storage?: ParleyStorage | null;
    /** prefix of the storage keys; default "parley" */
    namespace?: string;
    /** the WebSocket constructor; default the global one */
    WebSocket?: WebSocketConstructor;
    /** default the global fetch */
    fetch?: FetchLike;
    /**
     * The current access token, asked for before every REST call, handshake and token refresh
     * of the socket. When given, the client neither logs in nor refreshes by itself, and learns
     * who it is from GET /api/v1/auth/me (identify()).
     */
    getToken?: () => string | null | undefined | Promise<string | null | undefined>;
    /**
     * How long a frame that has a reply (send, subscribe) waits for it before it is given up
     * as a retryable `timeout` and asked again; default 10000 ms. A subscribe whose replay is
     * still arriving waits on.
     */
    requestTimeoutMs?: number;
}

/** The `detail` of each event the client dispatches. */
export interface ParleyEventMap {
    connection: { state: ConnectionState; queued: number };
    session: { user: User | null };
    messages: { conversationId: string };
    typing: { type: "typing"; conversationId: string; userId: string };
    read: { type: "read"; conversationId: string; userId: string; seq: number };
    presence: Presence;
    activity: { type: "activity"; conversationId: string; headSeq: number };
    conversation: { type: "conversation"; conversationId: string; event: string; userIds?: string[] };
    conversations: { items: ConversationSummary[] };
    /** an `error` frame that answered nothing, or a subscription refused; `code` as errorCode() spells it */
    problem: { message: string; code?: string; conversationId?: string };
}

/** The events are CustomEvents (an Event with `detail` where there is no CustomEvent). */
export interface ParleyEvent<T> extends Event {
    readonly detail: T;
}

/** A WebSocket request that failed: the server's `error` reply, or `disconnected` / `timeout`. */
export interface FrameError {
    code: string | undefined;
    message: string;
    retryable?: boolean;
}

/** An error code as the server spells it now (hyphens); underscores of older servers replaced. */
export function errorCode(code: unknown): string | undefined;

/** An error from a REST call, carrying the problem detail's text, its `code` and whether a retry may succeed. */
export class ParleyError extends Error {
    constructor(status: number, message: string, code?: string, retryable?: boolean);
    /** the HTTP status; 0 when the server could not be reached */
    status: number;
    /** the problem's slug (`conversation-not-found`) */
    code: string | undefined;
    retryable: boolean;
}

/** One conversation's messages: entries by seq (each applied once), messages by messageId, own pending ones by clientMsgId. */
export class ConversationStore {
    constructor(conversationId: string);
    readonly conversationId: string;
    /** every entry seen, by seq */
    entries: Map<number, LogEntry>;
    byMessageId: Map<string, ChatMessage>;
    /** own messages not yet in the log, by clientMsgId */
    pending: Map<string, ChatMessage>;
    /** lowest seq loaded; null before anything is */
    lowSeq: number | null;
    /** whether there is history older than lowSeq */
    hasOlder: boolean;
    olderCursor: string | null;
    olderCursorBelow: number | null;
    headSeq: number;
    /** read marker per user, from `read` frames */
    readBy: Map<string, number>;
    /** the caller's own read marker, once markRead moved it */
    ownRead?: number;
    /** the highest seq up to which the loaded window has no gap: where a resumed subscription continues */
    contiguousSeq(): number;
    /** applies one history entry or `message` frame; true when it changed anything */
    apply(entry: LogEntry): boolean;
    putPending(entry: OutboxEntry): void;
    /** the log by seq, then our undelivered messages in the order written */
    messages(): ChatMessage[];
}

/**
 * REST calls, one WebSocket with reconnects and resume, per-conversation stores and a
 * persistent outbox. Events: see ParleyEventMap.
 */
export class ParleyClient extends EventTarget {
    constructor(options?: ParleyClientOptions);
    readonly baseUrl: string;
    readonly storage: ParleyStorage | null;
    readonly namespace: string;
    /** the stored session (login, refresh); null with getToken */
    session: Session | null;
    /** the caller as GET /api/v1/auth/me told it, with getToken */
    me: User | null;
    state: ConnectionState;
    stores: Map<string, ConversationStore>;
    /** conversations kept subscribed across reconnects */
    subscribed: Set<string>;
    outbox: OutboxEntry[];
    /** frame types the server answered "not supported" for */
    unsupported: Set<string>;
    /** last known presence by userId */
    presence: Map<string, Presence>;
    watched: Set<string>;
    socket: WebSocketLike | null;

    /** the caller: the session's user, or identify()'s */
    get user(): User | null;
    /** whether there is a token to use: a session, or getToken */
    get signedIn(): boolean;
    /** messages not yet acknowledged (failed ones excluded) */
    get queued(): number;

    identify(): Promise<User>;
    register(body: { tenant: string; username: string; password: string; displayName: string }): Promise<User>;
    login(body: { tenant: string; username: string; password: string }): Promise<Session>;
    logout(): Promise<void>;
    refresh(): Promise<void>;

    searchUsers(query: string): Promise<User[]>;
    listConversations(): Promise<ConversationSummary[]>;
    getConversation(id: string): Promise<Conversation>;
    createConversation(request: { type: ConversationType; title?: string; memberIds: string[] }): Promise<Conversation>;
    fetchPresence(userIds: string[]): Promise<Presence[]>;

    conversation(conversationId: string): ConversationStore;
    /** latest history (when nothing is loaded), then live; resumed from the last contiguous seq after every reconnect */
    open(conversationId: string): Promise<ConversationStore>;
    close(conversationId: string): void;
    /** the page before the oldest loaded seq; the number of entries added */
    loadOlder(conversationId: string): Promise<number>;

    /** pending at once, kept in the outbox, retried with the same clientMsgId until acknowledged; returns the clientMsgId */
    send(conversationId: string, body: string): string;
    retry(conversationId: string, clientMsgId: string): void;
    discard(conversationId: string, clientMsgId: string): void;
    reloadOutbox(): void;

    typing(conversationId: string): void;
    markRead(conversationId: string, seq: number): void;
    watchPresence(userIds: string[]): void;

    /** opens the socket and keeps it open (backoff with jitter) until disconnect() */
    connect(): void;
    disconnect(): void;

    addEventListener<K extends keyof ParleyEventMap>(type: K,
        listener: (event: ParleyEvent<ParleyEventMap[K]>) => void, options?: boolean | AddEventListenerOptions): void;
    addEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
        options?: boolean | AddEventListenerOptions): void;
    removeEventListener<K extends keyof ParleyEventMap>(type: K,
        listener: (event: ParleyEvent<ParleyEventMap[K]>) => void, options?: boolean | EventListenerOptions): void;
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
        options?: boolean | EventListenerOptions): void;
}
