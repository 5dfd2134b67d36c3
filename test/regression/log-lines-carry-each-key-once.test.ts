import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { test } from "node:test";
import { call, createVigilClient } from "../../src/client/client.js";
import { loadConfigFile } from "../../src/config/load.js";
import { createLogger } from "../../src/logging.js";
import { Sidecar } from "../../src/sidecar.js";
import { DestinationServer } from "../helpers/destination-server.js";
import { eventually } from "../helpers/sidecar.js";

/**
 * The keys of every object in one JSON text that occur more than once (JSON.parse keeps the
 * last silently; log backends differ). A small scanner: strings with escapes, objects, arrays.
 */
export function duplicateKeys(json: string): string[] {
  const dups: string[] = [];
  // One entry per open container: the keys of an object, or null for an array.
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === "\\" ? 2 : 1;
      const top = stack.at(-1);
      if (expectKey && top) {
        const key = JSON.parse(json.slice(i, j + 1)) as string;
        if (top.has(key)) dups.push(key);
        top.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === "{") {
      stack.push(new Set());
      expectKey = true;
    } else if (c === "[") {
      stack.push(null);
      expectKey = false;
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ",") {
      expectKey = stack.at(-1) instanceof Set;
    }
  }
  return dups;
}

test("the duplicate-key scanner sees what JSON.parse hides", () => {
  assert.deepEqual(duplicateKeys('{"component":"router","component":"router","msg":"x"}'), ["component"]);
  assert.deepEqual(duplicateKeys('{"a":{"b":1,"b":2},"c":[{"d":1},{"d":2}],"e":"\\"a\\":1,\\"a\\""}'), ["b"]);
  assert.deepEqual(duplicateKeys('{"a":1,"b":{"a":2}}'), []);
});

test("every log line of a busy sidecar (router, destinations, dead letters, alerts, log notifier) carries each key once", async () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(line);
      cb();
    },
  });
  const hook = await new DestinationServer().start();
  const refusing = await new DestinationServer().start();
  refusing.behave = () => ({ status: 400 });
  const failing = await new DestinationServer().start();
  failing.behave = () => ({ status: 503 });
  const dir = await mkdtemp(join(tmpdir(), "vigil-dupkeys-"));
  const configPath = join(dir, "vigil.yaml");
  await writeFile(
    configPath,
    `server:
  grpc: { address: "127.0.0.1:0" }
  http: { address: "127.0.0.1:0" }
data_dir: ${JSON.stringify(join(dir, "data"))}
logs: { level: debug }
heartbeats: { evaluation_interval: 100ms }
router:
  destinations:
    - { name: crm, kind: http, url: "${hook.url}" }
    - { name: refuses, kind: http, url: "${refusing.url}" }
    - name: fails
      kind: http
      url: "${failing.url}"
      retry: { initial: 10ms, max: 50ms }
      circuit_breaker: { consecutive_failures: 1, half_open_after: 100ms }
    - { name: archive, kind: log, path: logs/messages.jsonl }
    - { name: consumers, kind: subscriber }
  routes:
    - { match: { topic: "orders.*" }, to: [crm, refuses, fails, archive, consumers] }
alerts:
  evaluation_interval: 100ms
  rules:
    - { name: BotDown, kind: heartbeat, states: [DOWN], severity: critical }
  notifiers:
    - { kind: log }
    - { kind: webhook, url: "${hook.url}" }
`,
  );
  const sidecar = await Sidecar.create({
    loaded: loadConfigFile(configPath, {}),
    env: {},
    logger: createLogger("debug", stream),
    version: "test",
    hostMetrics: false,
  });
  await sidecar.start();
  const client = createVigilClient(`127.0.0.1:${sidecar.grpcPort}`);
  try {
    await call(client.router.Publish.bind(client.router), {
      topic: "orders.new",
      payload: Buffer.from("{}"),
    });
    await call(client.heartbeat.Beat.bind(client.heartbeat), {
      component: "bot-1",
      interval: { nanos: 100_000_000 },
      grace: { nanos: 100_000_000 },
    });
    await eventually(() => hook.received.length >= 2, 15_000, "a delivery and an alert notification");
    await eventually(
      () =>
        lines.some((l) => l.includes('"alert.firing"')) &&
        lines.some((l) => l.includes("dead")) &&
        lines.some((l) => l.includes('"destination":"fails"')),
      15_000,
      "the alert firing, a dead letter and a failing destination in the log",
    );
  } finally {
    client.close();
    await sidecar.stop();
    await hook.stop();
    await refusing.stop();
    await failing.stop();
    await rm(dir, { recursive: true, force: true });
  }
  assert.ok(lines.length > 10, `${lines.length} log lines`);
  const bad = lines.filter((l) => duplicateKeys(l).length > 0);
  assert.deepEqual(bad, [], "log lines with a key twice");
});
