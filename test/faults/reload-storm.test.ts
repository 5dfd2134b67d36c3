import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

const RELOADS = Number(process.env.FAULTS_RELOADS ?? 40);

test(`a storm of ${RELOADS} config reloads while publishing: nothing lost, the process keeps serving, the last good config runs`, async () => {
  const route = `router:
  destinations:
    - { name: archive, kind: log }
    - { name: spare, kind: log, enabled: ENABLED }
  routes: [{ match: { topic: ">" }, to: [archive] }]
logs: { level: LEVEL }
`;
  const t = await startSidecar(route.replace("ENABLED", "true").replace("LEVEL", "info"));
  const base = (await readFile(t.configPath, "utf8")).split("router:")[0] as string;
  const accepted = new Set<string>();
  let publishing = true;
  const publisher = (async () => {
    let i = 0;
    while (publishing) {
      const r = (await call(t.client.router.Publish.bind(t.client.router), {
        topic: "storm.msg",
        payload: Buffer.from(`m${i++}`),
      })) as { message_id: string };
      accepted.add(r.message_id);
    }
  })();
  const outcomes: Record<string, number> = {};
  try {
    for (let i = 0; i < RELOADS; i++) {
      const text =
        i % 7 === 3
          ? `${base}router: { destinations: [ { name: archive, kind: log } ], routes: [{ match: { topic: ">" }, to: [nowhere] }] }\n`
          : base +
            route.replace("ENABLED", String(i % 2 === 0)).replace("LEVEL", i % 3 === 0 ? "debug" : "info");
      await writeFile(t.configPath, text);
      // Two at once: one may be refused as busy (ABORTED), neither may break anything.
      const results = await Promise.allSettled([t.sidecar.reload("api"), t.sidecar.reload("api")]);
      for (const r of results) {
        const code = r.status === "rejected" ? (r.reason as { code?: string }).code : undefined;
        const key =
          r.status === "fulfilled"
            ? r.value.changed
              ? "applied"
              : "unchanged"
            : code === "VIGIL_ERR_CONFIG_BUSY"
              ? "busy"
              : code === "VIGIL_ERR_CONFIG_INVALID"
                ? "rejected"
                : `other: ${(r.reason as Error).message}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    publishing = false;
    await publisher;
    assert.deepEqual(
      Object.keys(outcomes).filter((k) => k.startsWith("other")),
      [],
      JSON.stringify(outcomes),
    );
    assert.ok((outcomes.rejected ?? 0) > 0, "the bad versions were refused");
    assert.ok(accepted.size >= RELOADS / 2, `publishes went on during the storm (${accepted.size})`);
    const last = RELOADS - 1;
    const running = t.sidecar.config;
    assert.equal(running.router.destinations.find((d) => d.name === "spare")?.enabled, last % 2 === 0);
    const file = join(t.sidecar.dataDir, "logs", "archive.jsonl");
    await eventually(
      async () => {
        const ids = new Set(
          (await readFile(file, "utf8").catch(() => ""))
            .split("\n")
            .filter(Boolean)
            .map((l) => (JSON.parse(l) as { message_id: string }).message_id),
        );
        return [...accepted].every((id) => ids.has(id));
      },
      20_000,
      "every accepted message in the archive",
    );
    await call(t.client.heartbeat.Beat.bind(t.client.heartbeat), { component: "after-storm" });
    console.log(
      `reload storm: ${RELOADS} changes, outcomes ${JSON.stringify(outcomes)}, ${accepted.size} messages accepted and delivered`,
    );
  } finally {
    publishing = false;
    await publisher.catch(() => {});
    await t.close();
  }
});
