import assert from "node:assert/strict";
import { test } from "node:test";
import { DestinationServer } from "../helpers/destination-server.js";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

/** Short in `npm test`; `npm run test:faults` runs the full minute. */
const SECONDS = Number(process.env.FAULTS_SECONDS ?? 6);

test(`a destination flapping every second for ${SECONDS} s: the breaker opens and closes, every acknowledged message arrives`, async () => {
  const hook = await new DestinationServer().start();
  let flapping = true;
  // Down on odd seconds, up on even ones, while the fault lasts.
  hook.behave = () =>
    flapping && Math.floor(Date.now() / 1000) % 2 === 1 ? { status: 503 } : { status: 200 };
  const t = await startSidecar(`router:
  destinations:
    - name: flaky
      kind: http
      url: "${hook.url}"
      retry: { initial: 50ms, max: 500ms }
      circuit_breaker: { consecutive_failures: 3, half_open_after: 300ms }
  routes: [{ match: { topic: ">" }, to: [flaky] }]
`);
  const accepted = new Set<string>();
  try {
    const until = Date.now() + SECONDS * 1000;
    let i = 0;
    while (Date.now() < until) {
      const r = (await call(t.client.router.Publish.bind(t.client.router), {
        topic: "orders.created",
        payload: Buffer.from(`message ${i++}`),
        priority: i % 2 ? "PRIORITY_HIGH" : "PRIORITY_LOW",
      })) as { message_id: string };
      accepted.add(r.message_id);
      await new Promise((r) => setTimeout(r, 20));
    }
    flapping = false;
    const delivered = () => new Set(hook.received.map((q) => String(q.headers["vigil-message-id"])));
    await eventually(
      () => [...accepted].every((id) => delivered().has(id)),
      30_000,
      "every accepted message delivered",
    ).catch(async (e: unknown) => {
      const missing = [...accepted].filter((id) => !delivered().has(id)).length;
      const d = (await t.sidecar.status()).destinations[0];
      throw new Error(
        `${(e as Error).message}: ${missing} missing; destination ${JSON.stringify({ ...d, faults: d?.faults.slice(-3) })}`,
      );
    });
    const opened = t.logs.filter((r) => r.msg === "circuit opened").length;
    const closed = t.logs.filter((r) => r.msg === "circuit closed").length;
    assert.ok(opened >= 1, "the breaker opened");
    assert.ok(closed >= 1, "and closed again");
    const duplicates = hook.received.length - delivered().size;
    console.log(
      `flapping ${SECONDS} s: accepted ${accepted.size}, delivered ${delivered().size}, duplicates ${duplicates}, requests ${hook.requests.length}, breaker opened ${opened}× closed ${closed}×`,
    );
  } finally {
    await t.close();
    await hook.stop();
  }
});
