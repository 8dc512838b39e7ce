// The package as npm would publish it: what `npm pack` puts in it, and that its name resolves
// (through the exports map) to the very module the gateway serves at /lib/parley.js.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import * as served from "../../main/resources/static/lib/parley.js";

const moduleDir = fileURLToPath(new URL("../../../", import.meta.url));
const manifest = JSON.parse(readFileSync(new URL("package.json", "file://" + moduleDir), "utf8"));

test("npm pack takes the served parley.js, its declarations and the manifest, and nothing else", () => {
    const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"],
        { cwd: moduleDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
    assert.equal(packed.name, "@parley/client");
    assert.equal(packed.version, manifest.version);
    assert.deepEqual(packed.files.map(f => f.path).sort(), [
        "package.json",
        "src/main/resources/static/lib/parley.d.ts",
        "src/main/resources/static/lib/parley.js",
    ]);
    const exported = manifest.exports["."];
    for (const target of [exported.types, exported.default, manifest.main, manifest.types]) {
        assert.ok(packed.files.some(f => "./" + f.path === target), target + " is in the package");
    }
});

test("import \"@parley/client\" is the module served at /lib/parley.js", async () => {
    const byName = await import("@parley/client");
    assert.equal(byName.ParleyClient, served.ParleyClient);
    assert.deepEqual(Object.keys(byName).sort(), Object.keys(served).sort());
});
