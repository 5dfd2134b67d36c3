import { statSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, type VigilStubs } from "../../src/client/client.js";
import { DestinationServer } from "./destination-server.js";
import { type VigilProcess, writeTestConfig } from "./process.js";
import { TmpfsNamespace } from "./tmpfs.js";

/**
 * A data dir on a real tmpfs of `bytes`, and a Vigil config routing every topic to an http
 * destination whose server is down (started again by the test to drain the queue).
 */
export async function diskFullRig(prefix: string, bytes: number, concurrency: number) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const data = join(dir, "data");
  await mkdir(data);
  const disk = await new TmpfsNamespace(data, bytes).start();
  const hook = await new DestinationServer().start();
  const port = hook.port;
  await hook.stop(); // down: the queue fills the disk
  const config = await writeTestConfig(
    dir,
    `router:
  destinations:
    - name: crm
      kind: http
      url: "http://127.0.0.1:${port}/hook"
      concurrency: ${concurrency}
      retry: { initial: 100ms, max: 500ms }
      circuit_breaker: { half_open_after: 1s }
  routes: [{ match: { topic: ">" }, to: [crm] }]
`,
    data,
  );
  return { dir, data, disk, hook, port, config };
}

export const PAYLOAD_BYTES = 8192;

export interface Refusal extends Error {
  code?: number;
  details?: string;
}

/** Publishes one 8 KiB message to `orders`. */
export const publish = (client: VigilStubs, i: number) =>
  call<unknown, { message_id: string }>(client.router.Publish.bind(client.router), {
    topic: "orders",
    payload: Buffer.alloc(PAYLOAD_BYTES, i % 256),
  });

/** Publishes from 8 callers at once until one is refused; returns the accepted ids and the refusal. */
export async function fillUntilRefused(
  client: VigilStubs,
): Promise<{ accepted: Set<string>; refusal: Refusal }> {
  const accepted = new Set<string>();
  let refusal: Refusal | null = null;
  let n = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (!refusal && n < 100_000) {
        try {
          accepted.add((await publish(client, n++)).message_id);
        } catch (e) {
          refusal ??= e as Refusal;
        }
      }
    }),
  );
  if (!refusal) throw new Error(`nothing refused after ${accepted.size} messages`);
  return { accepted, refusal };
}

/** Bytes of queue.db and its WAL on the tmpfs. */
export const queueFileBytes = (disk: TmpfsNamespace) =>
  ["queue.db", "queue.db-wal"].reduce(
    (n, f) => n + (statSync(disk.path(f), { throwIfNoEntry: false })?.size ?? 0),
    0,
  );

/** How many times a Vigil logged that a queue commit failed. */
export const commitFailures = (p: VigilProcess) =>
  p.records().filter((r) => String(r.msg).startsWith("queue commit failed")).length;

/** What a Vigil logged, each message once (for failure messages). */
export const said = (p: VigilProcess) =>
  [...new Set(p.records().map((r) => `${r.level} ${r.msg}`))].join(" | ");

/** The delivered message ids of an http destination server's requests. */
export const idsOf = (requests: ReadonlyArray<{ headers: Record<string, unknown> }>) =>
  new Set(requests.map((q) => String(q.headers["vigil-message-id"])));
