import assert from "node:assert/strict";
import { test } from "node:test";
import { status as GrpcStatus, type ServiceError } from "@grpc/grpc-js";
import { healthClient } from "../helpers/grpc.js";
import { eventually, startSidecar } from "../helpers/sidecar.js";

interface Watch {
  on(event: "data", fn: (m: { status: string }) => void): void;
  on(event: "error", fn: (e: ServiceError) => void): void;
  cancel(): void;
}

test("grpc.health.v1.Health/Watch streams count against server.limits.max_streams; Check is still answered", async () => {
  const s = await startSidecar("", { server: "  limits: { max_streams: 2 }\n" });
  const health = healthClient(s.grpcAddress);
  const watches: Watch[] = [];
  try {
    const watch = () => {
      const w = (health.Watch as (req: unknown) => Watch).call(health, { service: "" });
      watches.push(w);
      return new Promise<ServiceError | string>((resolve) => {
        w.on("data", (m) => resolve(m.status));
        w.on("error", (e) => resolve(e));
      });
    };
    assert.equal(await watch(), "SERVING");
    assert.equal(await watch(), "SERVING");
    await eventually(() => s.sidecar.limits.open.streams === 2, 5000, "two Watch streams counted");
    const refused = await watch();
    assert.equal(typeof refused, "object", "the third Watch is refused");
    assert.equal((refused as ServiceError).code, GrpcStatus.RESOURCE_EXHAUSTED);
    assert.match((refused as ServiceError).details, /server\.limits\.max_streams is 2/);

    const check = await new Promise<{ status: string }>((resolve, reject) =>
      (health.Check as (req: unknown, cb: (e: Error | null, r: { status: string }) => void) => void).call(
        health,
        { service: "" },
        (e, r) => (e ? reject(e) : resolve(r)),
      ),
    );
    assert.equal(check.status, "SERVING", "a probe's Check is never limited");

    (watches[0] as Watch).cancel();
    await eventually(() => s.sidecar.limits.open.streams === 1, 5000, "a cancelled Watch frees its place");
    assert.equal(await watch(), "SERVING");
  } finally {
    for (const w of watches) w.cancel();
    health.close();
    await s.close();
  }
});
