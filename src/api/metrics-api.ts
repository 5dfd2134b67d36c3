import type { MetricsServiceHandlers } from "../generated/vigil/v1/MetricsService.js";
import type { RecordRequest__Output } from "../generated/vigil/v1/RecordRequest.js";
import type { RecordResponse } from "../generated/vigil/v1/RecordResponse.js";
import type { MetricsIngest, Rejection } from "../metrics/metrics-ingest.js";
import { type ApiContext, clientStream, unary } from "./handler.js";

/** Rejections listed in one response; the rest are counted in `accepted`'s complement. */
const MAX_REJECTIONS_LISTED = 1000;

export function metricsHandlers(ctx: ApiContext, ingest: MetricsIngest): MetricsServiceHandlers {
  const rpc = "vigil.v1.MetricsService";
  return {
    Record: unary<RecordRequest__Output, RecordResponse>(ctx, `${rpc}/Record`, (req) => {
      const r = ingest.record(req.points);
      return { accepted: r.accepted, rejected: r.rejected.slice(0, MAX_REJECTIONS_LISTED) };
    }),
    RecordStream: clientStream<RecordRequest__Output, RecordResponse>(ctx, `${rpc}/RecordStream`, () => {
      let accepted = 0;
      let index = 0;
      const rejected: Rejection[] = [];
      return {
        onMessage(req) {
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
