import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  type ClientDuplexStream,
  credentials,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  status,
} from "@grpc/grpc-js";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { type ApiContext, bidiStream } from "../../src/api/handler.js";
import { invalidField } from "../../src/errors.js";
import { captureLogger } from "../helpers/log-capture.js";
import { collect, testMeterProvider } from "../helpers/metrics.js";

interface Msg {
  n: number;
  /** "bad": a catalogue error; "boom": an unexpected one; a number: answer after that many ms. */
  op?: string | number;
}

const json = {
  serialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
  deserialize: (b: Buffer) => JSON.parse(b.toString()) as Msg,
};
const definition: ServiceDefinition = {
  Echo: {
    path: "/test.Echo/Echo",
    requestStream: true,
    responseStream: true,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
};
const RPC = "test.Echo/Echo";

const { provider, reader } = testMeterProvider();
const { logger, records } = captureLogger();
const ctx: ApiContext = {
  tracer: new BasicTracerProvider().getTracer("test"),
  logger,
  errors: provider.getMeter("test").createCounter("vigil.grpc.errors"),
};
const server = new Server();
let client: InstanceType<ReturnType<typeof makeGenericClientConstructor>>;

before(async () => {
  server.addService(definition, {
    Echo: bidiStream<Msg, Msg>(ctx, RPC, 4, () => (req) => {
      if (req.op === "bad") throw invalidField("n", "must not be bad");
      if (req.op === "boom") return Promise.reject(new Error("db password=hunter2 leaked"));
      if (typeof req.op === "number")
        return new Promise((resolve) => setTimeout(() => resolve({ n: req.n }), req.op as number));
      return { n: req.n };
    }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  const Client = makeGenericClientConstructor(definition, "Echo");
  client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
});

after(() => {
  client.close();
  server.forceShutdown();
});

/** Sends `reqs` on one stream; the answers received and the error the stream ended with, if any. */
function exchange(
  reqs: Msg[],
): Promise<{ answers: number[]; error: { code: number; details: string } | null }> {
  return new Promise((resolve) => {
    const answers: number[] = [];
    const stream = (client as unknown as { Echo(): ClientDuplexStream<Msg, Msg> }).Echo();
    stream.on("data", (m: Msg) => answers.push(m.n));
    stream.on("error", (e: { code: number; details: string }) => resolve({ answers, error: e }));
    stream.on("end", () => resolve({ answers, error: null }));
    for (const r of reqs) stream.write(r);
    stream.end();
  });
}

async function errorCount(statusName: string): Promise<number> {
  const row = (await collect(reader)).find(
    (r) => r.name === "vigil.grpc.errors" && r.attributes.rpc === RPC && r.attributes.status === statusName,
  );
  return (row?.value as number | undefined) ?? 0;
}

test("bidiStream answers every request in request order, however their work finishes", async () => {
  const r = await exchange([
    { n: 1, op: 30 },
    { n: 2 },
    { n: 3, op: 10 },
    ...[4, 5, 6, 7, 8, 9].map((n) => ({ n })),
  ]);
  assert.equal(r.error, null);
  assert.deepEqual(r.answers, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("bidiStream ends the call with a catalogue error's status and code, after the earlier answers, and counts it by status name", async () => {
  const before = await errorCount("INVALID_ARGUMENT");
  const r = await exchange([{ n: 1, op: 20 }, { n: 2 }, { n: 3, op: "bad" }, { n: 4 }]);
  assert.deepEqual(r.answers, [1, 2]);
  assert.equal(r.error?.code, status.INVALID_ARGUMENT);
  assert.equal(r.error?.details, "VIGIL_ERR_REQUEST_INVALID_FIELD: n: must not be bad");
  assert.equal((await errorCount("INVALID_ARGUMENT")) - before, 1);
});

test("bidiStream turns an unexpected error into INTERNAL with a generic message, logged in full", async () => {
  const r = await exchange([{ n: 1 }, { n: 2, op: "boom" }]);
  assert.deepEqual(r.answers, [1]);
  assert.equal(r.error?.code, status.INTERNAL);
  assert.equal(r.error?.details, "VIGIL_ERR_SERVER_INTERNAL: internal error");
  assert.equal(await errorCount("INTERNAL"), 1);
  const logged = records.find((l) => l.msg === "unexpected error in handler");
  assert.equal(logged?.rpc, RPC);
});
