import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { parseConfigText } from "../../src/config/load.js";

// No Docker engine here: what can be checked without building the image is checked against the
// repository itself, so the Dockerfile cannot drift from package.json, the chart or the code.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const read = (p: string) => readFileSync(`${ROOT}${p}`, "utf8");
const dockerfile = read("Dockerfile");
const lines = dockerfile.split("\n").filter((l) => !l.startsWith("#"));
const stages = dockerfile.split(/^FROM /m).slice(1);

test("Dockerfile: two stages on one Node LTS image (the native addon is built for the image it runs in)", () => {
  const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1] as string);
  assert.equal(froms.length, 2);
  assert.equal(froms[0], froms[1]);
  const major = Number(/^node:(\d+)/.exec(froms[0] as string)?.[1]);
  assert.ok(major >= 22 && major % 2 === 0, `a current LTS, not ${froms[0]}`);
});

test("Dockerfile: what the build stage copies exists and is not excluded by .dockerignore", () => {
  const ignored = read(".dockerignore")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const sources = lines
    .filter((l) => l.startsWith("COPY ") && !l.includes("--from="))
    .flatMap((l) => l.split(/\s+/).slice(1, -1));
  assert.ok(sources.length >= 5);
  for (const s of sources) {
    assert.ok(existsSync(`${ROOT}${s}`), `${s} exists`);
    assert.ok(!ignored.includes(s.replace(/\/$/, "")), `${s} is not in .dockerignore`);
  }
});

test("Dockerfile: runs Vigil as npm start does, as the chart's non-root user, with a health check on /healthz", () => {
  const pkg = JSON.parse(read("package.json")) as { scripts: { start: string } };
  const startFlags = pkg.scripts.start.match(/--[\w-]+(?:=\S+)?/g) ?? [];
  const entry = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1] ?? "[]") as string[];
  assert.equal(entry[0], "node");
  assert.deepEqual(entry.slice(1, -1), startFlags, "the same Node flags as npm start");
  const bin = (JSON.parse(read("package.json")) as { bin: { vigil: string } }).bin.vigil;
  assert.equal(entry.at(-1), `/app/${bin}`, "the entry point is the package's bin, built from src/main.ts");

  const final = stages.at(-1) as string;
  const user = /^USER (\d+):(\d+)$/m.exec(final);
  assert.ok(user, "a numeric non-root USER in the final stage");
  assert.notEqual(user[1], "0");
  const values = parse(read("helm/vigil/values.yaml")) as {
    vigil: { securityContext: { runAsUser: number } };
  };
  assert.equal(Number(user[1]), values.vigil.securityContext.runAsUser, "the chart runs it as the same user");
  assert.doesNotMatch(final, /npm (ci|install)(?!.*--omit=dev)/, "no dev install in the final stage");

  assert.match(dockerfile, /^HEALTHCHECK .*\n?.*\/healthz/m);
  assert.match(read("src/server/http-server.ts"), /\/healthz/);
});

test("Dockerfile: the config it ships is a valid vigil.yaml (the embedded defaults)", () => {
  const shipped = /echo '([^']*)' > \/etc\/vigil\/vigil\.yaml/.exec(dockerfile)?.[1];
  assert.equal(shipped, "{}");
  assert.doesNotThrow(() => parseConfigText(shipped as string, "/etc/vigil/vigil.yaml", null, {}));
});
