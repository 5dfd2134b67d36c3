import type { Alert__Output } from "../generated/vigil/v1/Alert.js";
import type { SilenceInfo__Output } from "../generated/vigil/v1/SilenceInfo.js";

const OPS: Record<string, string> = {
  MATCH_OPERATOR_EQUAL: "=",
  MATCH_OPERATOR_UNSPECIFIED: "=",
  MATCH_OPERATOR_NOT_EQUAL: "!=",
  MATCH_OPERATOR_REGEX: "=~",
  MATCH_OPERATOR_NOT_REGEX: "!~",
};
const OPS_IN: Array<[string, string]> = [
  ["!~", "MATCH_OPERATOR_NOT_REGEX"],
  ["=~", "MATCH_OPERATOR_REGEX"],
  ["!=", "MATCH_OPERATOR_NOT_EQUAL"],
  ["=", "MATCH_OPERATOR_EQUAL"],
];

const ms = (t: { seconds?: number | string; nanos?: number } | null | undefined) =>
  t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : 0;

function ago(t: number, now: number): string {
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

/** `vigil alerts`: one line per alert, newest first. */
export function formatAlerts(alerts: readonly Alert__Output[], now = Date.now()): string {
  if (alerts.length === 0) return "no alerts\n";
  const rows = alerts.map((a) => {
    const state = String(a.state).replace("ALERT_STATE_", "").toLowerCase();
    const since = ms(a.resolved_at) || ms(a.fired_at) || ms(a.active_since);
    const labels = Object.entries(a.labels ?? {})
      .filter(([k]) => k !== "alertname" && k !== "severity")
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    const flags = [
      a.acknowledged ? `acked by ${a.acknowledged.by || "?"}` : "",
      (a.silenced_by ?? []).length > 0 ? "silenced" : "",
    ]
      .filter(Boolean)
      .join(", ");
    return [
      a.fingerprint ?? "",
      state,
      String(a.severity).replace("SEVERITY_", "").toLowerCase(),
      a.rule ?? "",
      labels,
      String(Number(a.value ?? 0)),
      ago(since, now),
      flags,
    ];
  });
  const head = ["FINGERPRINT", "STATE", "SEVERITY", "RULE", "LABELS", "VALUE", "SINCE", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) =>
    `${r
      .map((c, i) => c.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd()}\n`;
  return line(head) + rows.map(line).join("");
}

export function formatSilences(silences: readonly SilenceInfo__Output[], now = Date.now()): string {
  if (silences.length === 0) return "no silences\n";
  return silences
    .map((s) => {
      const m = (s.matchers ?? [])
        .map((x) => `${x.name}${OPS[String(x.operator)] ?? "="}${x.value}`)
        .join(",");
      const left = Math.max(0, Math.round((ms(s.ends_at) - now) / 60_000));
      return `${s.id}  ${m}  ${left}m left${s.created_by ? `  by ${s.created_by}` : ""}${s.comment ? `  "${s.comment}"` : ""}\n`;
    })
    .join("");
}

/** `name=value`, `name!=value`, `name=~regex`, `name!~regex` → a Matcher message; null when malformed. */
export function parseMatcher(text: string): { name: string; value: string; operator: string } | null {
  for (const [op, operator] of OPS_IN) {
    const i = text.indexOf(op);
    if (i > 0) return { name: text.slice(0, i), value: text.slice(i + op.length), operator };
  }
  return null;
}
