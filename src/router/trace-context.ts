import { randomUUID } from "node:crypto";
import { type Context, defaultTextMapSetter } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";

const propagator = new W3CTraceContextPropagator();

/**
 * The W3C traceparent of a context's span. Without a valid span (tracing not
 * exported and no caller trace) a fresh unsampled one is made up, so every
 * message still carries a trace id its consumers can log and join.
 */
export function traceparentOf(ctx: Context): string {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, defaultTextMapSetter);
  if (carrier.traceparent) return carrier.traceparent;
  // randomUUID draws from a cached entropy pool (randomBytes would be a system call per message).
  const a = randomUUID().replaceAll("-", "");
  return `00-${a}-${randomUUID().replaceAll("-", "").slice(0, 16)}-00`;
}
