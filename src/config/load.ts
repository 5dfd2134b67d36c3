import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { toError } from "../errors.js";
import { type Config, configSchema, NOT_YET_IMPLEMENTED } from "./schema.js";

/** One problem in a config, located as precisely as we can. */
export interface ConfigIssue {
  /** The file, or the environment variable the value came from. */
  source: string;
  line?: number;
  column?: number;
  /** Key path such as heartbeats.components[1].interval; empty for the whole document. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "ConfigError";
    this.issues = issues;
  }
}

export function formatIssue(i: ConfigIssue): string {
  const where = i.line === undefined ? i.source : `${i.source}:${i.line}:${i.column ?? 1}`;
  return i.path ? `${where}: ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file, or null for the embedded defaults. */
  path: string | null;
  /**
   * The config as the user wrote it, environment overrides applied and secret
   * references left as written (`${env:TOKEN}`): safe to show anywhere.
   */
  display: Record<string, unknown>;
  /** sha256 of the display form plus resolved secrets: a rotated secret is a change to apply. */
  hash: string;
  /** sha256 of the display form alone: the identity of a config version (no secret goes into it). */
  contentHash: string;
}

/** Environment variables that override the file (DESIGN §3), and the key each sets. */
export const ENV_OVERRIDES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["VIGIL_DATA_DIR", ["data_dir"]],
  ["VIGIL_GRPC_ADDRESS", ["server", "grpc", "address"]],
  ["VIGIL_HTTP_ADDRESS", ["server", "http", "address"]],
  ["VIGIL_LOG_LEVEL", ["logs", "level"]],
];

const SECRET_REF = /\$\{(env|file):([^}]*)\}/g;

/**
 * Which file to load: --config, else VIGIL_CONFIG, else ./vigil.yaml when it
 * exists, else none (the embedded defaults).
 */
export function resolveConfigPath(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd = process.cwd(),
): string | null {
  if (explicit) return resolve(cwd, explicit);
  if (env.VIGIL_CONFIG) return resolve(cwd, env.VIGIL_CONFIG);
  const local = resolve(cwd, "vigil.yaml");
  return existsSync(local) ? local : null;
}

/** Reads, resolves and validates a config file; throws ConfigError listing every problem. */
export function loadConfigFile(path: string | null, env: NodeJS.ProcessEnv): LoadedConfig {
  if (path === null) return parseConfigText("", "<defaults>", null, env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError([
      { source: path, path: "", message: `cannot read config file: ${(e as Error).message}` },
    ]);
  }
  return parseConfigText(text, path, path, env);
}

/** Validates config text; `source` names it in errors. */
/** The path of the first value that contains itself (a YAML alias to an ancestor); null when none does. */
function cyclePath(v: unknown, ancestors: unknown[] = [], path: PropertyKey[] = []): PropertyKey[] | null {
  if (v === null || typeof v !== "object") return null;
  if (ancestors.includes(v)) return path;
  ancestors.push(v);
  for (const [k, child] of Object.entries(v)) {
    const found = cyclePath(child, ancestors, [...path, Array.isArray(v) ? Number(k) : k]);
    if (found) return found;
  }
  ancestors.pop();
  return null;
}

export function parseConfigText(
  text: string,
  source: string,
  path: string | null,
  env: NodeJS.ProcessEnv,
): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return {
          source,
          line: pos?.line,
          column: pos?.col,
          path: "",
          message: (e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ""),
        };
      }),
    );
  }
  let raw: unknown;
  try {
    // toJS refuses alias bombs (maxAliasCount); its error becomes a config error, not a crash.
    raw = doc.toJS() ?? {};
  } catch (e) {
    throw new ConfigError([{ source, line: 1, column: 1, path: "", message: toError(e).message }]);
  }
  const cycle = cyclePath(raw);
  if (cycle !== null) {
    const node = findNode(doc.contents, cycle, false);
    const pos = node?.range?.[0] === undefined ? undefined : lineCounter.linePos(node.range[0]);
    throw new ConfigError([
      {
        source,
        line: pos?.line,
        column: pos?.col,
        path: formatPath(cycle),
        message: "an alias refers to a node that contains it (a cycle); a config cannot be infinite",
      },
    ]);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError([
      { source, line: 1, column: 1, path: "", message: "the config must be a mapping of keys" },
    ]);
  }
  const display = structuredClone(raw) as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  const locate = (p: readonly PropertyKey[], keyNode = false): Pick<ConfigIssue, "line" | "column"> => {
    const node = findNode(doc.contents, p, keyNode);
    const offset = node?.range?.[0];
    if (offset === undefined) return {};
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };

  // Environment overrides are stronger than the file; problems name the variable.
  const envSource = new Map<string, string>();
  for (const [name, keyPath] of ENV_OVERRIDES) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    setPath(display, keyPath, value);
    envSource.set(keyPath.join("."), name);
  }

  const resolved = structuredClone(display);
  resolveSecrets(resolved, [], env, (p, message) =>
    issues.push({ source, ...locate(p), path: formatPath(p), message }),
  );

  const result = configSchema.safeParse(resolved);
  if (!result.success) {
    for (const issue of result.error.issues) issues.push(...toIssues(issue, source, locate, envSource));
  }
  if (issues.length > 0 || !result.success) throw new ConfigError(issues);
  const hash = createHash("sha256")
    .update(JSON.stringify(display))
    .update("\0")
    .update(JSON.stringify(resolved))
    .digest("hex");
  const contentHash = createHash("sha256").update(JSON.stringify(display)).digest("hex");
  return { config: result.data, path, display, hash, contentHash };
}

function toIssues(
  issue: z.core.$ZodIssue,
  source: string,
  locate: (p: readonly PropertyKey[], keyNode?: boolean) => Pick<ConfigIssue, "line" | "column">,
  envSource: Map<string, string>,
): ConfigIssue[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const p = [...issue.path, key];
      const dotted = p.filter((s) => typeof s === "string").join(".");
      const message = NOT_YET_IMPLEMENTED.has(dotted)
        ? "is part of Vigil's design but not implemented in this version; remove it"
        : "unknown key";
      return { source, ...locate(p, true), path: formatPath(p), message };
    });
  }
  const envName = envSource.get(issue.path.join("."));
  if (envName)
    return [
      { source: `environment variable ${envName}`, path: formatPath(issue.path), message: issue.message },
    ];
  return [{ source, ...locate(issue.path), path: formatPath(issue.path), message: issue.message }];
}

export function formatPath(p: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of p) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** The YAML node at a key path, or the deepest existing ancestor. */
function findNode(root: unknown, p: readonly PropertyKey[], keyNode: boolean): Node | undefined {
  let node = root as Node | undefined;
  for (let i = 0; i < p.length; i++) {
    const seg = p[i];
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(seg));
      if (!pair) return node;
      if (keyNode && i === p.length - 1) return pair.key as Node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as Node | undefined;
      if (!item) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}

function setPath(obj: Record<string, unknown>, keyPath: readonly string[], value: unknown): void {
  let cur = obj;
  for (let i = 0; i < keyPath.length - 1; i++) {
    const k = keyPath[i] as string;
    const next = cur[k];
    if (typeof next !== "object" || next === null || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keyPath[keyPath.length - 1] as string] = value;
}

/** Replaces `${env:NAME}` and `${file:/path}` in every string, in place. */
function resolveSecrets(
  node: unknown,
  p: PropertyKey[],
  env: NodeJS.ProcessEnv,
  report: (p: PropertyKey[], message: string) => void,
): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const v = node[i];
      if (typeof v === "string") node[i] = resolveString(v, [...p, i], env, report);
      else resolveSecrets(v, [...p, i], env, report);
    }
  } else if (typeof node === "object" && node !== null) {
    const obj = node as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      if (typeof v === "string") obj[k] = resolveString(v, [...p, k], env, report);
      else resolveSecrets(v, [...p, k], env, report);
    }
  }
}

function resolveString(
  value: string,
  p: PropertyKey[],
  env: NodeJS.ProcessEnv,
  report: (p: PropertyKey[], message: string) => void,
): string {
  if (!value.includes("${")) return value;
  return value.replace(SECRET_REF, (_all, kind: string, ref: string) => {
    if (kind === "env") {
      const v = env[ref];
      if (v === undefined) {
        report(p, `environment variable ${ref} referenced by \${env:${ref}} is not set`);
        return "";
      }
      return v;
    }
    try {
      return readFileSync(ref, "utf8").replace(/\r?\n$/, "");
    } catch (e) {
      report(p, `cannot read \${file:${ref}}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return "";
    }
  });
}
