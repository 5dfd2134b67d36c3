import type { RouteConfig } from "../config/schema.js";

interface CompiledRoute {
  tokens: string[];
  /** Pattern ends in `>`: matches one or more further tokens. */
  tail: boolean;
  attributes: Array<[string, string]>;
  to: string[];
}

/**
 * Routes compiled once per config: topic patterns split into tokens (`*` one
 * token, a final `>` one or more), attribute equality as pairs. A topic's
 * destinations are the union of every matching route's `to`, in config order.
 */
export class RouteTable {
  readonly #routes: CompiledRoute[];

  constructor(routes: readonly RouteConfig[]) {
    this.#routes = routes.map((r) => {
      const tokens = r.topic.split(".");
      const tail = tokens.at(-1) === ">";
      if (tail) tokens.pop();
      return { tokens, tail, attributes: Object.entries(r.attributes), to: r.to };
    });
  }

  match(topic: string, attributes: Readonly<Record<string, string>>): string[] {
    const tokens = topic.split(".");
    const out: string[] = [];
    for (const r of this.#routes) {
      if (!tokensMatch(r, tokens)) continue;
      let ok = true;
      for (const [k, v] of r.attributes) {
        if (attributes[k] !== v) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      for (const d of r.to) if (!out.includes(d)) out.push(d);
    }
    return out;
  }
}

function tokensMatch(r: CompiledRoute, tokens: string[]): boolean {
  if (r.tail ? tokens.length <= r.tokens.length : tokens.length !== r.tokens.length) return false;
  for (let i = 0; i < r.tokens.length; i++) {
    const p = r.tokens[i];
    if (p !== "*" && p !== tokens[i]) return false;
  }
  return true;
}
