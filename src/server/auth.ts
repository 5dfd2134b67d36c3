import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import {
  type Metadata,
  ResponderBuilder,
  ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  ServerListenerBuilder,
  status,
} from "@grpc/grpc-js";
import type { Counter, Meter } from "@opentelemetry/api";
import type { Logger } from "pino";
import { PRINCIPAL_KEY } from "../api/handler.js";
import type { Config } from "../config/schema.js";
import { toError, VigilError } from "../errors.js";

/** Services every caller may use without a token: the kubelet's and tools' health checks and reflection. */
const OPEN_SERVICES = ["/grpc.health.v1.Health/", "/grpc.reflection."];

/**
 * AdminService methods that change state: once any token is marked `admin`,
 * only admin tokens may call them.
 */
const ADMIN_METHODS = new Set(
  [
    "ReloadConfig",
    "RollbackConfig",
    "ImportConfig",
    "RunCleanup",
    "PauseDestination",
    "ResumeDestination",
    "RedriveDeadLetters",
    "Diagnose",
  ].map((m) => `/vigil.v1.AdminService/${m}`),
);

interface Token {
  name: string;
  digest: Buffer;
  admin: boolean;
}

/**
 * Bearer tokens for the gRPC API (`server.auth`): "name: token" lines from a
 * file and/or an environment variable. With no token configured every call is
 * let in (the loopback default). With tokens, every `vigil.v1` call needs
 * `authorization: Bearer <token>` metadata; the token is compared with every
 * configured one in constant time (SHA-256 digests, `timingSafeEqual`, no
 * early exit), and the caller's token name is passed on to the handlers.
 * A missing or wrong token gets UNAUTHENTICATED and is counted in
 * `vigil.auth.failures{reason}`. The file is read again when its modification
 * time changes (`refresh()`, on the scheduler) and on config reload; a file
 * that cannot be read keeps the tokens in force and says why.
 */
export class Authenticator {
  #config: Config["server"]["auth"];
  readonly #env: NodeJS.ProcessEnv;
  readonly #logger: Logger;
  readonly #failures: Counter;
  #tokens: Token[] = [];
  #fileMtime = -1;
  #lastError = "";

  constructor(opts: {
    config: Config["server"]["auth"];
    env: NodeJS.ProcessEnv;
    logger: Logger;
    meter: Meter;
  }) {
    this.#config = opts.config;
    this.#env = opts.env;
    this.#logger = opts.logger.child({ component: "auth" });
    this.#failures = opts.meter.createCounter("vigil.auth.failures", {
      description: "gRPC calls refused for a missing or wrong bearer token, by reason",
    });
    // At start a bad token source is fatal: better than serving unprotected by mistake.
    this.#tokens = this.#load(true);
  }

  get enabled(): boolean {
    return this.#config.tokensFile !== null || this.#config.tokensEnv !== null;
  }

  /** Token names in force (never the tokens). */
  get names(): string[] {
    return this.#tokens.map((t) => t.name);
  }

  get lastError(): string {
    return this.#lastError;
  }

  applyConfig(config: Config["server"]["auth"]): void {
    this.#config = config;
    this.#fileMtime = -1;
    this.#reload();
  }

  /** Reads the tokens again if the file changed; keeps the current ones when it cannot. */
  refresh(): void {
    const file = this.#config.tokensFile;
    if (file === null) return;
    try {
      if (statSync(file).mtimeMs === this.#fileMtime) return;
    } catch {
      // Reported by #reload.
    }
    this.#reload();
  }

  #reload(): void {
    try {
      const before = this.names.join(",");
      this.#tokens = this.#load(false);
      this.#lastError = "";
      if (this.names.join(",") !== before)
        this.#logger.info({ tokens: this.names }, "bearer tokens reloaded");
    } catch (e) {
      const message = toError(e).message;
      if (message !== this.#lastError)
        this.#logger.error({ err: message }, "cannot reload bearer tokens; the previous ones stay in force");
      this.#lastError = message;
    }
  }

  #load(atStart: boolean): Token[] {
    const tokens: Token[] = [];
    const { tokensFile, tokensEnv } = this.#config;
    if (tokensFile !== null) {
      let text: string;
      try {
        text = readFileSync(tokensFile, "utf8");
        this.#fileMtime = statSync(tokensFile).mtimeMs;
      } catch (e) {
        throw new Error(`server.auth.tokens_file: cannot read ${tokensFile}: ${toError(e).message}`);
      }
      tokens.push(...parseTokens(text, `server.auth.tokens_file ${tokensFile}`));
    }
    if (tokensEnv !== null) {
      const text = this.#env[tokensEnv];
      if (text === undefined)
        throw new Error(`server.auth.tokens_env: environment variable ${tokensEnv} is not set`);
      tokens.push(...parseTokens(text, `environment variable ${tokensEnv}`));
    }
    if (this.enabled && tokens.length === 0)
      throw new Error("server.auth: the token sources hold no token (every call would be refused)");
    const names = new Set<string>();
    for (const t of tokens) {
      if (names.has(t.name)) throw new Error(`server.auth: token name ${t.name} is given twice`);
      names.add(t.name);
    }
    if (atStart && tokens.length > 0)
      this.#logger.info({ tokens: [...names] }, "bearer tokens required on the gRPC API");
    return tokens;
  }

  /** The token's name when `authorization` holds a configured bearer token; null otherwise. */
  check(authorization: string | undefined): string | null {
    return this.#find(authorization)?.name ?? null;
  }

  /**
   * The interceptor's decision for a caller outside gRPC (the HTTP API): the token's name ("" with
   * no token configured), or a VigilError thrown (UNAUTHENTICATED, PERMISSION_DENIED for a
   * state-changing method without an admin token), counted in vigil.auth.failures like a refused call.
   */
  authorize(path: string, authorization: string | undefined, peer: string): string {
    if (!this.enabled || OPEN_SERVICES.some((p) => path.startsWith(p))) return "";
    const token = this.#find(authorization);
    if (token === null) {
      const reason = authorization === undefined ? "missing" : "invalid";
      this.#failures.add(1, { reason });
      this.#logger.debug({ rpc: path, peer, reason }, "request refused: bearer token");
      throw new VigilError(
        "VIGIL_ERR_AUTH_UNAUTHENTICATED",
        reason === "missing"
          ? "this Vigil requires an Authorization: Bearer <token> header"
          : "the bearer token is not one this Vigil accepts",
      );
    }
    if (!token.admin && this.#needsAdmin(path)) {
      this.#failures.add(1, { reason: "not_admin" });
      this.#logger.info({ rpc: path, peer, token: token.name }, "request refused: needs an admin token");
      throw new VigilError(
        "VIGIL_ERR_AUTH_NOT_ADMIN",
        `${path.slice(path.lastIndexOf("/") + 1)} changes Vigil's state and needs a token marked admin in the tokens file; ${token.name} is not`,
      );
    }
    return token.name;
  }

  /** Whether the call needs an admin token: a state-changing AdminService method while any token is admin. */
  #needsAdmin(path: string): boolean {
    return ADMIN_METHODS.has(path) && this.#tokens.some((t) => t.admin);
  }

  #find(authorization: string | undefined): Token | null {
    const m = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) return null;
    const digest = createHash("sha256")
      .update(m[1] as string)
      .digest();
    let found: Token | null = null;
    // Every token is compared, whatever matched: the time does not tell which one (or whether any) did.
    for (const t of this.#tokens) if (timingSafeEqual(digest, t.digest) && found === null) found = t;
    return found;
  }

  /** The grpc-js server interceptor: refuses `vigil.v1` calls without a valid token before any handler runs. */
  interceptor(): ServerInterceptor {
    return (method: { path: string }, call: ServerInterceptingCallInterface) => {
      const listener = new ServerListenerBuilder()
        .withOnReceiveMetadata((metadata: Metadata, next: (m: Metadata) => void) => {
          metadata.remove(PRINCIPAL_KEY);
          if (!this.enabled || OPEN_SERVICES.some((p) => method.path.startsWith(p))) {
            next(metadata);
            return;
          }
          const header = metadata.get("authorization")[0];
          const token = this.#find(header === undefined ? undefined : String(header));
          if (token === null) {
            const reason = header === undefined ? "missing" : "invalid";
            this.#failures.add(1, { reason });
            this.#logger.debug(
              { rpc: method.path, peer: call.getPeer(), reason },
              "call refused: bearer token",
            );
            call.sendStatus({
              code: status.UNAUTHENTICATED,
              details:
                reason === "missing"
                  ? "VIGIL_ERR_AUTH_UNAUTHENTICATED: this Vigil requires authorization: Bearer <token> metadata"
                  : "VIGIL_ERR_AUTH_UNAUTHENTICATED: the bearer token is not one this Vigil accepts",
            });
            return;
          }
          if (!token.admin && this.#needsAdmin(method.path)) {
            this.#failures.add(1, { reason: "not_admin" });
            this.#logger.info(
              { rpc: method.path, peer: call.getPeer(), token: token.name },
              "call refused: needs an admin token",
            );
            call.sendStatus({
              code: status.PERMISSION_DENIED,
              details: `VIGIL_ERR_AUTH_NOT_ADMIN: ${method.path.slice(method.path.lastIndexOf("/") + 1)} changes Vigil's state and needs a token marked admin in the tokens file; ${token.name} is not`,
            });
            return;
          }
          metadata.set(PRINCIPAL_KEY, token.name);
          next(metadata);
        })
        .build();
      return new ServerInterceptingCall(
        call,
        new ResponderBuilder().withStart((next) => next(listener)).build(),
      );
    };
  }
}

/**
 * "name: token" per line, optionally followed by the word `admin`
 * ("deploy: 3f9c…e1 admin"); blank lines and lines starting with # are skipped.
 */
export function parseTokens(text: string, source: string): Token[] {
  const out: Token[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^([A-Za-z0-9_.@-]{1,64})\s*:\s*(\S{16,})(?:\s+(admin))?$/.exec(line);
    if (!m)
      throw new Error(
        `${source}: line ${i + 1}: expected "name: token" or "name: token admin" (name [A-Za-z0-9_.@-], token of at least 16 characters, no spaces)`,
      );
    out.push({
      name: m[1] as string,
      digest: createHash("sha256")
        .update(m[2] as string)
        .digest(),
      admin: m[3] === "admin",
    });
  });
  return out;
}
