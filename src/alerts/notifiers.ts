import type { Logger } from "pino";
import type { NotifierConfig } from "../config/schema.js";
import { componentLogger } from "../util/component-logger.js";
import { HttpPoster } from "../util/http-poster.js";
import type { AlertRecord } from "./alert-store.js";

export type NotificationEventName = "firing" | "repeat" | "resolved";

export interface Notification {
  event: NotificationEventName;
  alert: AlertRecord;
}

/** One way out for alerts. `send` rejects with a DeliveryError (or anything: transient). */
export interface Notifier {
  readonly name: string;
  readonly kind: NotifierConfig["kind"];
  /** Sends several notifications in one call (Alertmanager takes a list). */
  readonly batches: boolean;
  send(batch: readonly Notification[], signal: AbortSignal): Promise<void>;
  close(): void;
}

export function createNotifier(c: NotifierConfig, opts: { logger: Logger; generatorUrl: string }): Notifier {
  switch (c.kind) {
    case "alertmanager":
      return new AlertmanagerNotifier(c, opts.generatorUrl);
    case "webhook":
      return new WebhookNotifier(c, opts.generatorUrl);
    case "log":
      return new LogNotifier(c.name, opts.logger);
  }
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/**
 * Alertmanager API v2: `POST /api/v2/alerts` with a list of postable alerts.
 * A firing alert's `endsAt` lies four resend intervals ahead (as Prometheus
 * does), so Alertmanager resolves it by itself if Vigil disappears; a
 * resolved alert is sent once with `endsAt` = the time it resolved.
 */
export class AlertmanagerNotifier implements Notifier {
  readonly name: string;
  readonly kind = "alertmanager" as const;
  readonly batches = true;
  readonly #poster: HttpPoster;
  readonly #resendMs: number;
  readonly #generatorUrl: string;

  constructor(c: NotifierConfig, generatorUrl: string) {
    this.name = c.name;
    this.#resendMs = c.resendIntervalMs;
    this.#generatorUrl = generatorUrl;
    this.#poster = new HttpPoster({ url: c.url, headers: c.headers, tls: c.tls, maxSockets: 2 });
  }

  send(batch: readonly Notification[], signal: AbortSignal): Promise<void> {
    const now = Date.now();
    const body = batch.map(({ alert: a }) => ({
      labels: a.labels,
      annotations: a.annotations,
      startsAt: iso(a.firedAt ?? a.activeSince),
      endsAt: iso(a.state === "resolved" ? (a.resolvedAt ?? now) : now + 4 * this.#resendMs),
      generatorURL: this.#generatorUrl,
    }));
    const path = `${this.#poster.url.pathname.replace(/\/+$/, "")}/api/v2/alerts`;
    return this.#poster.post(
      Buffer.from(JSON.stringify(body)),
      { "content-type": "application/json" },
      signal,
      path,
    );
  }

  close(): void {
    this.#poster.close();
  }
}

/** Alertmanager's "not set" time: a firing alert's endsAt in its webhook payload. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

/**
 * The JSON body a webhook receives: Alertmanager's webhook payload (version 4;
 * README "Webhook notifications"), so receivers written for Alertmanager take it
 * unchanged. One alert per request, so the group is the alert itself (as with
 * Alertmanager's `group_by: ['...']`): groupLabels and commonLabels are its labels.
 * Vigil's event (firing, repeat, resolved) goes in the x-vigil-event header.
 */
export function webhookBody(
  n: Notification,
  receiver: string,
  generatorUrl: string,
): Record<string, unknown> {
  const a = n.alert;
  const status = a.state === "resolved" ? "resolved" : "firing";
  const groupKey = `{}:{${Object.keys(a.labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(a.labels[k])}`)
    .join(", ")}}`;
  return {
    version: "4",
    groupKey,
    truncatedAlerts: 0,
    status,
    receiver,
    groupLabels: a.labels,
    commonLabels: a.labels,
    commonAnnotations: a.annotations,
    externalURL: generatorUrl,
    alerts: [
      {
        status,
        labels: a.labels,
        annotations: a.annotations,
        startsAt: iso(a.firedAt ?? a.activeSince),
        endsAt: status === "resolved" ? (iso(a.resolvedAt) ?? new Date().toISOString()) : ZERO_TIME,
        generatorURL: generatorUrl,
        fingerprint: a.fingerprint,
      },
    ],
  };
}

/** Generic webhook: one JSON POST per notification. */
export class WebhookNotifier implements Notifier {
  readonly name: string;
  readonly kind = "webhook" as const;
  readonly batches = false;
  readonly #poster: HttpPoster;
  readonly #generatorUrl: string;

  constructor(c: NotifierConfig, generatorUrl: string) {
    this.name = c.name;
    this.#generatorUrl = generatorUrl;
    this.#poster = new HttpPoster({ url: c.url, headers: c.headers, tls: c.tls, maxSockets: 4 });
  }

  send(batch: readonly Notification[], signal: AbortSignal): Promise<void> {
    const n = batch[0] as Notification;
    const a = n.alert;
    return this.#poster.post(
      Buffer.from(JSON.stringify(webhookBody(n, this.name, this.#generatorUrl))),
      {
        "content-type": "application/json",
        // The body is Alertmanager's, which cannot tell a repeat from the first firing.
        "x-vigil-event": n.event,
        // Stable per event: a receiver can drop a notification it already has (a retry after a lost answer).
        "idempotency-key": `${a.fingerprint}:${a.firedAt ?? a.activeSince}:${n.event}:${n.event === "repeat" ? (a.notified[this.name]?.sentAt ?? 0) : 0}`,
      },
      signal,
    );
  }

  close(): void {
    this.#poster.close();
  }
}

/** Writes each notification to Vigil's log (and so to OTLP logs when configured). */
export class LogNotifier implements Notifier {
  readonly name: string;
  readonly kind = "log" as const;
  readonly batches = false;
  readonly #logger: Logger;

  constructor(name: string, logger: Logger) {
    this.name = name;
    this.#logger = componentLogger(logger, "alerts", { notifier: name });
  }

  async send(batch: readonly Notification[]): Promise<void> {
    for (const { event, alert } of batch) logAlert(this.#logger, alert, event);
  }

  close(): void {}
}

/**
 * One log record about an alert: its transitions and the log notifier's
 * notifications share this shape. Firing and repeats log at a level by
 * severity (critical: error, warning: warn), everything else at info.
 */
export function logAlert(
  logger: Logger,
  a: AlertRecord,
  event: string,
  extra: Record<string, unknown> = {},
): void {
  const loud = event === "firing" || event === "repeat";
  const level = !loud || a.severity === "info" ? "info" : a.severity === "critical" ? "error" : "warn";
  logger[level](
    {
      event: `alert.${event}`,
      rule: a.rule,
      fingerprint: a.fingerprint,
      severity: a.severity,
      labels: a.labels,
      annotations: a.annotations,
      value: a.value,
      ...extra,
    },
    `alert ${a.rule} ${event}`,
  );
}
