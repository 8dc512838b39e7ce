// The Parley web client. All text from the server or other people goes into the page through
// textContent (see el()): nothing here ever parses data as HTML.
import { ParleyClient, ParleyError } from "/lib/parley.js";

const client = new ParleyClient();
const $ = id => /** @type {HTMLElement} */ (document.getElementById(id));

/** Display names we know, by user id: from the directory, our own session and search results. */
const names = new Map(Object.entries(JSON.parse(localStorage.getItem("parley.names") || "{}")));
/** @type {Map<string, any>} conversation summaries by id */
const conversations = new Map();
/** @type {Map<string, string[]>} member ids by conversation */
const members = new Map();
/** conversation ids whose members are being read */
const loadingMembers = new Set();
/** @type {Map<string, Map<string, number>>} who is typing (until when) per conversation */
const typingUntil = new Map();
let current = localStorage.getItem("parley.current") || null;
let signup = false;
let bannerTimer = null;

/**
 * Creates an element; strings become text nodes, never markup.
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...(Node|string|null|undefined|false)} children
 */
function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
        if (value == null || value === false) {
            continue;
        }
        if (key === "class") {
            node.className = value;
        } else if (key === "text") {
            node.textContent = value;
        } else if (key.startsWith("on")) {
            node.addEventListener(key.slice(2), value);
        } else if (key === "dataset") {
            Object.assign(node.dataset, value);
        } else {
            node.setAttribute(key, value === true ? "" : String(value));
        }
    }
    for (const child of children) {
        if (child == null || child === false) {
            continue;
        }
        node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
}

function rememberNames(users) {
    for (const u of users) {
        names.set(u.id, u.displayName || u.username);
    }
    localStorage.setItem("parley.names", JSON.stringify(Object.fromEntries(names)));
}

function nameOf(userId) {
    if (userId === client.user?.id) {
        return "You";
    }
    return names.get(userId) ?? "user " + String(userId).slice(0, 6);
}

function titleOf(c) {
    if (c.title) {
        return c.title;
    }
    const others = (members.get(c.id) ?? []).filter(id => id !== client.user?.id);
    if (others.length > 0) {
        return others.map(nameOf).join(", ");
    }
    return c.type === "DIRECT" ? "Direct conversation" : "Untitled group";
}

// ---- views

function showView() {
    const signedIn = !!client.user;
    $("auth-view").hidden = signedIn;
    $("chat-view").hidden = !signedIn;
    $("logout").hidden = !signedIn;
    $("me").textContent = signedIn ? (client.user.displayName || client.user.username) : "";
    if (!signedIn) {
        $("banner").hidden = true;
    }
}

function setAuthMode(isSignup) {
    signup = isSignup;
    $("auth-title").textContent = isSignup ? "Create an account" : "Sign in";
    $("auth-submit").textContent = isSignup ? "Create account" : "Sign in";
    $("auth-switch").textContent = isSignup ? "Have an account? Sign in" : "New here? Create an account";
    $("display-name-row").hidden = !isSignup;
    $("password").setAttribute("autocomplete", isSignup ? "new-password" : "current-password");
    $("auth-error").textContent = "";
}

async function submitAuth(event) {
    event.preventDefault();
    const tenant = /** @type {HTMLInputElement} */ ($("tenant")).value.trim();
    const username = /** @type {HTMLInputElement} */ ($("username")).value.trim();
    const password = /** @type {HTMLInputElement} */ ($("password")).value;
    const displayName = /** @type {HTMLInputElement} */ ($("display-name")).value.trim() || username;
    $("auth-error").textContent = "";
    $("auth-submit").setAttribute("disabled", "");
    try {
        if (signup) {
            await client.register({ tenant, username, password, displayName });
        }
        await client.login({ tenant, username, password });
        /** @type {HTMLInputElement} */ ($("password")).value = "";
        await start();
    } catch (e) {
        $("auth-error").textContent = e instanceof ParleyError ? e.message : "Something went wrong: " + e;
    } finally {
        $("auth-submit").removeAttribute("disabled");
    }
}

async function start() {
    showView();
    rememberNames([client.user]);
    client.reloadOutbox();
    client.connect();
    client.searchUsers("").then(rememberNames).catch(() => undefined);
    await refreshList();
    if (current && conversations.has(current)) {
        await openConversation(current);
    } else {
        current = null;
        renderConversation();
    }
}

// ---- connection banner

function renderBanner(state, queued) {
    const banner = $("banner");
    clearTimeout(bannerTimer);
    banner.classList.remove("ok", "warn", "bad");
    if (!client.user) {
        banner.hidden = true;
        return;
    }
    const wasDown = banner.dataset.state === "offline" || banner.dataset.state === "connecting";
    banner.dataset.state = state;
    banner.dataset.queued = String(queued);
    if (state === "online") {
        if (wasDown) {
            banner.textContent = queued > 0 ? `Back online — sending ${queued} queued` : "Back online";
            banner.classList.add("ok");
            banner.hidden = false;
            bannerTimer = setTimeout(() => { banner.hidden = true; }, 2500);
        } else if (!banner.classList.contains("ok")) {
            banner.hidden = true;
        }
        return;
    }
    const waiting = queued === 1 ? "1 message queued" : `${queued} messages queued`;
    banner.textContent = state === "connecting"
        ? "Connecting…" + (queued > 0 ? " " + waiting : "")
        : "Offline — " + waiting;
    banner.classList.add(state === "connecting" ? "warn" : "bad");
    banner.hidden = false;
}

// ---- conversation list

/** Reads the list again; every read of it is rendered by the `conversations` event. */
async function refreshList() {
    try {
        await client.listConversations();
    } catch (e) {
        showProblem(e);
    }
}

async function loadMembers(conversationId) {
    if (loadingMembers.has(conversationId)) {
        return; // the list is read on start and again once the socket opens: one read of each is enough
    }
    loadingMembers.add(conversationId);
    try {
        const details = await client.getConversation(conversationId);
        const ids = details.members.map(m => m.userId);
        members.set(conversationId, ids);
        client.watchPresence(ids.filter(id => id !== client.user?.id));
        renderList();
        if (conversationId === current) {
            renderHead();
        }
    } catch (e) {
        // the list still shows the conversation; its title stays generic
    } finally {
        loadingMembers.delete(conversationId);
    }
}

function unreadOf(c) {
    if (c.id === current) {
        return 0;
    }
    return Math.max(0, (c.headSeq ?? 0) - (c.readSeq ?? 0), c.unread ?? 0);
}

function renderList() {
    const list = $("conversation-list");
    const items = [...conversations.values()].sort((a, b) =>
        String(b.lastActivityAt ?? b.createdAt).localeCompare(String(a.lastActivityAt ?? a.createdAt)));
    list.replaceChildren(...items.map(c => {
        const unread = unreadOf(c);
        const other = c.type === "DIRECT" ? (members.get(c.id) ?? []).find(id => id !== client.user?.id) : null;
        return el("li", {},
            el("button", {
                type: "button", class: "conversation-item" + (c.id === current ? " active" : ""),
                dataset: { id: c.id }, onclick: () => openConversation(c.id),
            },
            other ? presenceDot(other) : el("span", { class: "dot group", "aria-hidden": "true" }),
            el("span", { class: "title", text: titleOf(c) }),
            unread > 0 ? el("span", { class: "badge", text: unread > 99 ? "99+" : String(unread),
                "aria-label": unread + " unread" }) : null));
    }));
    $("no-conversations").hidden = items.length > 0;
}

function presenceDot(userId) {
    const status = client.presence.get(userId)?.status ?? "unknown";
    return el("span", { class: "dot " + status, title: nameOf(userId) + ": " + status, dataset: { user: userId } });
}

// ---- conversation view

async function openConversation(conversationId) {
    if (current && current !== conversationId) {
        client.close(current);
    }
    current = conversationId;
    localStorage.setItem("parley.current", conversationId);
    document.body.classList.add("in-conversation");
    const summary = conversations.get(conversationId);
    if (summary) {
        summary.readSeq = summary.headSeq;
        summary.unread = 0;
    }
    renderList();
    renderConversation();
    if (!members.has(conversationId)) {
        loadMembers(conversationId);
    }
    try {
        await client.open(conversationId);
        renderConversation(true);
    } catch (e) {
        showProblem(e);
    }
}

function renderHead() {
    const c = current ? conversations.get(current) : null;
    $("conversation-title").textContent = c ? titleOf(c) : (current ? "Conversation" : "Select a conversation");
    const dot = $("conversation-dot");
    const other = c?.type === "DIRECT" ? (members.get(c.id) ?? []).find(id => id !== client.user?.id) : null;
    if (other) {
        const status = client.presence.get(other)?.status ?? "unknown";
        dot.className = "dot " + status;
        dot.title = status;
        dot.hidden = false;
    } else {
        dot.hidden = true;
    }
}

function renderConversation(scrollToEnd = false) {
    renderHead();
    $("composer").hidden = !current;
    const list = $("message-list");
    if (!current) {
        list.replaceChildren();
        $("load-older").hidden = true;
        $("typing").textContent = "";
        return;
    }
    const box = $("messages");
    const nearEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    const store = client.conversation(current);
    const messages = store.messages();
    const me = client.user?.id;
    // Read receipts: under our latest sent message that someone else has read.
    let receiptKey = null;
    let readers = [];
    for (const m of messages) {
        if (m.senderId === me && m.seq !== null) {
            const who = [...store.readBy].filter(([user, seq]) => user !== me && seq >= m.seq).map(([user]) => user);
            if (who.length > 0) {
                receiptKey = m.key;
                readers = who;
            }
        }
    }
    // "Sent" under our latest sent message only; pending and failed ones always say so.
    const lastSent = messages.filter(m => m.senderId === me && m.status === "sent").at(-1)?.key;
    list.replaceChildren(...messages.map(m => renderMessage(m, m.senderId === me,
        m.key === receiptKey ? readers : null, m.key === lastSent)));
    $("load-older").hidden = !store.hasOlder || store.lowSeq === null || store.lowSeq <= 1;
    if (scrollToEnd || nearEnd) {
        box.scrollTop = box.scrollHeight;
    }
    const last = messages.filter(m => m.seq !== null).at(-1);
    if (last && document.visibilityState !== "hidden") {
        client.markRead(current, Math.max(store.headSeq, last.seq));
    }
    renderTyping();
}

/**
 * @param {import("/lib/parley.js").ChatMessage} m
 * @param {boolean} own
 * @param {string[]|null} readers
 * @param {boolean} latestSent
 */
function renderMessage(m, own, readers, latestSent) {
    const status = own ? el("div", { class: "status" },
        m.status === "pending" ? el("span", { class: "pending", text: "Sending…" }) : null,
        m.status === "sent" && latestSent && !readers ? el("span", { class: "sent", text: "Sent" }) : null,
        m.status === "failed" ? el("span", { class: "failed", text: "Not sent: " + (m.error || "refused") }) : null,
        m.status === "failed" ? el("button", { type: "button", class: "link retry", text: "Retry",
            onclick: () => client.retry(current, m.clientMsgId) }) : null,
        m.status === "failed" ? el("button", { type: "button", class: "link discard", text: "Discard",
            onclick: () => client.discard(current, m.clientMsgId) }) : null,
        readers ? el("span", { class: "receipt", text: "Seen by " + readers.map(nameOf).join(", ") }) : null)
        : null;
    return el("li", {
        class: "message " + (own ? "own " : "") + m.status + (m.deleted ? " deleted" : ""),
        dataset: { key: m.key, seq: m.seq ?? "", status: m.status },
    },
    own ? null : el("div", { class: "sender", text: nameOf(m.senderId) }),
    el("div", { class: "body", text: m.deleted ? "Message deleted" : (m.body ?? "") }),
    el("div", { class: "meta" },
        m.createdAt ? el("time", { datetime: m.createdAt, text: formatTime(m.createdAt) }) : null,
        m.editedAt && !m.deleted ? el("span", { class: "edited", text: " · edited" }) : null),
    status);
}

function formatTime(iso) {
    const d = new Date(iso);
    return isNaN(d.getTime()) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function renderTyping() {
    const now = Date.now();
    const who = [...(typingUntil.get(current) ?? new Map())].filter(([, until]) => until > now).map(([u]) => nameOf(u));
    $("typing").textContent = who.length === 0 ? ""
        : who.length === 1 ? `${who[0]} is typing…` : `${who.join(", ")} are typing…`;
}

async function loadOlder() {
    if (!current) {
        return;
    }
    const box = $("messages");
    const before = box.scrollHeight;
    try {
        await client.loadOlder(current);
        box.scrollTop += box.scrollHeight - before; // keep the reader where they were
    } catch (e) {
        showProblem(e);
    }
}

function sendFromComposer(event) {
    event.preventDefault();
    const input = /** @type {HTMLTextAreaElement} */ ($("composer-input"));
    const body = input.value.trim();
    if (!body || !current) {
        return;
    }
    input.value = "";
    client.send(current, body);
    renderConversation(true);
}

function showProblem(e) {
    const message = e instanceof ParleyError || e?.message ? e.message : String(e);
    const banner = $("banner");
    banner.classList.remove("ok", "warn");
    banner.classList.add("bad");
    banner.textContent = message;
    banner.hidden = false;
    clearTimeout(bannerTimer);
    bannerTimer = setTimeout(() => renderBanner(client.state, client.queued), 5000);
}

// ---- new conversation dialog

const chosen = new Map();

function openNewDialog() {
    chosen.clear();
    renderChosen();
    /** @type {HTMLInputElement} */ ($("user-search")).value = "";
    /** @type {HTMLInputElement} */ ($("group-title")).value = "";
    $("search-results").replaceChildren();
    $("new-error").textContent = "";
    /** @type {HTMLDialogElement} */ ($("new-dialog")).showModal();
    $("user-search").focus();
    search();
}

function kind() {
    return /** @type {HTMLInputElement} */ (document.querySelector("input[name=kind]:checked")).value;
}

let searchTimer = null;
function search() {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(async () => {
        const query = /** @type {HTMLInputElement} */ ($("user-search")).value.trim();
        try {
            const users = (await client.searchUsers(query)).filter(u => u.id !== client.user?.id);
            rememberNames(users);
            $("search-results").replaceChildren(...users.map(u => el("li", {},
                el("button", { type: "button", class: "user", dataset: { username: u.username },
                    onclick: () => choose(u) },
                el("span", { class: "name", text: u.displayName || u.username }),
                el("span", { class: "handle", text: "@" + u.username })))));
        } catch (e) {
            $("new-error").textContent = e.message;
        }
    }, 200);
}

function choose(user) {
    if (kind() === "DIRECT") {
        chosen.clear();
    }
    chosen.set(user.id, user);
    renderChosen();
}

function renderChosen() {
    $("chosen").replaceChildren(...[...chosen.values()].map(u => el("li", { class: "chip" },
        el("span", { text: u.displayName || u.username }),
        el("button", { type: "button", class: "link", "aria-label": "Remove " + (u.displayName || u.username),
            text: "×", onclick: () => { chosen.delete(u.id); renderChosen(); } }))));
}

async function createConversation(event) {
    event.preventDefault();
    const type = kind();
    const memberIds = [...chosen.keys()];
    if (type === "DIRECT" && memberIds.length !== 1) {
        $("new-error").textContent = "Choose the one person to talk to.";
        return;
    }
    const title = /** @type {HTMLInputElement} */ ($("group-title")).value.trim();
    try {
        const created = await client.createConversation(type === "DIRECT" ? { type, memberIds }
            : { type, title: title || null, memberIds });
        /** @type {HTMLDialogElement} */ ($("new-dialog")).close();
        members.set(created.id, created.members.map(m => m.userId));
        conversations.set(created.id, { ...created, readSeq: created.headSeq, unread: 0 });
        await openConversation(created.id);
        refreshList();
    } catch (e) {
        $("new-error").textContent = e.message;
    }
}

// ---- wiring

$("auth-form").addEventListener("submit", submitAuth);
$("auth-switch").addEventListener("click", () => setAuthMode(!signup));
$("logout").addEventListener("click", async () => {
    await client.logout();
    current = null;
    localStorage.removeItem("parley.current");
    conversations.clear();
    showView();
});
$("new-conversation").addEventListener("click", openNewDialog);
$("new-cancel").addEventListener("click", () => /** @type {HTMLDialogElement} */ ($("new-dialog")).close());
$("new-form").addEventListener("submit", createConversation);
$("user-search").addEventListener("input", search);
document.querySelectorAll("input[name=kind]").forEach(r => r.addEventListener("change", () => {
    $("group-title-row").hidden = kind() !== "GROUP";
    if (kind() === "DIRECT" && chosen.size > 1) {
        chosen.clear();
        renderChosen();
    }
}));
$("composer").addEventListener("submit", sendFromComposer);
$("composer-input").addEventListener("keydown", event => {
    if (event.key === "Enter" && !event.shiftKey) {
        sendFromComposer(event);
    }
});
$("composer-input").addEventListener("input", () => current && client.typing(current));
$("load-older").addEventListener("click", loadOlder);
$("messages").addEventListener("scroll", () => {
    if ($("messages").scrollTop < 40 && !$("load-older").hidden) {
        loadOlder();
    }
});
$("back").addEventListener("click", () => {
    document.body.classList.remove("in-conversation");
});
document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && current) {
        renderConversation();
    }
});

client.addEventListener("connection", e => renderBanner(e.detail.state, e.detail.queued));
client.addEventListener("messages", e => {
    const summary = conversations.get(e.detail.conversationId);
    const store = client.conversation(e.detail.conversationId);
    if (summary) {
        summary.headSeq = Math.max(summary.headSeq ?? 0, store.headSeq);
        if (e.detail.conversationId === current) {
            summary.readSeq = summary.headSeq;
        }
    }
    if (e.detail.conversationId === current) {
        renderConversation();
    }
});
client.addEventListener("typing", e => {
    const { conversationId, userId } = e.detail;
    if (!typingUntil.has(conversationId)) {
        typingUntil.set(conversationId, new Map());
    }
    typingUntil.get(conversationId).set(userId, Date.now() + 5000);
    if (conversationId === current) {
        renderTyping();
        setTimeout(renderTyping, 5100);
    }
});
client.addEventListener("read", e => {
    if (e.detail.conversationId === current) {
        renderConversation();
    }
});
client.addEventListener("presence", () => {
    renderList();
    renderHead();
});
client.addEventListener("activity", e => {
    const c = conversations.get(e.detail.conversationId);
    if (!c) {
        refreshList();
        return;
    }
    c.headSeq = Math.max(c.headSeq ?? 0, e.detail.headSeq);
    c.lastActivityAt = new Date().toISOString();
    renderList();
});
client.addEventListener("conversation", () => refreshList());
client.addEventListener("conversations", e => {
    const items = e.detail.items;
    for (const c of items) {
        const known = conversations.get(c.id);
        if (known) {
            // The list is a projection that may trail the log by a moment: it never takes back
            // what an activity frame or this person's own reading already moved forward.
            c.headSeq = Math.max(c.headSeq ?? 0, known.headSeq ?? 0);
            c.readSeq = Math.max(c.readSeq ?? 0, known.readSeq ?? 0);
            if (c.readSeq >= c.headSeq) {
                c.unread = 0;
            }
            if (String(known.lastActivityAt ?? "") > String(c.lastActivityAt ?? "")) {
                c.lastActivityAt = known.lastActivityAt;
            }
        }
    }
    conversations.clear();
    items.forEach(c => conversations.set(c.id, c));
    renderList();
    for (const c of items) {
        if (!members.has(c.id)) {
            loadMembers(c.id);
        }
    }
});
client.addEventListener("problem", e => {
    if (e.detail.message && !/not supported/i.test(e.detail.message)) {
        showProblem(e.detail);
    }
});
client.addEventListener("session", e => {
    if (!e.detail.user) {
        showView();
    }
});

setAuthMode(false);
if (client.user) {
    start();
} else {
    showView();
}
