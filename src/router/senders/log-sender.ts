import type { Logger } from "pino";
import type { Clock } from "../../util/clock.js";
import { JsonlAppender } from "../jsonl-appender.js";
import type { QueuedMessage } from "../queue-store.js";
import { messageJson, type SendContext, type Sender } from "./sender.js";

/** `log` destination: one JSON line per message in a file inside the data dir, rotated like the logs. */
export class LogSender implements Sender {
  readonly #appender: JsonlAppender;
  readonly #clock: Clock;

  constructor(opts: {
    path: string;
    rotate: { maxBytes: number; daily: boolean };
    clock: Clock;
    /** The data dir: the file is refused if its directory leads out of it (a symlink). */
    root?: string;
    logger?: Logger;
  }) {
    this.#clock = opts.clock;
    // A refused file (a symlink at its path) fails the send: the message stays queued and is
    // retried with backoff, counted in vigil.router.failed, until the link is removed.
    this.#appender = new JsonlAppender({
      path: opts.path,
      rotate: opts.rotate,
      clock: opts.clock,
      root: opts.root,
      logger: opts.logger,
    });
  }

  send(m: QueuedMessage, ctx: SendContext): Promise<void> {
    const line = JSON.stringify({
      time: new Date(this.#clock.now()).toISOString(),
      ...messageJson(m, { attempt: ctx.attempt, delivery_traceparent: ctx.traceparent || undefined }),
    });
    return this.#appender.append(line);
  }

  close(): Promise<void> {
    return this.#appender.close();
  }
}
