import { Writable } from "node:stream";
import type { Logger } from "pino";
import { createLogger } from "../../src/logging.js";

/** A pino logger whose records a test can read back. */
export function captureLogger(level: "debug" | "info" = "debug"): {
  logger: Logger;
  records: Array<Record<string, unknown>>;
} {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split("\n"))
        if (line) records.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger(level, stream), records };
}
