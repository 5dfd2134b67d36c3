import type { IncomingHttpHeaders } from "node:http";
import type { ServiceError } from "@grpc/grpc-js";
import type { MsgHdrs, NatsConnection, Subscription } from "nats";
import type { PublishRequest } from "../../src/generated/vigil/v1/PublishRequest.js";
import type { PublishInput } from "../../src/router/router.js";
import { DestinationServer } from "./destination-server.js";
import type { NatsServer } from "./nats-server.js";
import { call, eventually, startSidecar, type TestSidecar } from "./sidecar.js";

/**
 * Messages an attacker (or a careless bot) sends to wedge a destination: each
 * one used to be accepted, then failed on every delivery as "transient",
 * opened the breaker and held every later message behind it. `field` is the
 * field Publish must now name in its INVALID_ARGUMENT; without it, the
 * message is accepted and must arrive with its values intact (encoded where a
 * header cannot carry them).
 */
export const POISON: ReadonlyArray<{ what: string; req: PublishRequest; field?: string }> = [
  { what: "non-ASCII idempotency key", req: { topic: "orders.poison", idempotency_key: "ключ-1" } },
  {
    what: "CR/LF in content_type",
    req: { topic: "orders.poison", content_type: "text/plain\r\nx-injected: 1" },
    field: "content_type",
  },
  {
    what: "space in an attribute key",
    req: { topic: "orders.poison", attributes: { "my key": "v" } },
    field: "attributes",
  },
  {
    what: "non-ASCII attribute value",
    req: { topic: "orders.poison", attributes: { city: "Zürich – 東京" } },
  },
  {
    what: "CR/LF in an attribute value",
    req: { topic: "orders.poison", attributes: { note: "a\r\nx-injected: 1" } },
  },
  { what: "non-ASCII topic", req: { topic: "заказы.новый" } },
  { what: "value padded with spaces", req: { topic: "orders.poison", attributes: { pad: "  both  " } } },
  {
    what: "value that looks encoded",
    req: { topic: "orders.poison", idempotency_key: "UTF-8''%41", attributes: { enc: "utf-8''x" } },
  },
];

/**
 * Rows an older Vigil accepted and left in `queue.db` (published here past the
 * API's checks): they must be dead-lettered as `unencodable` at once.
 */
export const LEGACY_POISON: ReadonlyArray<{ what: string; input: Omit<PublishInput, "payload"> }> = [
  {
    what: "queued CR/LF content type",
    input: {
      topic: "orders.legacy",
      contentType: "text/plain\r\nx-injected: 1",
      attributes: {},
      priority: 2,
      idempotencyKey: "",
      ttlMs: 0,
    },
  },
  {
    what: "queued attribute key with a space",
    input: {
      topic: "orders.legacy",
      contentType: "",
      attributes: { "my key": "v" },
      priority: 2,
      idempotencyKey: "",
      ttlMs: 0,
    },
  },
];

/** The documented rule's inverse: `UTF-8''` then percent-encoded UTF-8 (RFC 8187), else the value as sent. */
export function decodeHeader(v: string): string {
  return /^utf-8''/i.test(v) ? decodeURIComponent(v.slice(7)) : v;
}

export interface Arrival {
  messageId: string;
  topic: string;
  idempotencyKey: string;
  attributes: Record<string, string>;
}

/**
 * One sidecar with an `http` destination (a real server) and a `nats` one (a
 * real nats-server, core publish, read back through a subscription), both fed
 * every topic, with a breaker that opens after 3 failures and stays open 30 s.
 */
export class PoisonRig {
  readonly hook = new DestinationServer();
  readonly natsArrivals: Arrival[] = [];
  s!: TestSidecar;
  #nc!: NatsConnection;
  #sub!: Subscription;
  #reading: Promise<void> = Promise.resolve();

  constructor(readonly nats: NatsServer) {}

  async start(): Promise<this> {
    await this.hook.start();
    this.#nc = await this.nats.connect();
    this.#sub = this.#nc.subscribe("bots.>");
    this.#reading = (async () => {
      for await (const m of this.#sub) this.natsArrivals.push(natsArrival(m.headers));
    })();
    await this.#nc.flush();
    this.s = await startSidecar(`
router:
  destinations:
    - name: hook
      kind: http
      url: "${this.hook.url}"
      retry: { initial: 50ms, max: 200ms }
      circuit_breaker: { consecutive_failures: 3, half_open_after: 30s }
    - name: fleet
      kind: nats
      url: "${this.nats.url}"
      subject: "bots.{topic}"
      retry: { initial: 50ms, max: 200ms }
      circuit_breaker: { consecutive_failures: 3, half_open_after: 30s }
  routes:
    - { match: { topic: ">" }, to: [hook, fleet] }
`);
    return this;
  }

  get httpArrivals(): Arrival[] {
    return this.hook.received.map((r) => httpArrival(r.headers));
  }

  /** Publish; resolves to the message id, or the error's gRPC code and details. */
  async publish(req: PublishRequest): Promise<{ id: string } | { code: number; details: string }> {
    try {
      const r = (await call(this.s.client.router.Publish.bind(this.s.client.router), req)) as {
        message_id: string;
      };
      return { id: r.message_id };
    } catch (e) {
      const err = e as ServiceError;
      return { code: err.code, details: err.details };
    }
  }

  /** Publishes `n` ordinary messages; returns their ids. */
  async publishGood(n: number, tag: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await this.publish({
        topic: "orders.good",
        payload: Buffer.from(`${tag} ${i}`),
        content_type: "text/plain",
        attributes: { n: String(i) },
        idempotency_key: `${tag}-${i}`,
      });
      if (!("id" in r)) throw new Error(`a good publish was refused: ${r.details}`);
      ids.push(r.id);
    }
    return ids;
  }

  /** A row as an older version would have queued it (no API checks). */
  async publishLegacy(input: Omit<PublishInput, "payload">): Promise<string> {
    return (await this.s.sidecar.router.publish({ ...input, payload: Buffer.from("legacy") })).messageId;
  }

  /** Every id arrived at both destinations. */
  async waitDelivered(ids: string[], timeoutMs = 15_000): Promise<void> {
    const missing = () => {
      const http = new Set(this.httpArrivals.map((a) => a.messageId));
      const nats = new Set(this.natsArrivals.map((a) => a.messageId));
      return {
        http: ids.filter((id) => !http.has(id)).length,
        nats: ids.filter((id) => !nats.has(id)).length,
      };
    };
    await eventually(
      () => {
        const m = missing();
        return m.http === 0 && m.nats === 0;
      },
      timeoutMs,
      "every message at both destinations",
    ).catch(async (e: unknown) => {
      const st = (await this.s.sidecar.status()).destinations.map((d) => ({
        name: d.name,
        circuit: d.circuit,
        queueDepth: d.queueDepth,
        faults: d.faults.slice(-2),
      }));
      throw new Error(`${(e as Error).message}: missing ${JSON.stringify(missing())}; ${JSON.stringify(st)}`);
    });
  }

  breakerOpenings(): number {
    return this.s.logs.filter((r) => r.msg === "circuit opened").length;
  }

  async close(): Promise<void> {
    await this.s?.close();
    this.#sub?.unsubscribe();
    await this.#reading;
    await this.#nc?.close();
    await this.hook.stop();
  }
}

function httpArrival(h: IncomingHttpHeaders): Arrival {
  return {
    messageId: String(h["vigil-message-id"]),
    topic: decodeHeader(String(h["vigil-topic"])),
    idempotencyKey: h["idempotency-key"] === undefined ? "" : decodeHeader(String(h["idempotency-key"])),
    attributes: {},
  };
}

function natsArrival(h: MsgHdrs | undefined): Arrival {
  const attributes: Record<string, string> = {};
  let messageId = "";
  let topic = "";
  for (const [k, v] of h ?? []) {
    const value = decodeHeader(v[0] ?? "");
    if (k === "vigil-message-id") messageId = value;
    else if (k === "vigil-topic") topic = value;
    else if (k.startsWith("vigil-attr-")) attributes[k.slice("vigil-attr-".length)] = value;
  }
  return { messageId, topic, idempotencyKey: "", attributes };
}
