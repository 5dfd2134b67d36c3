import { configSchema } from "./schema.js";
import { hasSecretRef, REDACTED, redactUrl } from "./secrets.js";

/**
 * The effective config in the user's notation: what the user wrote (secret
 * references left as written) laid over the schema's defaults. This is the form
 * config is shown, diffed and exported in: it is complete, readable
 * ("30s", not 30000), and holds no resolved secret.
 */

type Tree = Record<string, unknown>;

interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  defaultValue?: unknown;
}

/** The default of a schema node: `undefined` when it has none. */
function defaultOf(def: Def): unknown {
  switch (def.type) {
    case "object": {
      const out: Tree = {};
      for (const [k, v] of Object.entries(def.shape ?? {})) {
        const d = defaultOf(v._zod.def);
        if (d !== undefined) out[k] = d;
      }
      return out;
    }
    case "prefault": {
      // An object's prefault ({}) is filled in by its fields' defaults.
      const inner = defaultOf((def.innerType as { _zod: { def: Def } })._zod.def);
      if (isTree(def.defaultValue) && isTree(inner)) return { ...inner, ...def.defaultValue };
      return def.defaultValue;
    }
    case "default":
      return def.defaultValue;
    case "pipe":
      return defaultOf((def.in as { _zod: { def: Def } })._zod.def);
    default:
      return undefined;
  }
}

let defaults: Tree | null = null;

/** Every default of vigil.yaml, as a user would write it. */
export function defaultTree(): Tree {
  defaults ??= defaultOf((configSchema as unknown as { _zod: { def: Def } })._zod.def) as Tree;
  return structuredClone(defaults);
}

/** What the user wrote, laid over the defaults (arrays and maps given by the user replace the default). */
export function effectiveTree(display: Tree): Tree {
  return redact(merge(defaultTree(), display) as Tree) as Tree;
}

function merge(base: unknown, over: unknown): unknown {
  if (!isTree(base) || !isTree(over)) return over === undefined ? base : over;
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? merge(base[k], v) : v;
  return out;
}

const SECRET_KEY = /(token|secret|password|passwd|authorization|api[_-]?key|credential|private[_-]?key)/i;
export { REDACTED };

/**
 * Secret references are shown as written; a value without one under a key
 * that names a secret is replaced, in case someone wrote a token into the file,
 * and so is the userinfo of any URL (`https://<redacted>@host/`).
 */
export function redact(node: unknown, key = ""): unknown {
  if (Array.isArray(node)) return node.map((v) => redact(v, key));
  if (isTree(node)) {
    const out: Tree = {};
    for (const [k, v] of Object.entries(node)) out[k] = redact(v, k);
    return out;
  }
  if (typeof node === "string") {
    if (SECRET_KEY.test(key) && !hasSecretRef(node)) return REDACTED;
    return redactUrl(node);
  }
  return node;
}

export type ChangeKind = "added" | "removed" | "changed";

export interface ConfigChange {
  /** Key path such as heartbeats.components[1].interval. */
  path: string;
  kind: ChangeKind;
  before?: unknown;
  after?: unknown;
}

/** A key-path diff of two trees: leaves and whole array items compared by value. */
export function diffTrees(before: unknown, after: unknown, path = ""): ConfigChange[] {
  if (isTree(before) && isTree(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      const p = path ? `${path}.${k}` : k;
      if (!(k in after)) return [{ path: p, kind: "removed" as const, before: before[k] }];
      if (!(k in before)) return [{ path: p, kind: "added" as const, after: after[k] }];
      return diffTrees(before[k], after[k], p);
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: ConfigChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const p = `${path}[${i}]`;
      if (i >= after.length) out.push({ path: p, kind: "removed", before: before[i] });
      else if (i >= before.length) out.push({ path: p, kind: "added", after: after[i] });
      else out.push(...diffTrees(before[i], after[i], p));
    }
    return out;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, kind: "changed", before, after }];
}

/** One line per change, for logs and the CLI. */
export function formatChanges(changes: readonly ConfigChange[]): string {
  if (changes.length === 0) return "no changes";
  return changes
    .map((c) => {
      if (c.kind === "added") return `+ ${c.path}: ${JSON.stringify(c.after)}`;
      if (c.kind === "removed") return `- ${c.path}: ${JSON.stringify(c.before)}`;
      return `~ ${c.path}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`;
    })
    .join("\n");
}

function isTree(v: unknown): v is Tree {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
