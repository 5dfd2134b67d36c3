import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { z } from "zod";

/**
 * Which config keys may hold secrets, marked on the schema itself:
 * `secret(z.string())` for a value that is a secret as a whole or in part
 * (a header value, a token, a TLS file), `secretUrl(z.string())` for a URL
 * whose userinfo (`user:password@`) may be one. Only marked keys accept
 * `${env:NAME}` / `${file:/path}` references, and only marked keys are
 * redacted when config is shown.
 */
export type SecretKind = "value" | "url";

const secretKeys = z.registry<{ secret: SecretKind }>();

/** Marks a string schema as a key that may hold a secret. Call it on the innermost schema, before wrappers. */
export function secret<T extends z.ZodType>(schema: T): T {
  secretKeys.add(schema, { secret: "value" });
  return schema;
}

/** Marks a string schema as a URL whose userinfo may hold a secret. */
export function secretUrl<T extends z.ZodType>(schema: T): T {
  secretKeys.add(schema, { secret: "url" });
  return schema;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
}

/** The secret kind of the key at `path` (a path into the config as written), or null for an ordinary key. */
export function secretKindAt(schema: z.ZodType, path: readonly PropertyKey[], i = 0): SecretKind | null {
  const meta = secretKeys.get(schema);
  if (meta && i === path.length) return meta.secret;
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  switch (def.type) {
    case "default":
    case "prefault":
    case "optional":
    case "nullable":
    case "readonly":
    case "catch":
      return def.innerType ? secretKindAt(def.innerType, path, i) : null;
    case "pipe":
      return def.in ? secretKindAt(def.in, path, i) : null;
    case "union":
      for (const o of def.options ?? []) {
        const k = secretKindAt(o, path, i);
        if (k) return k;
      }
      return null;
    case "object": {
      if (i >= path.length) return null;
      const child = def.shape?.[String(path[i])];
      return child ? secretKindAt(child, path, i + 1) : null;
    }
    case "array":
      return i < path.length && typeof path[i] === "number" && def.element
        ? secretKindAt(def.element, path, i + 1)
        : null;
    case "record":
      return i < path.length && def.valueType ? secretKindAt(def.valueType, path, i + 1) : null;
    default:
      return null;
  }
}

/** `${env:NAME}` or `${file:/path}`. */
export const SECRET_REF = /\$\{(env|file):([^}]*)\}/g;
export const REDACTED = "<redacted>";

export function hasSecretRef(value: string): boolean {
  return /\$\{(env|file):[^}]*\}/.test(value);
}

/** The directories `${file:}` may read under, by default: the config file's own, and Kubernetes' secret mounts. */
export function defaultSecretDirs(configPath: string | null): string[] {
  const dirs = configPath === null ? [] : [resolve(configPath, "..")];
  return [...dirs, "/run/secrets", "/var/run/secrets"];
}

/**
 * Why `${file:path}` may not be read, or null when it may: the file's real
 * path (symlinks resolved, as Kubernetes mounts secrets through `..data`
 * links) must lie under the real path of one of `dirs`.
 */
export function fileRefProblem(path: string, dirs: readonly string[]): string | null {
  if (!isAbsolute(path)) return "must be an absolute path";
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    return `cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`;
  }
  for (const dir of dirs) {
    let realDir: string;
    try {
      realDir = realpathSync(dir);
    } catch {
      continue;
    }
    const rel = relative(realDir, real);
    if (rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel)) return null;
  }
  return `is outside config.secret_dirs (${dirs.join(", ") || "none"}); put the file under one of them or add its directory there`;
}

/** A URL with its userinfo shown as `<redacted>` unless it is made of secret references. */
export function redactUrl(value: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#@]*)@/.exec(value);
  if (!m) return value;
  // user[:password], where a reference's own colon (${env:X}) does not split them.
  const parts = /^((?:\$\{[^}]*\}|[^:])*)(?::(.*))?$/.exec(m[2] as string);
  const show = (part: string) => (part === "" || /^(\$\{(env|file):[^}]*\})+$/.test(part) ? part : REDACTED);
  const shown =
    parts?.[2] === undefined ? show(parts?.[1] ?? "") : `${show(parts[1] ?? "")}:${show(parts[2])}`;
  return `${m[1]}${shown}@${value.slice(m[0].length)}`;
}

/** Every URL-shaped userinfo in free text (an error message, a log line) replaced by `<redacted>`. */
export function redactUrlsInText(text: string): string {
  return text.replace(/\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#@\s"']*@/g, `$1${REDACTED}@`);
}
