import type { UntypedServiceImplementation } from "@grpc/grpc-js";
import type { RecordResponse } from "../generated/vigil/v1/RecordResponse.js";
import type { MetricsIngest, Rejection } from "../metrics/metrics-ingest.js";
import { type ApiContext, clientStream, type LoadGate, unary } from "./handler.js";
import { type DecodedRecordRequest, recordRequestDecoder } from "./metrics-codec.js";

/** Rejections listed in one response; the rest are counted in `accepted`'s complement. */
const MAX_REJECTIONS_LISTED = 1000;

/** Request decoders for MetricsService, by method path (see metrics-codec.ts). */
export function metricsDecoders(protoDir: string): Record<string, (buf: Buffer) => unknown> {
  const decode = recordRequestDecoder(protoDir);
  return { "/vigil.v1.MetricsService/Record": decode, "/vigil.v1.MetricsService/RecordStream": decode };
}

export function metricsHandlers(
  ctx: ApiContext,
  ingest: MetricsIngest,
  gate: LoadGate,
): UntypedServiceImplementation {
  const rpc = "vigil.v1.MetricsService";
  return {
    Record: unary<DecodedRecordRequest, RecordResponse>(ctx, `${rpc}/Record`, (req) => {
      gate.admit(`${rpc}/Record`, req.points.length);
      const r = ingest.record(req.points);
      return { accepted: r.accepted, rejected: r.rejected.slice(0, MAX_REJECTIONS_LISTED) };
    }),
    RecordStream: clientStream<DecodedRecordRequest, RecordResponse>(ctx, `${rpc}/RecordStream`, () => {
      let accepted = 0;
      let index = 0;
      const rejected: Rejection[] = [];
      return {
        onMessage(req) {
          gate.admit(`${rpc}/RecordStream`, req.points.length);
          const r = ingest.record(req.points, index);
          index += req.points.length;
          accepted += r.accepted;
          for (const x of r.rejected) if (rejected.length < MAX_REJECTIONS_LISTED) rejected.push(x);
        },
        onEnd: () => ({ accepted, rejected }),
      };
    }),
  };
}
