import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { spawnVigil, type VigilProcess, waitStarted } from "../helpers/process.js";
import {
  type PythonClientVenv,
  type PythonProcess,
  pythonClientVenv,
  run,
  spawnPython,
} from "../helpers/python.js";

const TOKEN = "py-bot-token-0123456789";

/** A Python script's JSON output, checked field by field by the assertions. */
// biome-ignore lint/suspicious/noExplicitAny: free-form JSON from Python; every use is an assertion.
type Json = any;

/** A Vigil of its own (a child process) with `yaml` under a server section on loopback. */
async function vigil(
  dir: string,
  server: string,
  rest: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ p: VigilProcess; address: string; http: string; config: string }> {
  const config = join(dir, "vigil.yaml");
  await writeFile(
    config,
    `server:\n  http: { address: "127.0.0.1:0" }\n${server}data_dir: ${JSON.stringify(join(dir, "data"))}\n${rest}`,
  );
  const p = spawnVigil(["run", "--config", config], env);
  const started = await waitStarted(p);
  return { p, address: `127.0.0.1:${started.grpc}`, http: `http://127.0.0.1:${started.http}`, config };
}

async function stop(p: VigilProcess | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill("SIGTERM");
  await p.exited;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Runs a script to its end and returns its last stdout line as JSON. */
async function runScript<T>(venv: PythonClientVenv, script: string, env: NodeJS.ProcessEnv): Promise<T> {
  const py = spawnPython(venv.python, script, [], env);
  const code = await py.exited;
  assert.equal(code, 0, `${script} exited ${code}: ${py.stderr.join("")}`);
  await new Promise((r) => setImmediate(r));
  return py.lines.at(-1) as T;
}

async function waitFor(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the Python client: clients/python built as a wheel offline, installed in a fresh virtualenv", () => {
  let venv: PythonClientVenv;
  const dirs: string[] = [];
  const tmp = async () => {
    const d = await mkdtemp(join(tmpdir(), "vigil-pyc-"));
    dirs.push(d);
    return d;
  };
  before(async () => {
    venv = await pythonClientVenv();
  });
  after(async () => {
    await venv?.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test("the wheel is a typed pure-Python package with its stubs, needing only grpcio and protobuf", async () => {
    const { stdout } = await run(
      venv.python,
      [
        "-c",
        `import json, os, importlib.metadata as m, vigil_client
from vigil_client._gen.vigil.v1 import heartbeat_pb2, router_pb2_grpc
d = os.path.dirname(vigil_client.__file__)
v = vigil_client.Vigil()
print(json.dumps({"file": vigil_client.__file__, "typed": os.path.exists(os.path.join(d, "py.typed")),
  "pyi": os.path.exists(os.path.join(d, "_gen/vigil/v1/router_pb2.pyi")),
  "requires": sorted(m.requires("vigil-client")), "address": v.address,
  "run_id_field": "run_id" in heartbeat_pb2.BeatRequest.DESCRIPTOR.fields_by_name,
  "tag": m.distribution("vigil-client").read_text("WHEEL")}))
v.close()`,
      ],
      { cwd: tmpdir(), env: { PATH: process.env.PATH } },
    );
    const out = JSON.parse(stdout) as Record<string, unknown>;
    assert.match(
      String(out.file),
      new RegExp(`^${venv.dir}/venv/lib/python3[.0-9]+/site-packages/vigil_client/`),
    );
    assert.equal(out.typed, true);
    assert.equal(out.pyi, true);
    assert.deepEqual(out.requires, ["grpcio (>=1.51)", "protobuf (>=4.21)"]);
    assert.equal(out.address, "127.0.0.1:7070", "the default address without VIGIL_ADDRESS");
    assert.equal(out.run_id_field, true);
    assert.match(String(out.tag), /Root-Is-Purelib: true/);
    assert.match(venv.wheel, /vigil_client-0\.1\.0-py3-none-any\.whl$/);
  });

  describe("every method against a Vigil with bearer tokens", () => {
    let v: Awaited<ReturnType<typeof vigil>>;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      v = await vigil(
        await tmp(),
        `  grpc: { address: "127.0.0.1:0" }\n  auth: { tokens_env: VIGIL_TOKENS }\n`,
        `router:
  destinations:
    - { name: consumers, kind: subscriber, ack_timeout: "2s", retry: { initial: "20ms", max: "200ms" } }
    - { name: async-consumers, kind: subscriber, ack_timeout: "2s", retry: { initial: "20ms", max: "200ms" } }
  routes:
    - { match: { topic: "orders.>" }, to: [consumers] }
    - { match: { topic: "async.>" }, to: [async-consumers] }
`,
        { VIGIL_TOKENS: `py-bot: ${TOKEN}` },
      );
      // The address and the token come from the environment, as a bot in a pod gets them.
      env = { VIGIL_ADDRESS: v.address, VIGIL_TOKEN: TOKEN };
    });
    after(() => stop(v?.p));

    test("sync: vigil_client.Vigil", async () => {
      const out = await runScript<Record<string, Json>>(venv, "client_sync.py", env);
      assert.match(out.module, /site-packages\/vigil_client\/__init__\.py$/);
      assert.equal(out.beat, "UP");
      assert.equal(out.beat_degraded, "UP");
      assert.deepEqual(out.bad_beat, [
        "INVALID_ARGUMENT",
        "VIGIL_ERR_REQUEST_INVALID_FIELD",
        "component: must match [A-Za-z0-9_.:-]{1,128}",
        false,
        true,
      ]);
      assert.match(out.bad_health, /health must be one of ok, degraded, failing/);
      assert.ok(out.heartbeat.beats >= 3, JSON.stringify(out.heartbeat));
      assert.deepEqual(
        [out.heartbeat.after_stop, out.heartbeat.state, out.heartbeat.running],
        [0, "UP", false],
      );
      assert.match(out.run_id, /^[0-9a-f]{32}$/);
      assert.equal(out.running_during_job, true, "START marks the job running");
      assert.equal(out.job_reraised, "disk on fire");
      assert.deepEqual(out.decorated, [42, 2]);
      assert.equal(out.decorated_reraised, "bad input 7");
      const c = out.components;
      assert.equal(c["py-sync-hb"].interval_ms, 200, "heartbeat(every=0.2) declares interval 0.2 s");
      assert.ok(c["py-sync-hb"].beat_count >= 3);
      assert.deepEqual(
        [
          c["py-sync-worker"].health,
          c["py-sync-worker"].message,
          c["py-sync-worker"].interval_ms,
          c["py-sync-worker"].grace_ms,
        ],
        ["HEALTH_DEGRADED", "slow disk", 10_000, 5_000],
      );
      assert.deepEqual(
        [c["py-sync-job"].health, c["py-sync-job"].job_running, c["py-sync-job"].grace_ms],
        ["HEALTH_OK", false, 60_000],
      );
      assert.deepEqual(
        [c["py-sync-job-fail"].health, c["py-sync-job-fail"].message],
        ["HEALTH_FAILING", "disk on fire"],
      );
      assert.equal(c["py-sync-job-deco"].beat_count, 4, "two decorated runs: START and SUCCESS each");
      assert.deepEqual(
        [c["py-sync-job-deco-fail"].health, c["py-sync-job-deco-fail"].message],
        ["HEALTH_FAILING", "bad input 7"],
      );
      assert.equal(out.flushed_accepted, 6, "8 points, 2 rejected for their kind");
      assert.ok(out.auto_flush_seconds < 2.5, `auto flush after ${out.auto_flush_seconds} s`);
      assert.equal(out.batch_accepted, 1200);
      assert.deepEqual(out.publish, {
        type: "PublishResult",
        is_result: true,
        r1: [true, false, 1],
        r2_duplicate_same_id: [true, true],
        r3: [false, 1, true],
      });
      assert.deepEqual(out.bad_publish, [
        "INVALID_ARGUMENT",
        "VIGIL_ERR_REQUEST_INVALID_FIELD",
        "topic: required",
      ]);
      assert.equal(out.nacked, true);
      assert.deepEqual(out.acks, [true, true]);
      const r1 = out.deliveries.filter((d: Json) => d.is_r1);
      assert.deepEqual(
        r1.map((d: Json) => [d.attempt, d.topic, d.payload, d.content_type, d.attributes, d.priority]),
        [
          [
            1,
            "orders.created",
            Buffer.from('{"id": 1}').toString("hex"),
            "application/json",
            { shop: "x" },
            "high",
          ],
          [
            2,
            "orders.created",
            Buffer.from('{"id": 1}').toString("hex"),
            "application/json",
            { shop: "x" },
            "high",
          ],
        ],
        "a nacked delivery comes again with attempt 2",
      );
      const r3 = out.deliveries.find((d: Json) => !d.is_r1);
      assert.deepEqual([r3.payload, r3.priority, r3.attempt], ["000162696e617279", "normal", 1]);
      assert.deepEqual(out.unknown_destination, ["NOT_FOUND", "VIGIL_ERR_ROUTER_UNKNOWN_DESTINATION"]);
      assert.deepEqual(out.bad_token, ["UNAUTHENTICATED", "VIGIL_ERR_AUTH_UNAUTHENTICATED", false, false]);
      assert.match(out.after_close, /closed/);
      assert.deepEqual(
        out.warnings,
        [
          "vigil_client: Vigil rejected metric point 'py.sync.orders' (VIGIL_ERR_METRICS_KIND_CONFLICT): kind: py.sync.orders is a counter, not a histogram",
        ],
        "the rejected point is logged once for its two rejections",
      );
      const text = await (await fetch(`${v.http}/metrics`)).text();
      assert.match(text, /py_sync_orders[a-z_]*_total\{shop="x"[^}]*\} 6\n/);
      assert.match(text, /py_sync_queue[a-z_]*\{[^}]*\} 2\n/);
      assert.match(text, /py_sync_temperature[a-z_]*\{[^}]*\} 21\.5\n/);
      assert.match(text, /py_sync_latency[a-z_]*_count\{[^}]*\} 1\n/);
      assert.match(text, /py_sync_batch_total\{n="3"[^}]*\} 120\n/);
    });

    test("async: vigil_client.aio.AsyncVigil", async () => {
      const out = await runScript<Record<string, Json>>(venv, "client_async.py", env);
      assert.equal(out.beat, "UP");
      assert.deepEqual(out.bad_beat, [
        "INVALID_ARGUMENT",
        "VIGIL_ERR_REQUEST_INVALID_FIELD",
        "component: must match [A-Za-z0-9_.:-]{1,128}",
      ]);
      assert.ok(out.heartbeat.beats >= 3);
      assert.deepEqual([out.heartbeat.after_stop, out.heartbeat.running], [0, false]);
      assert.match(out.run_id, /^[0-9a-f]{32}$/);
      assert.equal(out.running_during_job, true);
      assert.equal(out.job_reraised, "async disk on fire");
      assert.equal(out.decorated, 42);
      assert.equal(out.decorated_reraised, "async bad input");
      const c = out.components;
      assert.equal(c["py-async-hb"].interval_ms, 200);
      assert.deepEqual([c["py-async-job"].health, c["py-async-job"].job_running], ["HEALTH_OK", false]);
      assert.deepEqual(
        [c["py-async-job-fail"].health, c["py-async-job-fail"].message],
        ["HEALTH_FAILING", "async disk on fire"],
      );
      assert.deepEqual(c["py-async-job-deco-fail"].message, "async bad input");
      assert.equal(out.flushed_accepted, 5, "6 points (one recorded without await), 1 rejected");
      assert.ok(out.auto_flush_seconds < 2.5);
      assert.deepEqual(out.publish, {
        is_result: true,
        r1: [false, 1],
        r2_duplicate_same_id: [true, true],
        r3: [false, 1],
      });
      assert.equal(out.nacked, true);
      assert.deepEqual(out.deliveries.map((d: Json[]) => [d[0], d[3]]).sort(), [
        ["first", 1],
        ["first", 2],
        ["second", 1],
      ]);
      assert.deepEqual(
        out.deliveries.find((d: Json[]) => d[0] === "first"),
        ["first", "async.created", "critical", 1, { k: "v" }, ""],
      );
      assert.deepEqual(
        out.deliveries.find((d: Json[]) => d[0] === "second"),
        ["second", "async.created", "normal", 1, {}, "text/plain"],
      );
      assert.deepEqual(out.unknown_destination, ["NOT_FOUND", "VIGIL_ERR_ROUTER_UNKNOWN_DESTINATION"]);
      assert.deepEqual(out.bad_token, ["UNAUTHENTICATED", false]);
      assert.match(out.after_close, /closed/);
      assert.equal(out.warnings.length, 1, out.warnings.join("\n"));
      assert.match(out.warnings[0], /py\.async\.orders.*VIGIL_ERR_METRICS_KIND_CONFLICT/);
      const text = await (await fetch(`${v.http}/metrics`)).text();
      assert.match(text, /py_async_orders[a-z_]*_total\{shop="y"[^}]*\} 3\n/);
      assert.match(text, /py_async_queue[a-z_]*\{[^}]*\} -2\n/);
      assert.match(text, /py_async_temperature[a-z_]*\{[^}]*\} 19\.25\n/);
    });
  });

  test("client_id is the vigil-client entry (its own rate-limit bucket); publish waits out Vigil's pushback", async () => {
    const v = await vigil(
      await tmp(),
      `  grpc: { address: "127.0.0.1:0" }\n  limits: { client_requests_per_second: 2 }\n`,
      "",
    );
    try {
      const out = await runScript<Record<string, Json>>(venv, "client_limits.py", {
        VIGIL_ADDRESS: v.address,
      });
      assert.equal(out.limited_after, 2, "a burst of one second's worth");
      assert.deepEqual(out.limit_error, ["RESOURCE_EXHAUSTED", "VIGIL_ERR_LIMIT_CLIENT_RATE", true, true]);
      assert.ok(out.retry_after > 0, `retry_after ${out.retry_after}`);
      assert.equal(out.other_client, "UP", "a client without the id is another bucket");
      assert.ok(out.publish_waited_seconds > 0.1, `publish waited ${out.publish_waited_seconds} s`);
      assert.equal(out.publish_duplicate, false);
    } finally {
      await stop(v.p);
    }
  });

  test("publishes batch adaptively: a lone one goes at once, alone; concurrent ones coalesce; refusals stay per message", async (t) => {
    const v = await vigil(
      await tmp(),
      `  grpc: { address: "127.0.0.1:0" }\n`,
      `router:
  destinations:
    - { name: batch, kind: subscriber, ack_timeout: "5s" }
  routes:
    - { match: { topic: "batch.>" }, to: [batch] }
`,
    );
    try {
      const out = await runScript<Record<string, Json>>(venv, "client_batching.py", {
        VIGIL_ADDRESS: v.address,
      });
      const messages = 16 * 10;
      for (const mode of ["sync", "async"]) {
        assert.deepEqual(
          out[`${mode}_lone`],
          [1, 1, 1],
          `${mode}: an idle client's publish is one call of one message`,
        );
        const [calls, carried] = out[`${mode}_many`];
        assert.equal(carried, messages, `${mode}: every publish went out once`);
        assert.ok(calls < messages / 2, `${mode}: ${messages} concurrent publishes took ${calls} calls`);
        assert.equal(out[`${mode}_ids`], messages - 1, `${mode}: each accepted publish its own message`);
        assert.equal(
          out[`${mode}_subscribe_batches`],
          messages,
          `${mode}: SubscribeBatches delivered them all`,
        );
        t.diagnostic(`${mode}: ${messages} concurrent publishes in ${calls} calls`);
      }
      assert.deepEqual(out.sync_errors, []);
      assert.deepEqual(out.sync_bad, [["VIGIL_ERR_REQUEST_INVALID_FIELD", "topic: required"]]);
      assert.deepEqual(out.async_bad, [
        ["InvalidArgumentError", "VIGIL_ERR_REQUEST_INVALID_FIELD", "topic: required"],
      ]);
      assert.deepEqual(out.sync_fallback, [8, 8, true], "without PublishBatch: one Publish per message");
      assert.deepEqual(out.async_fallback, [8, true, 8]);
    } finally {
      await stop(v.p);
    }
  });

  test("a Vigil restart (SIGKILL) in the middle of publishing: no acknowledged message lost, retries deduplicated, subscribers survive", async (t) => {
    const N = 600;
    const dir = await tmp();
    const port = await freePort();
    const server = `  grpc: { address: "127.0.0.1:${port}" }\n`;
    const routes = `router:
  destinations:
    - { name: sync-sub, kind: subscriber, ack_timeout: "2s", retry: { initial: "20ms", max: "200ms" } }
    - { name: async-sub, kind: subscriber, ack_timeout: "2s", retry: { initial: "20ms", max: "200ms" } }
  routes:
    - { match: { topic: "restart.sync.>" }, to: [sync-sub] }
    - { match: { topic: "restart.async.>" }, to: [async-sub] }
`;
    let first: VigilProcess | undefined;
    let second: VigilProcess | undefined;
    const kids: PythonProcess[] = [];
    try {
      first = (await vigil(dir, server, routes)).p;
      const env = { VIGIL_ADDRESS: `127.0.0.1:${port}` };
      const subs = [
        spawnPython(venv.python, "restart_subscriber.py", ["sync", "sync-sub", String(N)], env),
        spawnPython(venv.python, "restart_subscriber.py", ["async", "async-sub", String(N)], env),
      ];
      kids.push(...subs);
      await waitFor("subscribers", () => subs.every((s) => s.lines.length > 0));
      const pubs = [
        spawnPython(venv.python, "restart_publisher.py", ["sync", "restart.sync.order", String(N), "4"], env),
        spawnPython(
          venv.python,
          "restart_publisher.py",
          ["async", "restart.async.order", String(N), "8"],
          env,
        ),
      ];
      kids.push(...pubs);
      // Kill once each publisher has some acknowledged and many still to go.
      await waitFor("publishes before the kill", () => pubs.every((p) => p.lines.length >= 100));
      first.child.kill("SIGKILL");
      await first.exited;
      const ackedBeforeKill = pubs.map((p) => p.lines.length);
      assert.ok(
        ackedBeforeKill.every((n) => n < N),
        `the kill came in the middle of publishing (${ackedBeforeKill})`,
      );
      second = spawnVigil(["run", "--config", join(dir, "vigil.yaml")]);
      await waitStarted(second);
      for (const [i, p] of pubs.entries()) {
        const code = await p.exited;
        assert.equal(code, 0, `publisher ${i}: ${p.stderr.join("")}`);
      }
      for (const [i, s] of subs.entries()) {
        const code = await s.exited;
        assert.equal(code, 0, `subscriber ${i}: ${s.stderr.join("")}`);
      }
      await new Promise((r) => setImmediate(r));
      for (const [i, p] of pubs.entries()) {
        const mode = i === 0 ? "sync" : "async";
        const summary = p.lines.at(-1) as { acked: number; errors: string[]; republished: boolean[] };
        assert.deepEqual(summary.errors, [], `${mode} publisher errors`);
        assert.equal(summary.acked, N, `${mode}: every publish acknowledged through the restart`);
        assert.deepEqual(
          summary.republished,
          [true, true],
          `${mode}: a key from before the restart is a duplicate`,
        );
        const acked = new Map<string, string>();
        let duplicates = 0;
        for (const l of p.lines.slice(0, -1)) {
          acked.set(String(l.acked), String(l.id));
          if (l.duplicate === true) duplicates++;
        }
        const got = subs[i]?.lines.at(-1) as {
          payloads: number;
          ids: Record<string, string[]>;
          keys_per_payload: number;
          reconnects: number;
        };
        assert.ok(got.reconnects >= 1, `${mode} subscriber re-opened its stream (${got.reconnects})`);
        assert.equal(got.payloads, N, `${mode}: every acknowledged message delivered`);
        assert.equal(
          got.keys_per_payload,
          1,
          `${mode}: one idempotency key per message, kept across retries`,
        );
        for (const [payload, id] of acked) {
          assert.deepEqual(got.ids[payload], [id], `${mode}: "${payload}" stored once, as ${id}`);
        }
        t.diagnostic(
          `${mode}: ${ackedBeforeKill[i]} acknowledged before the kill, ${duplicates} retries answered duplicate`,
        );
      }
    } finally {
      for (const k of kids) if (k.child.exitCode === null) k.child.kill("SIGKILL");
      if (first && first.child.exitCode === null && first.child.signalCode === null)
        first.child.kill("SIGKILL");
      await stop(second);
    }
  });
});
