import type { ComponentView } from "../heartbeat/heartbeat-monitor.js";
import type { Clock } from "../util/clock.js";

/** One sample per minute, an hour of them: the status page's strip per component. */
export const STRIP_SLOT_MS = 60_000;
export const STRIP_SLOTS = 60;

/** What a strip cell shows: the component's state, or its health when that is worse than its state says. */
export type StripState = "UP" | "LATE" | "DEGRADED" | "DOWN" | "FAILING" | "UNKNOWN";

const CODES: readonly (StripState | null)[] = [null, "UP", "UNKNOWN", "LATE", "DEGRADED", "FAILING", "DOWN"];
/** A minute shows the worst state seen in it, so a DOWN that lasted 20 s is not lost to a later UP. */
const RANK: Record<StripState, number> = { UP: 1, UNKNOWN: 2, LATE: 3, DEGRADED: 4, FAILING: 5, DOWN: 6 };

export function stripState(v: Pick<ComponentView, "state" | "health">): StripState {
  if (v.state === "DOWN") return "DOWN";
  if (v.health === "FAILING") return "FAILING";
  if (v.state === "LATE") return "LATE";
  if (v.health === "DEGRADED") return "DEGRADED";
  return v.state === "UP" ? "UP" : "UNKNOWN";
}

class Strip {
  readonly stamp = new Float64Array(STRIP_SLOTS).fill(-1);
  readonly code = new Uint8Array(STRIP_SLOTS);
}

/**
 * The state of each component over the last hour, one cell per minute (the worst seen in it), like
 * a flip history. Fed by the heartbeat monitor's transitions and a periodic sample of every
 * component; bounded: 120 bytes per component, components bounded by heartbeats.max_components, and
 * components the monitor no longer lists go at the next sample.
 */
export class StateStrips {
  readonly #clock: Clock;
  readonly #strips = new Map<string, Strip>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  record(component: string, state: StripState, at = this.#clock.now()): void {
    let s = this.#strips.get(component);
    if (s === undefined) {
      s = new Strip();
      this.#strips.set(component, s);
    }
    const minute = Math.floor(at / STRIP_SLOT_MS);
    const i = minute % STRIP_SLOTS;
    const code = CODES.indexOf(state);
    if (s.stamp[i] !== minute) {
      s.stamp[i] = minute;
      s.code[i] = code;
      return;
    }
    const held = CODES[s.code[i] ?? 0];
    if (held === null || held === undefined || RANK[state] > RANK[held]) s.code[i] = code;
  }

  /** Records every listed component's state now and forgets the strips of those not listed. */
  sample(views: readonly ComponentView[]): void {
    const now = this.#clock.now();
    const listed = new Set<string>();
    for (const v of views) {
      listed.add(v.name);
      this.record(v.name, stripState(v), now);
    }
    for (const name of this.#strips.keys()) if (!listed.has(name)) this.#strips.delete(name);
  }

  /** The last hour of `component`, oldest minute first; null where nothing was recorded. */
  strip(component: string): (StripState | null)[] {
    const out = new Array<StripState | null>(STRIP_SLOTS).fill(null);
    const s = this.#strips.get(component);
    if (s === undefined) return out;
    const current = Math.floor(this.#clock.now() / STRIP_SLOT_MS);
    for (let k = 0; k < STRIP_SLOTS; k++) {
      const minute = current - (STRIP_SLOTS - 1 - k);
      const i = minute % STRIP_SLOTS;
      if (s.stamp[i] === minute) out[k] = CODES[s.code[i] ?? 0] ?? null;
    }
    return out;
  }
}
