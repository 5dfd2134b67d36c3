import { createHash } from "node:crypto";
import { TEMPLATE_EXPRESSION } from "../config/schema.js";
import { attributeKey } from "../util/attribute-key.js";
import type { SilenceMatcher } from "./alert-store.js";

/**
 * Stable fingerprint of a label set: the same labels give the same fingerprint
 * in every replica and after every restart (the set's attributeKey, hashed).
 * Stored with the alerts: the encoding must not change.
 */
export function fingerprintOf(labels: Readonly<Record<string, string>>): string {
  return createHash("sha256").update(attributeKey(labels)).digest("hex").slice(0, 16);
}

/**
 * A label name Alertmanager and Prometheus accept ([A-Za-z_][A-Za-z0-9_]*):
 * other characters of a metric attribute's key become `_`.
 */
export function labelName(key: string): string {
  const s = key.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(s) ? s : `_${s}`;
}

/** `*` matches any run of characters, `?` one; everything else literally. */
export function globMatcher(pattern: string): (s: string) => boolean {
  if (pattern === "*") return () => true;
  if (!/[*?]/.test(pattern)) return (s) => s === pattern;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return (s) => re.test(s);
}

/** Compiled silence matchers; regexes are anchored, as in Alertmanager. */
export function compileMatchers(
  matchers: readonly SilenceMatcher[],
): (labels: Readonly<Record<string, string>>) => boolean {
  const tests = matchers.map((m) => {
    const re = m.op === "=~" || m.op === "!~" ? new RegExp(`^(?:${m.value})$`) : null;
    return (labels: Readonly<Record<string, string>>) => {
      const v = labels[m.name] ?? "";
      switch (m.op) {
        case "=":
          return v === m.value;
        case "!=":
          return v !== m.value;
        case "=~":
          return (re as RegExp).test(v);
        default:
          return !(re as RegExp).test(v);
      }
    };
  });
  return (labels) => tests.every((t) => t(labels));
}

/**
 * An annotation template: `{{ labels.NAME }}`, `{{ value }}`, `{{ rule }}` and
 * `{{ severity }}` are replaced; the config schema rejects anything else
 * between braces. Compiled once per config.
 */
export function compileTemplate(text: string): (ctx: TemplateContext) => string {
  const parts: Array<string | ((ctx: TemplateContext) => string)> = [];
  let last = 0;
  for (const m of text.matchAll(TEMPLATE_EXPRESSION)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const expr = m[1] as string;
    if (expr === "value") parts.push((c) => formatValue(c.value));
    else if (expr === "rule") parts.push((c) => c.rule);
    else if (expr === "severity") parts.push((c) => c.severity);
    else {
      const name = expr.slice("labels.".length);
      parts.push((c) => c.labels[name] ?? "");
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.length === 1 && typeof parts[0] === "string") {
    const s = parts[0];
    return () => s;
  }
  return (ctx) => {
    let out = "";
    for (const p of parts) out += typeof p === "string" ? p : p(ctx);
    return out;
  };
}

export interface TemplateContext {
  rule: string;
  severity: string;
  value: number;
  labels: Readonly<Record<string, string>>;
}

/** Up to 4 decimals, no trailing zeros: 0.1 + 0.2 shows as 0.3. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toFixed(4)));
}
