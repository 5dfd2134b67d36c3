import { isAbsolute } from "node:path";
import { Cron } from "croner";
import { z } from "zod";
import { parseDurationMs, parseSizeBytes } from "../util/units.js";
import { secret, secretUrl } from "./secrets.js";

/**
 * Defaults are given in the user's notation (`prefault("30s")`) wherever the
 * notation differs from the compiled value, so that the schema alone yields the
 * defaults as a user would write them (src/config/effective.ts).
 *
 * The single source of truth for vigil.yaml: shape, defaults and the compiled
 * form the rest of Vigil reads (durations in …Ms, sizes in …Bytes).
 * Every object is strict: an unknown key is an error, never ignored.
 */

const duration = (what = "a duration") =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const ms = typeof v === "number" ? v * 1000 : parseDurationMs(v);
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({
        code: "custom",
        message: `expected ${what} such as "30s", "5m" or "1h30m", got ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
    return ms;
  });

const positiveDuration = (what = "a positive duration") =>
  duration(what).refine((ms) => ms > 0, { message: `expected ${what}, got 0` });

/** A certificate and its key are given both or neither; the issue is at the one missing. */
function certAndKeyTogether(
  t: { cert_file: string | null; key_file: string | null },
  ctx: z.RefinementCtx,
  why: string,
): void {
  if ((t.cert_file === null) !== (t.key_file === null))
    ctx.addIssue({
      code: "custom",
      path: [t.cert_file === null ? "cert_file" : "key_file"],
      message: `cert_file and key_file go together (${why})`,
    });
}

/**
 * Outbound HTTP headers: names are RFC 7230 tokens and values hold no line break or NUL, so a header
 * set in the config can never fail every delivery (or split a request). Values may be secrets.
 */
const headers = () =>
  z.record(
    z
      .string()
      .regex(
        /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/,
        "a header name is a token of letters, digits and !#$%&'*+.^_`|~-",
      ),
    secret(
      z
        .string()
        .refine((v) => !/[\r\n\0]/.test(v), { message: "a header value cannot hold a line break or NUL" }),
    ),
  );

/** Outbound TLS from files: a CA to trust besides the system's, a client certificate and key for mTLS. */
const clientTls = () =>
  z
    .strictObject({
      ca_file: secret(z.string()).nullable().default(null),
      cert_file: secret(z.string()).nullable().default(null),
      key_file: secret(z.string()).nullable().default(null),
    })
    .superRefine((t, ctx) => certAndKeyTogether(t, ctx, "a client certificate needs its key"));

const size = () =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const bytes = typeof v === "number" ? v : parseSizeBytes(v);
    if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) {
      ctx.addIssue({
        code: "custom",
        message: `expected a size such as "4MiB" or "512KiB", got ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
    return bytes;
  });

/** host:port, with [v6]:port accepted; port 0 asks the OS for a free one. */
const address = () =>
  z
    .string()
    .refine(
      (v) => /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.test(v) && Number(v.split(":").pop()) <= 65535,
      {
        message: 'expected "host:port", e.g. "127.0.0.1:7070"',
      },
    );

export const COMPONENT_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;

const componentSchema = z
  .strictObject({
    name: z.string().regex(COMPONENT_NAME, "expected [A-Za-z0-9_.:-]{1,128}"),
    interval: positiveDuration().optional(),
    grace: duration().optional(),
    schedule: z.string().optional(),
    timezone: z.string().optional(),
    attributes: z.record(z.string(), z.string()).default({}),
    // A job run (START … SUCCESS/FAIL) open longer than this is DOWN; default: the grace.
    max_runtime: positiveDuration().optional(),
    // false: a declared component that never beat stays UNKNOWN instead of going DOWN.
    expect_at_start: z.boolean().default(true),
  })
  .superRefine((c, ctx) => {
    if (c.schedule !== undefined && c.interval !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["schedule"],
        message: "give either interval or schedule, not both",
      });
    }
    if (c.timezone !== undefined && c.schedule === undefined) {
      ctx.addIssue({ code: "custom", path: ["timezone"], message: "timezone only applies to a schedule" });
    }
    if (c.timezone !== undefined) {
      try {
        new Intl.DateTimeFormat("en", { timeZone: c.timezone });
      } catch {
        ctx.addIssue({
          code: "custom",
          path: ["timezone"],
          message: `unknown time zone ${JSON.stringify(c.timezone)}`,
        });
        return;
      }
    }
    if (c.schedule !== undefined) {
      try {
        new Cron(c.schedule, { timezone: c.timezone ?? "UTC", paused: true });
      } catch (e) {
        ctx.addIssue({
          code: "custom",
          path: ["schedule"],
          message: `invalid cron schedule ${JSON.stringify(c.schedule)}: ${(e as Error).message}`,
        });
      }
    }
  })
  .transform((c) => ({
    name: c.name,
    intervalMs: c.interval,
    graceMs: c.grace,
    schedule: c.schedule,
    timezone: c.timezone,
    attributes: c.attributes,
    maxRuntimeMs: c.max_runtime,
    expectAtStart: c.expect_at_start,
  }));

export const DESTINATION_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const DESTINATION_KINDS = ["subscriber", "http", "log", "nats"] as const;
const OVERFLOW_POLICIES = ["reject", "drop_oldest", "drop_lowest_priority"] as const;

/** A route's topic pattern: dot-separated tokens, `*` one token, `>` one or more trailing tokens (NATS). */
export function topicPatternProblem(p: string): string | null {
  if (p.length === 0 || p.length > 256) return "expected 1 to 256 characters";
  const tokens = p.split(".");
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (t === "") return "has an empty token (two dots, or a dot at an end)";
    if (/\s/.test(t)) return "contains white space";
    if (t === ">" && i !== tokens.length - 1) return "> may only be the last token";
    if (t !== "*" && t !== ">" && /[*>]/.test(t)) return "* and > must be whole tokens";
  }
  return null;
}

/** Keys that apply only to some destination kinds; given on another kind they are errors. */
const KIND_KEYS: Record<string, readonly (typeof DESTINATION_KINDS)[number][]> = {
  ack_timeout: ["subscriber"],
  max_in_flight: ["subscriber"],
  url: ["http", "nats"],
  headers: ["http", "nats"],
  tls: ["http", "nats"],
  format: ["http"],
  path: ["log"],
  rotate: ["log"],
  subject: ["nats"],
  jetstream: ["nats"],
  token: ["nats"],
};

const destinationSchema = z
  .strictObject({
    name: z.string().regex(DESTINATION_NAME, "expected [A-Za-z0-9_.-]{1,64}"),
    kind: z.enum(DESTINATION_KINDS),
    enabled: z.boolean().default(true),
    timeout: positiveDuration().prefault("5s"),
    concurrency: z.number().int().min(1).max(1024).default(8),
    rate_limit: z.strictObject({ per_second: z.number().positive().nullable().default(null) }).prefault({}),
    retry: z
      .strictObject({
        initial: positiveDuration().prefault("200ms"),
        max: positiveDuration().prefault("30s"),
        max_attempts: z.number().int().min(0).default(0),
      })
      .prefault({}),
    circuit_breaker: z
      .strictObject({
        consecutive_failures: z.number().int().min(1).default(5),
        failure_ratio: z.number().gt(0).max(1).nullable().default(null),
        window: positiveDuration().prefault("30s"),
        half_open_after: positiveDuration().prefault("30s"),
      })
      .prefault({}),
    buffer: z
      .strictObject({
        max_messages: z.number().int().min(1).default(100_000),
        max_bytes: size().prefault("256MiB"),
        overflow: z.enum(OVERFLOW_POLICIES).default("reject"),
      })
      .prefault({}),
    // subscriber
    ack_timeout: positiveDuration().optional(),
    max_in_flight: z.number().int().min(1).max(100_000).optional(),
    // http, nats
    url: secretUrl(z.string()).optional(),
    headers: headers().optional(),
    tls: clientTls().optional(),
    format: z.enum(["raw", "json"]).optional(),
    // log
    path: z
      .string()
      .min(1)
      .refine((p) => !isAbsolute(p) && !p.split(/[\\/]/).includes(".."), {
        message: "must be a file inside data_dir, without ..",
      })
      .optional(),
    rotate: z
      .strictObject({ max_bytes: size().prefault("64MiB"), daily: z.boolean().default(true) })
      .optional(),
    // nats
    subject: z.string().min(1).optional(),
    jetstream: z.boolean().optional(),
    token: secret(z.string()).optional(),
  })
  .superRefine((d, ctx) => {
    for (const [key, kinds] of Object.entries(KIND_KEYS)) {
      if ((d as Record<string, unknown>)[key] !== undefined && !kinds.includes(d.kind))
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `applies only to destinations of kind ${kinds.join(" or ")}, not ${d.kind}`,
        });
    }
    if (d.kind === "http") {
      if (d.url === undefined)
        ctx.addIssue({ code: "custom", path: ["url"], message: "required for kind http" });
      else if (!/^https?:\/\/[^/\s]+/.test(d.url))
        ctx.addIssue({
          code: "custom",
          path: ["url"],
          message: `expected an http(s) URL, got ${JSON.stringify(d.url)}`,
        });
    }
    if (d.kind === "nats") {
      if (d.url === undefined)
        ctx.addIssue({ code: "custom", path: ["url"], message: "required for kind nats" });
      else if (!/^(nats|tls):\/\/[^/\s]+$/.test(d.url))
        ctx.addIssue({
          code: "custom",
          path: ["url"],
          message: `expected nats://host:port or tls://host:port, got ${JSON.stringify(d.url)}`,
        });
      if (d.subject !== undefined && /\s/.test(d.subject))
        ctx.addIssue({ code: "custom", path: ["subject"], message: "must not contain white space" });
    }
    if (d.retry.initial > d.retry.max)
      ctx.addIssue({ code: "custom", path: ["retry", "initial"], message: "must not exceed retry.max" });
  })
  .transform((d) => ({
    name: d.name,
    kind: d.kind,
    enabled: d.enabled,
    timeoutMs: d.timeout,
    concurrency: d.concurrency,
    rateLimit: { perSecond: d.rate_limit.per_second },
    retry: { initialMs: d.retry.initial, maxMs: d.retry.max, maxAttempts: d.retry.max_attempts },
    circuitBreaker: {
      consecutiveFailures: d.circuit_breaker.consecutive_failures,
      failureRatio: d.circuit_breaker.failure_ratio,
      windowMs: d.circuit_breaker.window,
      halfOpenAfterMs: d.circuit_breaker.half_open_after,
    },
    buffer: {
      maxMessages: d.buffer.max_messages,
      maxBytes: d.buffer.max_bytes,
      overflow: d.buffer.overflow,
    },
    ackTimeoutMs: d.ack_timeout ?? 30_000,
    maxInFlight: d.max_in_flight ?? 1000,
    url: d.url ?? "",
    headers: d.headers ?? {},
    tls: {
      caFile: d.tls?.ca_file ?? null,
      certFile: d.tls?.cert_file ?? null,
      keyFile: d.tls?.key_file ?? null,
    },
    format: d.format ?? "raw",
    path: d.path ?? `logs/${d.name}.jsonl`,
    rotate: { maxBytes: d.rotate?.max_bytes ?? 64 * 1024 * 1024, daily: d.rotate?.daily ?? true },
    subject: d.subject ?? "{topic}",
    jetstream: d.jetstream ?? false,
    token: d.token ?? null,
  }));

const routeSchema = z
  .strictObject({
    match: z.strictObject({
      topic: z.string().superRefine((p, ctx) => {
        const problem = topicPatternProblem(p);
        if (problem)
          ctx.addIssue({ code: "custom", message: `topic pattern ${JSON.stringify(p)} ${problem}` });
      }),
      attributes: z.record(z.string(), z.string()).default({}),
    }),
    to: z.array(z.string()).min(1),
  })
  .transform((r) => ({ topic: r.match.topic, attributes: r.match.attributes, to: r.to }));

const routerSchema = z
  .strictObject({
    dedup_window: positiveDuration().prefault("10m"),
    dedup_cache_size: z.number().int().min(0).default(100_000),
    max_payload_bytes: size().prefault("1MiB"),
    sync: z.enum(["full", "normal"]).default("full"),
    disk_reserve: size().prefault("8MiB"),
    client_rate_limit: z
      .strictObject({
        per_second: z.number().positive().nullable().default(null),
        burst: z.number().int().min(1).nullable().default(null),
      })
      .prefault({}),
    dead_letter: z
      .strictObject({ retention: positiveDuration().prefault("30d"), max_bytes: size().prefault("1GiB") })
      .prefault({}),
    destinations: z.array(destinationSchema).default([]),
    routes: z.array(routeSchema).default([]),
  })
  .prefault({})
  .superRefine((r, ctx) => {
    const names = new Set<string>();
    r.destinations.forEach((d, i) => {
      if (names.has(d.name))
        ctx.addIssue({
          code: "custom",
          path: ["destinations", i, "name"],
          message: `duplicate destination ${d.name}`,
        });
      names.add(d.name);
    });
    r.routes.forEach((route, i) => {
      route.to.forEach((name, j) => {
        if (!names.has(name))
          ctx.addIssue({
            code: "custom",
            path: ["routes", i, "to", j],
            message: `unknown destination ${JSON.stringify(name)}; destinations are: ${[...names].join(", ") || "(none)"}`,
          });
      });
    });
  })
  .transform((r) => ({
    dedupWindowMs: r.dedup_window,
    dedupCacheSize: r.dedup_cache_size,
    maxPayloadBytes: r.max_payload_bytes,
    sync: r.sync,
    diskReserveBytes: r.disk_reserve,
    clientRateLimit: {
      perSecond: r.client_rate_limit.per_second,
      burst: r.client_rate_limit.burst ?? Math.max(1, Math.ceil(r.client_rate_limit.per_second ?? 1)),
    },
    deadLetter: { retentionMs: r.dead_letter.retention, maxBytes: r.dead_letter.max_bytes },
    destinations: r.destinations,
    routes: r.routes,
  }));

export const ALERT_RULE_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;
const RULE_KINDS = ["heartbeat", "threshold", "router", "self", "check"] as const;
export const SEVERITIES = ["info", "warning", "critical"] as const;
export const COMPARISONS = [">", ">=", "<", "<=", "==", "!="] as const;
export const AGGREGATES = ["last", "avg", "min", "max", "sum", "rate", "count", "p50", "p90", "p99"] as const;
const WATCHED_STATES = ["DOWN", "LATE", "UNKNOWN", "FAILING", "DEGRADED"] as const;
const ROUTER_CONDITIONS = ["breaker_open", "queue_depth", "drop_rate", "failure_ratio"] as const;
const SELF_MEASURES = ["cpu", "memory", "heap", "event_loop_delay", "disk_free"] as const;
const CHECK_KINDS = ["tcp", "http", "file", "disk"] as const;

/** Keys that apply only to some rule kinds; given on another kind they are errors. */
const RULE_KIND_KEYS: Record<string, readonly (typeof RULE_KINDS)[number][]> = {
  selector: ["heartbeat"],
  states: ["heartbeat"],
  metric: ["threshold"],
  match: ["threshold"],
  aggregate: ["threshold"],
  window: ["threshold", "router"],
  destination: ["router"],
  condition: ["router"],
  measure: ["self"],
  check: ["check"],
  op: ["threshold", "router", "self"],
  value: ["threshold", "router", "self"],
};

const thresholdValue = () =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    if (typeof v === "number") return v;
    const bytes = parseSizeBytes(v);
    if (bytes !== undefined) return bytes;
    ctx.addIssue({
      code: "custom",
      message: `expected a number or a size such as "512MiB", got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  });

const checkSchema = z
  .strictObject({
    kind: z.enum(CHECK_KINDS),
    address: address().optional(),
    url: secretUrl(z.string()).optional(),
    expect_status: z.array(z.number().int().min(100).max(599)).optional(),
    path: z.string().min(1).optional(),
    max_age: positiveDuration().optional(),
    min_free: size().optional(),
    interval: positiveDuration().prefault("30s"),
    timeout: positiveDuration().prefault("5s"),
  })
  .superRefine((c, ctx) => {
    const need = (key: "address" | "url" | "path" | "max_age" | "min_free") => {
      if (c[key] === undefined)
        ctx.addIssue({ code: "custom", path: [key], message: `required for a ${c.kind} check` });
    };
    const only = (
      key: "address" | "url" | "expect_status" | "path" | "max_age" | "min_free",
      kinds: string[],
    ) => {
      if (c[key] !== undefined && !kinds.includes(c.kind))
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `applies only to ${kinds.join(" or ")} checks`,
        });
    };
    only("address", ["tcp"]);
    only("url", ["http"]);
    only("expect_status", ["http"]);
    only("path", ["file", "disk"]);
    only("max_age", ["file"]);
    only("min_free", ["disk"]);
    if (c.kind === "tcp") need("address");
    if (c.kind === "http") {
      need("url");
      if (c.url !== undefined && !/^https?:\/\/[^/\s]+/.test(c.url))
        ctx.addIssue({
          code: "custom",
          path: ["url"],
          message: `expected an http(s) URL, got ${JSON.stringify(c.url)}`,
        });
    }
    if (c.kind === "file") {
      need("path");
      need("max_age");
    }
    if (c.kind === "disk") {
      need("path");
      need("min_free");
    }
  })
  .transform((c) => ({
    kind: c.kind,
    address: c.address ?? "",
    url: c.url ?? "",
    expectStatus: c.expect_status ?? [],
    path: c.path ?? "",
    maxAgeMs: c.max_age ?? 0,
    minFreeBytes: c.min_free ?? 0,
    intervalMs: c.interval,
    timeoutMs: c.timeout,
  }));

/** An annotation template's expressions (src/alerts/labels.ts renders them). */
export const TEMPLATE_EXPRESSION = /\{\{\s*(value|rule|severity|labels\.[A-Za-z0-9_.:-]+)\s*\}\}/g;

const ruleSchema = z
  .strictObject({
    name: z.string().regex(ALERT_RULE_NAME, "expected [A-Za-z_][A-Za-z0-9_.:-]{0,127}"),
    kind: z.enum(RULE_KINDS),
    for: duration().prefault("0s"),
    keep_firing_for: duration().prefault("0s"),
    severity: z.enum(SEVERITIES).default("warning"),
    labels: z.record(z.string(), z.string()).default({}),
    annotations: z.record(z.string(), z.string()).default({}),
    repeat_interval: positiveDuration().prefault("4h"),
    // heartbeat
    selector: z
      .strictObject({
        component: z.string().min(1).default("*"),
        attributes: z.record(z.string(), z.string()).default({}),
      })
      .optional(),
    states: z.array(z.enum(WATCHED_STATES)).min(1).optional(),
    // threshold
    metric: z.string().min(1).optional(),
    match: z.record(z.string(), z.string()).optional(),
    aggregate: z.enum(AGGREGATES).optional(),
    window: positiveDuration().optional(),
    // router
    destination: z.string().min(1).optional(),
    condition: z.enum(ROUTER_CONDITIONS).optional(),
    // self
    measure: z.enum(SELF_MEASURES).optional(),
    // threshold, router, self
    op: z.enum(COMPARISONS).optional(),
    value: thresholdValue().optional(),
    // check
    check: checkSchema.optional(),
  })
  .superRefine((r, ctx) => {
    for (const [key, kinds] of Object.entries(RULE_KIND_KEYS)) {
      if ((r as Record<string, unknown>)[key] !== undefined && !kinds.includes(r.kind))
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `applies only to rules of kind ${kinds.join(" or ")}, not ${r.kind}`,
        });
    }
    const need = (key: string) => {
      if ((r as Record<string, unknown>)[key] === undefined)
        ctx.addIssue({ code: "custom", path: [key], message: `required for rules of kind ${r.kind}` });
    };
    if (r.kind === "threshold") {
      need("metric");
      need("op");
      need("value");
    }
    if (r.kind === "router") {
      need("condition");
      if (r.condition !== undefined && r.condition !== "breaker_open") {
        need("op");
        need("value");
      }
    }
    if (r.kind === "self") {
      need("measure");
      need("op");
      need("value");
    }
    if (r.kind === "check") need("check");
    for (const [key, text] of Object.entries(r.annotations)) {
      const rest = text.replace(TEMPLATE_EXPRESSION, "");
      const bad = /\{\{.*?\}\}|\{\{/.exec(rest);
      if (bad)
        ctx.addIssue({
          code: "custom",
          path: ["annotations", key],
          message: `unknown template ${bad[0]}: use {{ value }}, {{ rule }}, {{ severity }} or {{ labels.NAME }}`,
        });
    }
    for (const key of Object.keys(r.labels))
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
        ctx.addIssue({
          code: "custom",
          path: ["labels", key],
          message: "label names are [A-Za-z_][A-Za-z0-9_]*",
        });
  })
  .transform((r) => ({
    name: r.name,
    kind: r.kind,
    forMs: r.for,
    keepFiringForMs: r.keep_firing_for,
    severity: r.severity,
    labels: r.labels,
    annotations: r.annotations,
    repeatIntervalMs: r.repeat_interval,
    selector: { component: r.selector?.component ?? "*", attributes: r.selector?.attributes ?? {} },
    states: r.states ?? ["DOWN"],
    metric: r.metric ?? "",
    match: r.match ?? {},
    aggregate: r.aggregate ?? "last",
    windowMs: r.window ?? 5 * 60_000,
    destination: r.destination ?? "*",
    condition: r.condition ?? "breaker_open",
    measure: r.measure ?? "cpu",
    op: r.op ?? ">",
    value: r.value ?? 0,
    check: r.check ?? null,
  }));

const NOTIFIER_KINDS = ["alertmanager", "webhook", "log"] as const;

const notifierSchema = z
  .strictObject({
    name: z.string().regex(DESTINATION_NAME, "expected [A-Za-z0-9_.-]{1,64}").optional(),
    kind: z.enum(NOTIFIER_KINDS),
    url: secretUrl(z.string()).optional(),
    headers: headers().default({}),
    tls: clientTls().prefault({}),
    timeout: positiveDuration().prefault("10s"),
    resend_interval: positiveDuration().optional(),
    retry: z
      .strictObject({ initial: positiveDuration().prefault("1s"), max: positiveDuration().prefault("5m") })
      .prefault({}),
    circuit_breaker: z
      .strictObject({
        consecutive_failures: z.number().int().min(1).default(5),
        half_open_after: positiveDuration().prefault("30s"),
      })
      .prefault({}),
  })
  .superRefine((n, ctx) => {
    if (n.kind === "log") {
      if (n.url !== undefined)
        ctx.addIssue({ code: "custom", path: ["url"], message: "a log notifier has no url" });
    } else if (n.url === undefined) {
      ctx.addIssue({ code: "custom", path: ["url"], message: `required for a ${n.kind} notifier` });
    } else if (!/^https?:\/\/[^/\s]+/.test(n.url)) {
      ctx.addIssue({
        code: "custom",
        path: ["url"],
        message: `expected an http(s) URL, got ${JSON.stringify(n.url)}`,
      });
    }
    if (n.resend_interval !== undefined && n.kind !== "alertmanager")
      ctx.addIssue({
        code: "custom",
        path: ["resend_interval"],
        message:
          "applies only to alertmanager notifiers (webhook and log repeat at the rule's repeat_interval)",
      });
  })
  .transform((n) => ({
    name: n.name ?? n.kind,
    kind: n.kind,
    url: n.url ?? "",
    headers: n.headers,
    tls: { caFile: n.tls.ca_file, certFile: n.tls.cert_file, keyFile: n.tls.key_file },
    timeoutMs: n.timeout,
    resendIntervalMs: n.resend_interval ?? 60_000,
    retry: { initialMs: n.retry.initial, maxMs: n.retry.max },
    circuitBreaker: {
      consecutiveFailures: n.circuit_breaker.consecutive_failures,
      halfOpenAfterMs: n.circuit_breaker.half_open_after,
    },
  }));

const alertsSchema = z
  .strictObject({
    evaluation_interval: positiveDuration().prefault("5s"),
    history_retention: positiveDuration().prefault("30d"),
    external_url: z.string().nullable().default(null),
    flap: z
      .strictObject({
        window: positiveDuration().prefault("10m"),
        max_changes: z.number().int().min(2).default(4),
      })
      .prefault({}),
    // VigilWatchdog: always firing, sent to Alertmanager notifiers for an external dead-man's switch.
    watchdog: z.boolean().default(true),
    rules: z.array(ruleSchema).default([]),
    notifiers: z.array(notifierSchema).default([]),
  })
  .prefault({})
  .superRefine((a, ctx) => {
    const rules = new Set<string>();
    a.rules.forEach((r, i) => {
      if (rules.has(r.name))
        ctx.addIssue({ code: "custom", path: ["rules", i, "name"], message: `duplicate rule ${r.name}` });
      rules.add(r.name);
    });
    const notifiers = new Set<string>();
    a.notifiers.forEach((n, i) => {
      if (notifiers.has(n.name))
        ctx.addIssue({
          code: "custom",
          path: ["notifiers", i, "name"],
          message: `duplicate notifier name ${n.name} (give each notifier of one kind its own name)`,
        });
      notifiers.add(n.name);
    });
  })
  .transform((a) => ({
    evaluationIntervalMs: a.evaluation_interval,
    historyRetentionMs: a.history_retention,
    externalUrl: a.external_url,
    flap: { windowMs: a.flap.window, maxChanges: a.flap.max_changes },
    watchdog: a.watchdog,
    rules: a.rules,
    notifiers: a.notifiers,
  }));

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        grpc: z
          .strictObject({
            address: address().default("127.0.0.1:7070"),
            max_message_bytes: size().prefault("4MiB"),
            max_concurrent_streams: z.number().int().positive().default(1000),
            tls: z
              .strictObject({
                cert_file: secret(z.string().min(1)).nullable().default(null),
                key_file: secret(z.string().min(1)).nullable().default(null),
                client_ca_file: secret(z.string().min(1)).nullable().default(null),
                reload_interval: positiveDuration().prefault("1m"),
              })
              .prefault({})
              .superRefine((t, ctx) => {
                certAndKeyTogether(t, ctx, "TLS needs both");
                if (t.client_ca_file !== null && t.cert_file === null)
                  ctx.addIssue({
                    code: "custom",
                    path: ["client_ca_file"],
                    message: "mTLS needs the server's own cert_file and key_file too",
                  });
              }),
            keepalive: z
              .strictObject({
                time: positiveDuration().prefault("2h"),
                timeout: positiveDuration().prefault("20s"),
                min_ping_interval: positiveDuration().prefault("10s"),
                max_connection_idle: duration().prefault("0s"),
              })
              .prefault({}),
          })
          .prefault({}),
        http: z
          .strictObject({
            address: address().default("0.0.0.0:9464"),
            status_public: z.boolean().default(false),
            max_connections: z.number().int().min(1).max(65_535).default(256),
            headers_timeout: positiveDuration().prefault("10s"),
            request_timeout: positiveDuration().prefault("30s"),
            keep_alive_timeout: positiveDuration().prefault("5s"),
          })
          .prefault({})
          .superRefine((h, ctx) => {
            // Node refuses a server whose headers may take longer than the whole request.
            if (h.headers_timeout > h.request_timeout)
              ctx.addIssue({
                code: "custom",
                path: ["headers_timeout"],
                message: "must not be longer than request_timeout",
              });
          }),
        // The HTTP/JSON door (Connect unary + pings): loopback by default like gRPC.
        http_api: z
          .strictObject({
            enabled: z.boolean().default(true),
            address: address().default("127.0.0.1:7071"),
            max_connections: z.number().int().min(1).max(65_535).default(256),
          })
          .prefault({}),
        limits: z
          .strictObject({
            client_requests_per_second: z.number().positive().nullable().default(null),
            client_bytes_per_second: size().nullable().default(null),
            max_streams: z.number().int().min(1).default(256),
            max_subscribers: z.number().int().min(1).default(64),
          })
          .prefault({}),
        memory_limiter: z
          .strictObject({
            limit: size().nullable().default(null),
            shed_at: z.number().gt(0).max(1).default(0.85),
          })
          .prefault({}),
        auth: z
          .strictObject({
            tokens_file: secret(z.string().min(1)).nullable().default(null),
            tokens_env: z
              .string()
              .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name")
              .nullable()
              .default(null),
          })
          .prefault({}),
      })
      .prefault({}),
    data_dir: z.string().min(1).default("./data"),
    telemetry: z
      .strictObject({
        otlp: z
          .strictObject({
            endpoint: secretUrl(z.url({ protocol: /^https?$/ }))
              .nullable()
              .default(null),
            headers: headers().default({}),
            tls: clientTls().prefault({}),
            // null: OTEL_METRIC_EXPORT_INTERVAL, else 10s (the config key wins where both are set).
            export_interval: positiveDuration().nullable().default(null),
          })
          .prefault({}),
        prometheus: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
        receiver: z
          .strictObject({
            http: z
              .strictObject({
                enabled: z.boolean().default(true),
                address: address().default("127.0.0.1:4318"),
              })
              .prefault({}),
            grpc: z
              .strictObject({
                enabled: z.boolean().default(true),
                address: address().default("127.0.0.1:4317"),
              })
              .prefault({}),
            max_body_bytes: size().prefault("8MiB"),
          })
          .prefault({}),
        spool: z
          .strictObject({
            max_bytes: size().prefault("256MiB"),
            sync: z.enum(["full", "normal"]).default("normal"),
            timeout: positiveDuration().prefault("10s"),
            retry: z
              .strictObject({
                initial: positiveDuration().prefault("500ms"),
                max: positiveDuration().prefault("30s"),
              })
              .prefault({}),
          })
          .prefault({}),
        host_metrics: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
      })
      .prefault({}),
    bot: z
      .strictObject({
        name: z.string().min(1).nullable().default(null),
        attributes: z.record(z.string(), z.string()).default({}),
      })
      .prefault({}),
    heartbeats: z
      .strictObject({
        default_interval: positiveDuration().prefault("30s"),
        default_grace: duration().nullable().default(null),
        evaluation_interval: positiveDuration().prefault("1s"),
        max_components: z.number().int().min(1).max(100_000).default(1000),
        forget_after: positiveDuration().prefault("24h"),
        components: z.array(componentSchema).default([]),
      })
      .prefault({})
      .superRefine((h, ctx) => {
        const seen = new Set<string>();
        h.components.forEach((c, i) => {
          if (seen.has(c.name)) {
            ctx.addIssue({
              code: "custom",
              path: ["components", i, "name"],
              message: `duplicate component ${c.name}`,
            });
          }
          seen.add(c.name);
        });
      }),
    router: routerSchema,
    alerts: alertsSchema,
    metrics: z
      .strictObject({
        cardinality_limit: z.number().int().min(1).max(100_000).default(2000),
        series_ttl: positiveDuration().prefault("10m"),
        max_instruments: z.number().int().min(1).max(100_000).default(1000),
        // Bucket boundaries per histogram name pattern (src/metrics/histogram-buckets.ts); first match wins.
        histograms: z
          .array(
            z.strictObject({
              match: z.string().min(1).max(256),
              buckets: z
                .array(z.number().refine(Number.isFinite, { message: "must be a finite number" }))
                .min(1)
                .max(64)
                .refine((b) => b.every((x, i) => i === 0 || x > (b[i - 1] as number)), {
                  message: "must be strictly increasing",
                }),
            }),
          )
          .max(256)
          .default([]),
      })
      .prefault({}),
    logs: z
      .strictObject({
        level: z.enum(LOG_LEVELS).default("info"),
        dir: z
          .string()
          .min(1)
          .refine((p) => !isAbsolute(p) && !p.split(/[\\/]/).includes(".."), {
            message: "must be a directory inside data_dir, without ..",
          })
          .default("logs"),
        rotate: z
          .strictObject({ max_bytes: size().prefault("64MiB"), daily: z.boolean().default(true) })
          .prefault({}),
        max_buffer_bytes: size().prefault("4MiB"),
        record_metrics: z.boolean().default(false),
        record_messages: z.boolean().default(false),
        cleaner: z
          .strictObject({
            interval: positiveDuration().prefault("1h"),
            retention: positiveDuration().prefault("7d"),
            max_total_bytes: size().prefault("1GiB"),
            patterns: z
              .array(
                z
                  .string()
                  .min(1)
                  .refine((p) => !isAbsolute(p) && !p.split(/[\\/]/).includes(".."), {
                    message: "must be a glob relative to data_dir, without ..",
                  }),
              )
              .default(["logs/*.jsonl*"]),
            dry_run: z.boolean().default(false),
          })
          .prefault({}),
      })
      .prefault({}),
    config: z
      .strictObject({
        watch: z.boolean().default(true),
        keep_versions: z.number().int().min(1).max(10_000).default(20),
        // null: the config file's directory, /run/secrets and /var/run/secrets.
        secret_dirs: z.array(z.string().min(1)).nullable().default(null),
      })
      .prefault({}),
    shutdown: z
      .strictObject({ timeout: positiveDuration().prefault("20s"), drain_delay: duration().prefault("0s") })
      .prefault({}),
  })
  .transform((c) => ({
    server: {
      grpc: {
        address: c.server.grpc.address,
        maxMessageBytes: c.server.grpc.max_message_bytes,
        maxConcurrentStreams: c.server.grpc.max_concurrent_streams,
        tls:
          c.server.grpc.tls.cert_file === null || c.server.grpc.tls.key_file === null
            ? null
            : {
                certFile: c.server.grpc.tls.cert_file,
                keyFile: c.server.grpc.tls.key_file,
                clientCaFile: c.server.grpc.tls.client_ca_file,
                reloadIntervalMs: c.server.grpc.tls.reload_interval,
              },
        keepalive: {
          timeMs: c.server.grpc.keepalive.time,
          timeoutMs: c.server.grpc.keepalive.timeout,
          minPingIntervalMs: c.server.grpc.keepalive.min_ping_interval,
          maxConnectionIdleMs: c.server.grpc.keepalive.max_connection_idle,
        },
      },
      http: {
        address: c.server.http.address,
        statusPublic: c.server.http.status_public,
        maxConnections: c.server.http.max_connections,
        headersTimeoutMs: c.server.http.headers_timeout,
        requestTimeoutMs: c.server.http.request_timeout,
        keepAliveTimeoutMs: c.server.http.keep_alive_timeout,
      },
      httpApi: {
        enabled: c.server.http_api.enabled,
        address: c.server.http_api.address,
        maxConnections: c.server.http_api.max_connections,
      },
      auth: { tokensFile: c.server.auth.tokens_file, tokensEnv: c.server.auth.tokens_env },
      memoryLimiter: { limitBytes: c.server.memory_limiter.limit, shedAt: c.server.memory_limiter.shed_at },
      limits: {
        clientRequestsPerSecond: c.server.limits.client_requests_per_second,
        clientBytesPerSecond: c.server.limits.client_bytes_per_second,
        maxStreams: c.server.limits.max_streams,
        maxSubscribers: c.server.limits.max_subscribers,
      },
    },
    dataDir: c.data_dir,
    telemetry: {
      otlp: {
        endpoint: c.telemetry.otlp.endpoint,
        headers: c.telemetry.otlp.headers,
        tls: {
          caFile: c.telemetry.otlp.tls.ca_file,
          certFile: c.telemetry.otlp.tls.cert_file,
          keyFile: c.telemetry.otlp.tls.key_file,
        },
        exportIntervalMs: c.telemetry.otlp.export_interval ?? 10_000,
        exportIntervalConfigured: c.telemetry.otlp.export_interval !== null,
      },
      receiver: {
        http: { enabled: c.telemetry.receiver.http.enabled, address: c.telemetry.receiver.http.address },
        grpc: { enabled: c.telemetry.receiver.grpc.enabled, address: c.telemetry.receiver.grpc.address },
        maxBodyBytes: c.telemetry.receiver.max_body_bytes,
      },
      spool: {
        maxBytes: c.telemetry.spool.max_bytes,
        sync: c.telemetry.spool.sync,
        timeoutMs: c.telemetry.spool.timeout,
        retry: { initialMs: c.telemetry.spool.retry.initial, maxMs: c.telemetry.spool.retry.max },
      },
      prometheus: { enabled: c.telemetry.prometheus.enabled },
      hostMetrics: { enabled: c.telemetry.host_metrics.enabled },
    },
    bot: { name: c.bot.name, attributes: c.bot.attributes },
    heartbeats: {
      defaultIntervalMs: c.heartbeats.default_interval,
      defaultGraceMs: c.heartbeats.default_grace,
      evaluationIntervalMs: c.heartbeats.evaluation_interval,
      maxComponents: c.heartbeats.max_components,
      forgetAfterMs: c.heartbeats.forget_after,
      components: c.heartbeats.components,
    },
    router: c.router,
    alerts: c.alerts,
    metrics: {
      cardinalityLimit: c.metrics.cardinality_limit,
      seriesTtlMs: c.metrics.series_ttl,
      maxInstruments: c.metrics.max_instruments,
      histograms: c.metrics.histograms,
    },
    logs: {
      level: c.logs.level,
      dir: c.logs.dir,
      rotate: { maxBytes: c.logs.rotate.max_bytes, daily: c.logs.rotate.daily },
      maxBufferBytes: c.logs.max_buffer_bytes,
      recordMetrics: c.logs.record_metrics,
      recordMessages: c.logs.record_messages,
      cleaner: {
        intervalMs: c.logs.cleaner.interval,
        retentionMs: c.logs.cleaner.retention,
        maxTotalBytes: c.logs.cleaner.max_total_bytes,
        patterns: c.logs.cleaner.patterns,
        dryRun: c.logs.cleaner.dry_run,
      },
    },
    config: { watch: c.config.watch, keepVersions: c.config.keep_versions, secretDirs: c.config.secret_dirs },
    shutdown: { timeoutMs: c.shutdown.timeout, drainDelayMs: c.shutdown.drain_delay },
  }));

export type Config = z.output<typeof configSchema>;
export type ComponentConfig = Config["heartbeats"]["components"][number];
export type RouterConfig = Config["router"];
export type DestinationConfig = RouterConfig["destinations"][number];
export type RouteConfig = RouterConfig["routes"][number];
export type AlertsConfig = Config["alerts"];
export type AlertRuleConfig = AlertsConfig["rules"][number];
export type NotifierConfig = AlertsConfig["notifiers"][number];
export type CheckConfig = NonNullable<AlertRuleConfig["check"]>;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/**
 * Keys of DESIGN.md's configuration that this version does not implement yet.
 * They are rejected like any unknown key, with a message that says so.
 */
export const NOT_YET_IMPLEMENTED = new Set<string>();
