import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { toError } from "../errors.js";
import { type Config, configSchema, NOT_YET_IMPLEMENTED } from "./schema.js";
import {
  defaultSecretDirs,
  fileRefProblem,
  hasSecretRef,
  redactUrlsInText,
  SECRET_REF,
  secretKindAt,
} from "./secrets.js";

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
  /** The directories `${file:}` references were read under (absolute). */
  secretDirs: readonly string[];
}

/** Environment variables that override the file (DESIGN §3), and the key each sets. */
export const ENV_OVERRIDES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["VIGIL_DATA_DIR", ["data_dir"]],
  ["VIGIL_GRPC_ADDRESS", ["server", "grpc", "address"]],
  ["VIGIL_HTTP_ADDRESS", ["server", "http", "address"]],
  ["VIGIL_HTTP_API_ADDRESS", ["server", "http_api", "address"]],
  ["VIGIL_LOG_LEVEL", ["logs", "level"]],
];

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

export interface ParseOptions {
  /**
   * Where `${file:}` may read. A config that arrives over the API is read with
   * the running config's directories, never with the ones it names itself.
   */
  secretDirs?: readonly string[];
}

export function parseConfigText(
  text: string,
  source: string,
  path: string | null,
  env: NodeJS.ProcessEnv,
  options: ParseOptions = {},
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

  const secretDirs = options.secretDirs ?? secretDirsOf(display, path);
  const secrets = new SecretTable();
  const placeholders = structuredClone(display);
  substituteSecrets(placeholders, [], (p, value) => {
    const kind = secretKindAt(configSchema, p);
    const problem = (message: string) => {
      issues.push({ source, ...locate(p), path: formatPath(p), message });
      return value;
    };
    if (kind === null)
      return problem(
        "a secret reference ($" +
          "{env:…} or $" +
          "{file:…}) is accepted only in keys that hold secrets (headers, tokens, TLS files, URL userinfo); this key is not one",
      );
    const out = value.replace(SECRET_REF, (ref: string, from: string, name: string) => {
      const resolved = resolveRef(from, name, env, secretDirs);
      if (typeof resolved !== "string") {
        problem(resolved.problem);
        return "";
      }
      return secrets.add(ref, resolved, kind === "url");
    });
    if (kind === "url" && !secrets.onlyInUserinfo(out))
      return problem(
        "a secret reference in a URL is accepted only in its userinfo (the user:password part before @)",
      );
    if (kind === "value" && secrets.holdsControlCharacters(out))
      return problem("the referenced secret holds a line break or another control character");
    return out;
  });

  const result = configSchema.safeParse(placeholders);
  if (!result.success) {
    for (const issue of result.error.issues) issues.push(...toIssues(issue, source, locate, envSource));
  }
  if (issues.length > 0 || !result.success) {
    throw new ConfigError(
      issues.map((i) => ({ ...i, message: redactUrlsInText(secrets.references(i.message)) })),
    );
  }
  const config = secrets.resolve(result.data) as Config;
  const hash = createHash("sha256")
    .update(JSON.stringify(display))
    .update("\0")
    .update(secrets.digest())
    .digest("hex");
  const contentHash = createHash("sha256").update(JSON.stringify(display)).digest("hex");
  return { config, path, display, hash, contentHash, secretDirs };
}

/** config.secret_dirs as written (relative ones from the config file's directory), else the defaults. */
function secretDirsOf(display: Record<string, unknown>, path: string | null): string[] {
  const written = (display.config as { secret_dirs?: unknown } | undefined)?.secret_dirs;
  if (!Array.isArray(written) || !written.every((d) => typeof d === "string")) return defaultSecretDirs(path);
  const base = path === null ? process.cwd() : resolve(path, "..");
  return written.map((d) => resolve(base, d));
}

function resolveRef(
  from: string,
  name: string,
  env: NodeJS.ProcessEnv,
  secretDirs: readonly string[],
): string | { problem: string } {
  if (from === "env") {
    const v = env[name];
    return v === undefined
      ? { problem: `environment variable ${name} referenced by \${env:${name}} is not set` }
      : v;
  }
  const why = fileRefProblem(name, secretDirs);
  if (why !== null) return { problem: `\${file:${name}} ${why}` };
  try {
    return readFileSync(name, "utf8").replace(/\r?\n$/, "");
  } catch (e) {
    return { problem: `cannot read \${file:${name}}: ${(e as NodeJS.ErrnoException).code ?? "error"}` };
  }
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Resolved secrets stand in the config as placeholders while it is validated,
 * so no validation message can hold a secret's value (a message shows the
 * reference instead), and are put in only once the config is valid.
 */
class SecretTable {
  readonly #nonce = randomBytes(6).toString("hex");
  readonly #entries: Array<{ placeholder: string; ref: string; value: string }> = [];

  add(ref: string, value: string, inUrl: boolean): string {
    const placeholder = `vigilsecret${this.#entries.length}x${this.#nonce}`;
    // In a URL's userinfo the value is percent-encoded, so a password with @ or : stays a password.
    this.#entries.push({ placeholder, ref, value: inUrl ? encodeURIComponent(value) : value });
    return placeholder;
  }

  /** Whether every placeholder in a URL sits in its userinfo. */
  onlyInUserinfo(url: string): boolean {
    const here = this.#entries.filter((e) => url.includes(e.placeholder));
    if (here.length === 0) return true;
    const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#@]*)@/.exec(url);
    const userinfo = m?.[1] ?? "";
    const rest = m ? url.slice(m[0].length) : url;
    return here.every((e) => userinfo.includes(e.placeholder) && !rest.includes(e.placeholder));
  }

  holdsControlCharacters(value: string): boolean {
    return this.#entries.some((e) => value.includes(e.placeholder) && hasControlCharacter(e.value));
  }

  /** Text with every placeholder shown as the reference it stands for. */
  references(text: string): string {
    let out = text;
    for (const e of this.#entries) out = out.split(e.placeholder).join(e.ref);
    return out;
  }

  /** The validated config with the secrets' values in place of their placeholders. */
  resolve(node: unknown): unknown {
    if (this.#entries.length === 0) return node;
    if (typeof node === "string") {
      let out = node;
      for (const e of this.#entries)
        if (out.includes(e.placeholder)) out = out.split(e.placeholder).join(e.value);
      return out;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) node[i] = this.resolve(node[i]);
    } else if (
      node !== null &&
      typeof node === "object" &&
      Object.getPrototypeOf(node) === Object.prototype
    ) {
      const obj = node as Record<string, unknown>;
      for (const k of Object.keys(obj)) obj[k] = this.resolve(obj[k]);
    }
    return node;
  }

  /** What the resolved secrets are, for the change hash (never shown). */
  digest(): string {
    return JSON.stringify(this.#entries.map((e) => [e.ref, e.value]));
  }
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

/** Calls `each` on every string that holds a secret reference, in place, with its key path. */
function substituteSecrets(
  node: unknown,
  p: PropertyKey[],
  each: (p: PropertyKey[], value: string) => string,
): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const v = node[i];
      if (typeof v === "string") {
        if (hasSecretRef(v)) node[i] = each([...p, i], v);
      } else substituteSecrets(v, [...p, i], each);
    }
  } else if (typeof node === "object" && node !== null) {
    const obj = node as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      if (typeof v === "string") {
        if (hasSecretRef(v)) obj[k] = each([...p, k], v);
      } else substituteSecrets(v, [...p, k], each);
    }
  }
}
