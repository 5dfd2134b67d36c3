import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { NatsServer } from "../helpers/nats-server.js";
import { LEGACY_POISON, POISON, PoisonRig } from "../helpers/poison.js";
import { eventually } from "../helpers/sidecar.js";

/** Short in `npm test`; `npm run test:faults` runs the full minute. */
const SECONDS = Number(process.env.FAULTS_SECONDS ?? 3);

const nats = new NatsServer();
before(async () => {
  await nats.start();
});
after(async () => {
  await nats.stop();
});

test(`poison messages mixed into good traffic for ${SECONDS} s: every good one arrives, no breaker opens`, async () => {
  const rig = await new PoisonRig(nats).start();
  try {
    const good: string[] = [];
    const encoded: string[] = [];
    let refused = 0;
    let rounds = 0;
    // Over nats-server's max_payload once the headers are added: dead-lettered on fleet, delivered by hook.
    const oversize = await rig.publish({ topic: "orders.big", payload: Buffer.alloc(1024 * 1024, 1) });
    assert.ok("id" in oversize);
    const until = Date.now() + SECONDS * 1000;
    while (Date.now() < until) {
      for (const p of POISON) {
        const r = await rig.publish(p.req);
        if ("id" in r) encoded.push(r.id);
        else refused++;
      }
      for (const p of LEGACY_POISON) await rig.publishLegacy(p.input);
      good.push(...(await rig.publishGood(20, `round-${rounds}`)));
      rounds++;
    }
    await rig.waitDelivered(good, 30_000);
    await rig.waitDelivered(encoded, 10_000);
    // fleet: both legacy rows each round and the oversize message; hook: the CR/LF content type.
    const expected = { fleet: LEGACY_POISON.length * rounds + 1, hook: rounds };
    await eventually(
      async () => {
        const st = await rig.s.sidecar.status();
        const n = (name: string) => st.destinations.find((d) => d.name === name)?.deadLettered;
        return n("fleet") === expected.fleet && n("hook") === expected.hook;
      },
      10_000,
      `dead letters ${JSON.stringify(expected)}`,
    );
    assert.equal(refused, POISON.filter((p) => p.field).length * rounds);
    assert.equal(rig.breakerOpenings(), 0, "no breaker opened");
    for (const d of (await rig.s.sidecar.status()).destinations) {
      assert.equal(d.circuit, "closed", d.name);
      assert.equal(d.queueDepth, 0, d.name);
    }
    console.log(
      `poison ${SECONDS} s: ${rounds} rounds, ${good.length} good and ${new Set(encoded).size} encoded delivered to both, ${refused} refused, dead letters ${JSON.stringify(expected)}`,
    );
  } finally {
    await rig.close();
  }
});
