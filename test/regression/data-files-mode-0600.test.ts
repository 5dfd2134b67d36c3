import assert from "node:assert/strict";
import { chmod, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { call, startSidecar, startSidecarFrom } from "../helpers/sidecar.js";

const CONFIG = `router:
  destinations: [{ name: file, kind: log }]
  routes: [{ match: { topic: ">" }, to: [file] }]
alerts:
  rules: [{ name: Down, kind: heartbeat }]
telemetry:
  otlp: { endpoint: "http://127.0.0.1:1", export_interval: 1h }
  receiver: { http: { address: "127.0.0.1:0" }, grpc: { enabled: false } }
`;

const DB_FILES = ["queue.db", "spool.db", "alerts.db"];

/** The SQLite files of the data dir (the databases and their -wal/-shm) with their permission bits. */
async function dbModes(data: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(data)).sort()) {
    if (!/^(queue|spool|alerts)\.db(-wal|-shm|\.reserve)?$/.test(name)) continue;
    out[name] = ((await stat(join(data, name))).mode & 0o777).toString(8);
  }
  return out;
}

test("queue.db, spool.db and alerts.db and their -wal/-shm files are mode 0600, also when they existed with looser modes", async () => {
  // The usual umask: without care SQLite would create these 0644, readable by every local user.
  const umask = process.umask(0o022);
  const s = await startSidecar(CONFIG);
  const data = join(s.dir, "data");
  try {
    await call(s.client.router.Publish.bind(s.client.router), { topic: "orders", payload: Buffer.from("x") });
    const modes = await dbModes(data);
    for (const f of DB_FILES) assert.ok(modes[f], `${f} exists`);
    for (const f of ["queue.db-wal", "queue.db-shm", "queue.db.reserve"]) assert.ok(modes[f], `${f} exists`);
    assert.deepEqual(
      Object.entries(modes).filter(([, m]) => m !== "600"),
      [],
      "every SQLite file is 0600",
    );

    // Files left by an older Vigil with looser modes are tightened when opened.
    await s.sidecar.stop();
    for (const f of DB_FILES) await chmod(join(data, f), 0o644);
    const again = await startSidecarFrom(s.configPath);
    try {
      const after = await dbModes(data);
      for (const f of DB_FILES) assert.equal(after[f], "600", `${f} after a restart`);
      assert.deepEqual(
        Object.entries(after).filter(([, m]) => m !== "600"),
        [],
      );
    } finally {
      await again.stop();
    }
  } finally {
    process.umask(umask);
    await s.close();
  }
});
