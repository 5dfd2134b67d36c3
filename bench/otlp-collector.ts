/**
 * The OTLP benchmark's collector, in a process of its own (as a collector is never in the bot's
 * process): 200 for everything. It tells its parent over IPC how many bytes it got (Vigil may
 * concatenate requests, so bytes, not requests, tell how much arrived), how many of the SDK bot's
 * spans, and when each marked request arrived, as epoch milliseconds (one clock for both processes).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

const needle = Buffer.from(process.argv[2] ?? "bot-span;");
const now = () => performance.timeOrigin + performance.now();
let bytes = 0;
let botSpans = 0;
let botLast = 0;
let reported = false;

/** Counts go to the parent at most every 2 ms (a message per request would load the collector). */
function report(): void {
  if (reported) return;
  reported = true;
  setTimeout(() => {
    reported = false;
    process.send?.({ bytes, botSpans, botLast });
  }, 2);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const at = now();
    bytes += body.length;
    // The SDK bot's spans all carry one name, which appears once per span in the protobuf.
    for (let i = body.indexOf(needle); i >= 0; i = body.indexOf(needle, i + needle.length)) {
      botSpans++;
      botLast = at;
    }
    const marks = [...body.toString("latin1").matchAll(/mark-\d+;/g)].map((m) => m[0]);
    if (marks.length > 0) process.send?.({ marks, at });
    report();
    res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
  });
});
server.listen(0, "127.0.0.1", () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on("disconnect", () => process.exit(0));
