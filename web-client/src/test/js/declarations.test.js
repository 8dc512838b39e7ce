// parley.d.ts is written by hand beside parley.js: this keeps the two from drifting apart.
// Every export is declared and every declared export exists; every method and getter of the
// classes is declared and every declared one exists; every declared field is one an instance has.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as parley from "../../main/resources/static/lib/parley.js";

const declarations = readFileSync(new URL("../../main/resources/static/lib/parley.d.ts", import.meta.url), "utf8");
/** what EventTarget brings, declared again only to type the events */
const INHERITED = new Set(["addEventListener", "removeEventListener"]);

/** The members declared in `export class <name> ... { ... }`: methods and getters, and fields. */
function declaredMembers(name) {
    const body = new RegExp("^export class " + name + "\\b[^{]*\\{\\n([\\s\\S]*?)^\\}", "m").exec(declarations);
    assert.ok(body, "parley.d.ts declares class " + name);
    const methods = new Set();
    const fields = new Set();
    for (const [, getter, member, kind] of body[1].matchAll(/^ {4}(?:readonly )?(get )?(\w+)(\??:|[(<])/gm)) {
        if (member === "constructor") {
            continue;
        }
        (getter || kind === "(" || kind === "<" ? methods : fields).add(member);
    }
    return { methods, fields };
}

function prototypeMembers(type) {
    return new Set(Object.getOwnPropertyNames(type.prototype).filter(n => n !== "constructor"));
}

test("every export of parley.js is declared in parley.d.ts, and nothing else is", () => {
    const declared = new Set([...declarations.matchAll(/^export (?:class|function) (\w+)/gm)].map(m => m[1]));
    assert.deepEqual([...declared].sort(), Object.keys(parley).sort());
});

for (const [name, make] of [
    ["ParleyClient", () => new parley.ParleyClient({ baseUrl: "http://gateway.test", storage: null })],
    ["ConversationStore", () => new parley.ConversationStore("c1")],
]) {
    test(name + "'s methods and getters are the declared ones, and its declared fields exist", () => {
        const { methods, fields } = declaredMembers(name);
        assert.deepEqual([...methods].filter(m => !INHERITED.has(m)).sort(), [...prototypeMembers(parley[name])].sort());
        const instance = make();
        const optional = new Set(["ownRead"]); // set once markRead moved it
        const missing = [...fields].filter(f => !(f in instance) && !optional.has(f));
        assert.deepEqual(missing, [], "declared fields an instance does not have");
    });
}
