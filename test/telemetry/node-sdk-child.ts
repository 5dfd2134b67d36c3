// The reference: the stock NodeSDK, configured by nothing but the OTEL_* variables it was started with,
// emits one span, one counter and one log record, then shuts down (which flushes all three). Run as a
// child process, since NodeSDK registers the global providers.
import { metrics, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { NodeSDK } from "@opentelemetry/sdk-node";

const sdk = new NodeSDK({ autoDetectResources: false });
sdk.start();
trace.getTracer("reference").startSpan("reference-span").end();
metrics.getMeter("reference").createCounter("reference.counter").add(1);
logs.getLogger("reference").emit({ body: "reference-log" });
await sdk.shutdown();
