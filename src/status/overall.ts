import type { AlertRecord } from "../alerts/alert-store.js";
import type { ComponentView, OverallStatus } from "../heartbeat/heartbeat-monitor.js";
import type { DestinationSnapshot } from "../router/router.js";
import { DEAD_LETTER_WINDOW_MS } from "./delivery-series.js";

/** The one verdict GetStatus, the status page, `vigil status` and vigil.overall.status show. */
export interface OverallVerdict {
  state: OverallStatus;
  /** Why it is not HEALTHY, worst first; empty when HEALTHY. */
  reasons: string[];
}

/** vigil.overall.status's values. */
export const OVERALL_GAUGE_VALUE: Record<OverallStatus, number> = {
  HEALTHY: 0,
  DEGRADED: 1,
  DOWN: 2,
  UNKNOWN: 3,
};

/** Reasons listed at most: a fleet of a thousand DOWN components must not make the verdict megabytes. */
export const MAX_REASONS = 20;

/** Always firing by design (a dead-man's switch for an external receiver): never a reason. */
const WATCHDOG_RULE = "VigilWatchdog";

export interface OverallInputs {
  components: readonly ComponentView[];
  /** The heartbeat monitor's overall() of these components. */
  componentsStatus: OverallStatus;
  firingAlerts: ReadonlyArray<Pick<AlertRecord, "rule" | "severity"> & { silencedBy?: readonly string[] }>;
  destinations: readonly DestinationSnapshot[];
  /** Dead letters a destination wrote within DEAD_LETTER_WINDOW_MS. */
  recentDeadLetters: (destination: string) => number;
}

const RANK: Record<Exclude<OverallStatus, "UNKNOWN">, number> = { HEALTHY: 0, DEGRADED: 1, DOWN: 2 };

/**
 * Folds components, firing alerts and destinations into one state with its reasons:
 * - components as the heartbeat monitor says (DOWN for a DOWN or FAILING one, DEGRADED for LATE or
 *   DEGRADED, UNKNOWN while none has beaten);
 * - a firing critical alert → DOWN, a firing warning → DEGRADED (info alerts do not count; silenced or
 *   acknowledged alerts still do: a silence mutes notifications, it does not make the bot healthy);
 * - a destination whose circuit is not closed, or that wrote dead letters within the last 5 minutes
 *   → DEGRADED (a paused or disabled one does not count: an operator chose that).
 * The worst wins; UNKNOWN only when nothing else says anything (no component has beaten, no alert, no
 * destination in trouble), so a critical alert is DOWN even before the first beat.
 */
export function foldOverall(input: OverallInputs): OverallVerdict {
  const down: string[] = [];
  const degraded: string[] = [];
  for (const c of input.components) {
    if (c.state === "DOWN") down.push(`component ${c.name} DOWN`);
    else if (c.health === "FAILING") down.push(`component ${c.name} FAILING`);
    else if (c.state === "LATE") degraded.push(`component ${c.name} LATE`);
    else if (c.health === "DEGRADED") degraded.push(`component ${c.name} DEGRADED`);
  }
  // One reason per rule and severity, however many subjects it fires for.
  const alerts = new Map<string, { rule: string; severity: string; n: number; silenced: number }>();
  for (const a of input.firingAlerts) {
    if (a.rule === WATCHDOG_RULE || (a.severity !== "critical" && a.severity !== "warning")) continue;
    const key = `${a.severity}\u0000${a.rule}`;
    const seen = alerts.get(key) ?? { rule: a.rule, severity: a.severity, n: 0, silenced: 0 };
    seen.n++;
    if (a.silencedBy && a.silencedBy.length > 0) seen.silenced++;
    alerts.set(key, seen);
  }
  for (const a of alerts.values()) {
    const notes = [a.severity, a.silenced === a.n ? "silenced" : ""].filter(Boolean).join(", ");
    const text = `alert ${a.rule} firing (${notes})${a.n > 1 ? ` ×${a.n}` : ""}`;
    (a.severity === "critical" ? down : degraded).push(text);
  }
  for (const d of input.destinations) {
    if (d.paused || !d.enabled) continue;
    if (d.circuit !== "closed")
      degraded.push(`destination ${d.name}: circuit ${d.circuit === "half_open" ? "half-open" : d.circuit}`);
    const dead = input.recentDeadLetters(d.name);
    if (dead > 0)
      degraded.push(
        `destination ${d.name}: ${dead} dead letter${dead === 1 ? "" : "s"} in the last ${DEAD_LETTER_WINDOW_MS / 60_000}m`,
      );
  }
  const reasons = [...down, ...degraded];
  if (reasons.length > MAX_REASONS) {
    const more = reasons.length - (MAX_REASONS - 1);
    reasons.length = MAX_REASONS - 1;
    reasons.push(`… and ${more} more`);
  }
  let worst: Exclude<OverallStatus, "UNKNOWN"> =
    down.length > 0 ? "DOWN" : degraded.length > 0 ? "DEGRADED" : "HEALTHY";
  if (input.componentsStatus !== "UNKNOWN" && RANK[input.componentsStatus] > RANK[worst])
    worst = input.componentsStatus;
  if (worst === "HEALTHY" && input.componentsStatus === "UNKNOWN")
    return { state: "UNKNOWN", reasons: ["no component has beaten yet"] };
  return { state: worst, reasons };
}
