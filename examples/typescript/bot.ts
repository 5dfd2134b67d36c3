/**
 * A small TypeScript bot beside Vigil: beats, records metrics, publishes orders and consumes them from
 * a subscriber destination, through `vigil/client` (which rides out Vigil restarts).
 *
 *   VIGIL_ADDRESS=127.0.0.1:7070 node --import tsx examples/typescript/bot.ts [--seconds N]
 *
 * The Vigil it talks to routes `orders.>` to a subscriber destination named `consumers`
 * (examples/bots.vigil.yaml). With --seconds it stops after N seconds and prints a JSON summary.
 */
import { parseArgs } from "node:util";
import { VigilClient } from "vigil/client";

const { values } = parseArgs({ options: { seconds: { type: "string" } } });
const vigil = new VigilClient({ clientName: "ts-bot" });
const summary = { language: "typescript", beats: 0, published: 0, consumed: 0 };

await vigil.ready(15_000);
const stopConsuming = vigil.subscribe("consumers", (d) => {
  const order = JSON.parse(d.payload?.toString() ?? "{}") as { id?: number };
  summary.consumed++;
  vigil.counter("bot.orders.consumed", 1, { language: "typescript" });
  if (order.id === undefined) throw new Error("not an order"); // nack: Vigil delivers it again
});

let n = 0;
const tick = async () => {
  const started = performance.now();
  await vigil.beat("ts-worker", { intervalMs: 5000, message: `tick ${n}` });
  summary.beats++;
  const r = await vigil.publish("orders.created", JSON.stringify({ id: n++, at: new Date().toISOString() }), {
    contentType: "application/json",
    priority: n % 10 === 0 ? "HIGH" : "NORMAL",
  });
  if (r.routed > 0) summary.published++;
  vigil.histogram("bot.tick.duration", (performance.now() - started) / 1000, { language: "typescript" }, "s");
  vigil.gauge("bot.pending", vigil.stats.pendingPublishes, { language: "typescript" });
};
const timer = setInterval(
  () => void tick().catch((e: unknown) => console.error(`ts-bot: ${String(e)}`)),
  500,
);

const stop = async () => {
  clearInterval(timer);
  stopConsuming();
  await vigil.close();
  console.log(JSON.stringify(summary));
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
if (values.seconds) setTimeout(() => void stop(), Number(values.seconds) * 1000);
