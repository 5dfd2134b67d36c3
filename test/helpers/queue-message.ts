import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NewMessage, QueueStore } from "../../src/router/queue-store.js";
import { captureLogger } from "./log-capture.js";

/** The i-th message for destination `d` at NORMAL priority, as the router would insert it. */
export function queueMessage(i: number): NewMessage {
  return {
    dest: "d",
    priority: 2,
    messageId: `m${i}`,
    topic: "t",
    payload: Buffer.from(`p${i}`),
    contentType: "",
    attributes: { i: String(i) },
    idempotencyKey: "",
    publishedAt: 1,
    expiresAt: 0,
    traceparent: "",
    attempt: 0,
    bytes: 3,
  };
}

/**
 * Runs `fn` with an open queue store in a fresh temp dir (`make` builds it, e.g. a subclass that
 * counts reads); closed and removed afterwards, also when `fn` throws (its writer thread would
 * keep the test process alive).
 */
export async function withQueueStore<S extends QueueStore = QueueStore>(
  fn: (store: S) => Promise<void>,
  make: (opts: ConstructorParameters<typeof QueueStore>[0]) => S = (opts) => new QueueStore(opts) as S,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-queue-"));
  const store = make({ path: join(dir, "queue.db"), sync: "normal", logger: captureLogger().logger });
  try {
    store.open();
    await fn(store);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
