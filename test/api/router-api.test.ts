import assert from "node:assert/strict";
import { test } from "node:test";
import { status } from "@grpc/grpc-js";
import type { PublishRequest } from "../../src/generated/vigil/v1/PublishRequest.js";
import type { PublishResponse__Output } from "../../src/generated/vigil/v1/PublishResponse.js";
import { startSidecar } from "../helpers/sidecar.js";

const ROUTER = `
router:
  destinations:
    - { name: sink, kind: subscriber }
  routes:
    - { match: { topic: "orders.>" }, to: [sink] }
`;

test("PublishStream: a message with a bad field ends the stream with INVALID_ARGUMENT and its VIGIL_ERR code, counted by status name", async () => {
  const s = await startSidecar(ROUTER);
  try {
    const r = await new Promise<{
      answers: PublishResponse__Output[];
      error: { code: number; details: string } | null;
    }>((resolve) => {
      const answers: PublishResponse__Output[] = [];
      const stream = s.client.router.PublishStream();
      stream.on("data", (m: PublishResponse__Output) => answers.push(m));
      stream.on("error", (e: { code: number; details: string }) => resolve({ answers, error: e }));
      stream.on("end", () => resolve({ answers, error: null }));
      const reqs: PublishRequest[] = [
        { topic: "orders.created", payload: Buffer.from("1") },
        { topic: "orders..bad", payload: Buffer.from("2") },
        { topic: "orders.created", payload: Buffer.from("3") },
      ];
      for (const m of reqs) stream.write(m);
      stream.end();
    });
    assert.equal(r.answers.length, 1);
    assert.equal(r.answers[0]?.routed, 1);
    assert.equal(r.error?.code, status.INVALID_ARGUMENT);
    assert.match(r.error?.details ?? "", /^VIGIL_ERR_REQUEST_INVALID_FIELD: topic: /);
    const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
    assert.match(
      text,
      /^vigil_grpc_errors_total\{rpc="vigil\.v1\.RouterService\/PublishStream",status="INVALID_ARGUMENT"[^}]*\} 1$/m,
    );
    assert.match(text, /^vigil_router_rejected_total\{[^}]*field="topic"[^}]*\} 1$/m);
  } finally {
    await s.close();
  }
});

test("PublishStream: a payload over router.max_payload_bytes is refused, and a reload raising the limit takes effect", async () => {
  const s = await startSidecar(`${ROUTER}  max_payload_bytes: 1KiB\n`);
  try {
    const publish = (payload: Buffer) =>
      new Promise<{ code: number; details: string } | null>((resolve) => {
        const stream = s.client.router.PublishStream();
        stream.on("data", () => undefined);
        stream.on("error", (e: { code: number; details: string }) => resolve(e));
        stream.on("end", () => resolve(null));
        stream.write({ topic: "orders.created", payload });
        stream.end();
      });
    const big = Buffer.alloc(2048);
    const refused = await publish(big);
    assert.equal(refused?.code, status.INVALID_ARGUMENT);
    assert.match(refused?.details ?? "", /payload: 2048 bytes exceeds router.max_payload_bytes \(1024\)/);
    const { readFile, writeFile } = await import("node:fs/promises");
    const yaml = await readFile(s.configPath, "utf8");
    await writeFile(s.configPath, yaml.replace("max_payload_bytes: 1KiB", "max_payload_bytes: 4KiB"));
    await s.sidecar.reload("api");
    assert.equal(await publish(big), null);
  } finally {
    await s.close();
  }
});
