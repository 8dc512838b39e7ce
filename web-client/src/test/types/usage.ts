// A typed use of @parley/client, checked by `tsc --noEmit` in the build (npm run typecheck): the
// package's own name resolves through its exports map to parley.d.ts. Each @ts-expect-error is a
// mistake the declarations must catch; should one stop being an error, tsc fails.
import { ParleyClient, ParleyError, errorCode } from "@parley/client";
import type { ChatMessage, ConnectionState, ParleyStorage, WebSocketLike } from "@parley/client";

class MemoryStorage implements ParleyStorage {
    readonly items = new Map<string, string>();
    getItem(key: string): string | null {
        return this.items.get(key) ?? null;
    }
    setItem(key: string, value: string): void {
        this.items.set(key, value);
    }
    removeItem(key: string): void {
        this.items.delete(key);
    }
}

class QuietSocket implements WebSocketLike {
    readyState = 0;
    onopen: ((event: any) => void) | null = null;
    onmessage: ((event: { data: any }) => void) | null = null;
    onclose: ((event: { code: number }) => void) | null = null;
    constructor(readonly url: string, readonly protocols: string[]) {}
    send(data: string): void {}
    close(code?: number, reason?: string): void {}
}

export async function browserLike(conversationId: string): Promise<ChatMessage[]> {
    const client = new ParleyClient();
    await client.login({ tenant: "default", username: "alice", password: "correct-horse-42" });
    client.addEventListener("connection", e => {
        const state: ConnectionState = e.detail.state;
        const queued: number = e.detail.queued;
        console.log(state, queued);
    });
    client.addEventListener("problem", e => console.log(e.detail.code ?? "", e.detail.message));
    client.connect();
    const store = await client.open(conversationId);
    const clientMsgId: string = client.send(conversationId, "hello");
    client.retry(conversationId, clientMsgId);
    // @ts-expect-error the body is a string
    client.send(conversationId, 42);
    // @ts-expect-error there is no such event
    client.addEventListener("messages", (e: { detail: { seq: string } }) => e.detail.seq.trim());
    return store.messages();
}

export async function nodeLike(): Promise<void> {
    const client = new ParleyClient({
        baseUrl: "https://chat.example.com",
        WebSocket: QuietSocket,
        fetch: (input, init) => fetch(input, init),
        storage: new MemoryStorage(),
        getToken: async () => "a-token",
    });
    // @ts-expect-error getToken returns a token, not a session
    new ParleyClient({ getToken: async () => ({ accessToken: "x" }) });
    const me = await client.identify();
    console.log(me.displayName, client.user?.id, client.signedIn);
    client.addEventListener("messages", e => {
        for (const m of client.conversation(e.detail.conversationId).messages()) {
            console.log(m.seq ?? m.status);
        }
    });
    try {
        await client.listConversations();
    } catch (e) {
        if (e instanceof ParleyError) {
            console.log(e.status, e.code, e.retryable);
        }
    }
    console.log(errorCode("not_found"));
    client.disconnect();
}
