import { responseJson } from "../api/proto-json.js";
import type { PeekQueueResponse__Output } from "../generated/vigil/v1/PeekQueueResponse.js";
import { type CliConnection, describeCallError } from "./connection.js";

const PRIORITIES = ["low", "normal", "high", "critical"] as const;

const ms = (t: { seconds?: number | string; nanos?: number } | null | undefined) =>
  t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : 0;

function span(msValue: number): string {
  const s = Math.max(0, Math.round(msValue / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

/** `vigil queue peek`: one line per queued message, in delivery order, then the queue's depth. */
export function formatQueue(destination: string, r: PeekQueueResponse__Output, now = Date.now()): string {
  const depth = Number(r.depth ?? 0);
  const messages = r.messages ?? [];
  if (messages.length === 0) return `${destination}: queue empty\n`;
  const rows = messages.map((m) => {
    const next = ms(m.next_attempt);
    return [
      m.message_id ?? "",
      String(m.priority ?? "")
        .replace("PRIORITY_", "")
        .toLowerCase(),
      m.topic ?? "",
      span(ms(m.age)),
      String(m.attempts ?? 0),
      String(Number(m.size_bytes ?? 0)),
      m.in_delivery ? "in delivery" : next > now ? `in ${span(next - now)}` : "now",
    ];
  });
  const head = ["MESSAGE ID", "PRIORITY", "TOPIC", "AGE", "ATTEMPTS", "BYTES", "NEXT ATTEMPT"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) =>
    `${r
      .map((c, i) => c.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd()}\n`;
  const shown = messages.length < depth ? `, ${messages.length} shown` : "";
  return `${line(head)}${rows.map(line).join("")}${destination}: ${depth} queued${shown}\n`;
}

/**
 * `vigil queue peek NAME [PRIORITY] [--limit N] [--json]`: lists queued messages without taking
 * them (PeekQueue). Returns the exit code: 0, 1 for a failed call, 2 for bad usage.
 */
export async function queueCommand(
  cli: CliConnection,
  positionals: string[],
  values: { limit?: string; json?: boolean },
): Promise<number> {
  const [sub, destination, priority] = positionals;
  const usage = (msg: string) => {
    process.stderr.write(
      `vigil queue: ${msg}\nusage: vigil queue peek NAME [low|normal|high|critical] [--limit N] [--json]\n`,
    );
    return 2;
  };
  if (sub !== "peek") return usage(`unknown queue command ${sub ?? "(none)"}`);
  if (!destination) return usage("give the destination: vigil queue peek NAME");
  const limit = Number(values.limit ?? "0");
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > 1000)
    return usage(`--limit must be a whole number up to 1000, got ${values.limit}`);
  const p = priority?.toLowerCase();
  if (p !== undefined && !(PRIORITIES as readonly string[]).includes(p))
    return usage(`priority must be one of ${PRIORITIES.join(", ")}, got ${priority}`);
  try {
    const r = await cli.call<PeekQueueResponse__Output>("admin", "PeekQueue", {
      destination,
      limit,
      priority: p ? `PRIORITY_${p.toUpperCase()}` : "PRIORITY_UNSPECIFIED",
    });
    // --json: PeekQueueResponse in proto3 JSON, the shape of every --json (docs/api.md).
    const out = values.json ? responseJson("/vigil.v1.AdminService/PeekQueue", r) : null;
    process.stdout.write(out ? `${JSON.stringify(out, null, 2)}\n` : formatQueue(destination, r));
    return 0;
  } catch (e) {
    process.stderr.write(`vigil queue peek: ${describeCallError(e, cli.address)}\n`);
    return 1;
  }
}
