import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../../src/logging.js";
import { RecentErrors } from "../../src/logs/recent-errors.js";

test("RecentErrors keeps only the last N records at warn level or above, oldest first", async () => {
  const ring = new RecentErrors(3);
  const logger = createLogger("debug", ring);
  logger.info("ignored");
  for (let i = 0; i < 5; i++) logger.warn({ i }, "warned");
  logger.error("broke");
  logger.debug("ignored too");
  await new Promise((r) => setImmediate(r));
  const recs = ring.records();
  assert.deepEqual(
    recs.map((r) => [r.msg, r.i]),
    [
      ["warned", 3],
      ["warned", 4],
      ["broke", undefined],
    ],
  );
});
