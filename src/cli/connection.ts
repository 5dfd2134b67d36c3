import { readFileSync } from "node:fs";
import { status as GrpcStatus, Metadata } from "@grpc/grpc-js";
import { createVigilClient, type VigilStubs } from "../client/client.js";
import { type LoadedConfig, loadConfigFile, resolveConfigPath } from "../config/load.js";

/** What the CLI's commands share: where the sidecar is, its config (read lazily), a client. */
export class CliConnection {
  readonly #flags: { address?: string; config?: string };
  readonly #env: NodeJS.ProcessEnv;
  #loaded: LoadedConfig | null = null;

  constructor(flags: { address?: string; config?: string }, env: NodeJS.ProcessEnv = process.env) {
    this.#flags = flags;
    this.#env = env;
  }

  /**
   * The config the sidecar runs with as far as the CLI can tell: --config, else VIGIL_CONFIG,
   * else ./vigil.yaml, else the defaults, with the VIGIL_* overrides. Throws ConfigError.
   */
  config(): LoadedConfig {
    this.#loaded ??= loadConfigFile(resolveConfigPath(this.#flags.config, this.#env), this.#env);
    return this.#loaded;
  }

  /**
   * The gRPC address: --address, else VIGIL_GRPC_ADDRESS, else server.grpc.address of the config
   * (a wildcard bind address is reached on loopback).
   */
  get address(): string {
    const explicit = this.#flags.address ?? this.#env.VIGIL_GRPC_ADDRESS;
    if (explicit) return explicit;
    const bound = this.config().config.server.grpc.address;
    return bound.replace(/^0\.0\.0\.0:/, "127.0.0.1:").replace(/^\[::\]:/, "[::1]:");
  }

  /**
   * A client; VIGIL_TOKEN (or the file VIGIL_TOKEN_FILE) is its bearer token; VIGIL_TLS_CA_FILE
   * (with VIGIL_TLS_CERT_FILE and VIGIL_TLS_KEY_FILE for mTLS) connects over TLS.
   */
  connect(): VigilStubs {
    const env = this.#env;
    const file = env.VIGIL_TOKEN_FILE;
    const token = env.VIGIL_TOKEN ?? (file ? readFileSync(file, "utf8").trim() : undefined);
    const pem = (name: string) => {
      const path = env[name];
      return path ? readFileSync(path) : undefined;
    };
    const tls =
      env.VIGIL_TLS_CA_FILE || env.VIGIL_TLS_CERT_FILE
        ? { ca: pem("VIGIL_TLS_CA_FILE"), cert: pem("VIGIL_TLS_CERT_FILE"), key: pem("VIGIL_TLS_KEY_FILE") }
        : undefined;
    return createVigilClient(this.address, {}, { token, tls });
  }

  /** One unary call on a fresh client, closed after. */
  async call<Res>(
    service: "admin" | "alerts" | "heartbeat",
    method: string,
    req: object,
    timeoutMs = 10_000,
  ): Promise<Res> {
    const client = this.connect();
    try {
      const stub = client[service] as unknown as Record<string, (...a: unknown[]) => unknown>;
      const fn = stub[method] as (...a: unknown[]) => unknown;
      return await new Promise<Res>((resolve, reject) =>
        fn.call(stub, req, new Metadata(), { deadline: Date.now() + timeoutMs }, (e: Error | null, r: Res) =>
          e ? reject(e) : resolve(r),
        ),
      );
    } finally {
      client.close();
    }
  }
}

/** A gRPC error as grpc-js gives it: a numeric code and the server's details. */
interface CallError {
  code?: number;
  details?: string;
  message?: string;
}

/**
 * True when nothing answered: no server at the address (UNAVAILABLE without a Vigil error code;
 * Vigil's own UNAVAILABLE while draining carries one) or no answer within the deadline.
 */
export function notAnswering(e: unknown): boolean {
  const err = e as CallError;
  if (err.code === GrpcStatus.DEADLINE_EXCEEDED) return true;
  return err.code === GrpcStatus.UNAVAILABLE && !(err.details ?? "").startsWith("VIGIL_ERR_");
}

/** One line for the user, never grpc-js's "14 UNAVAILABLE: No connection established…". */
export function describeCallError(e: unknown, address: string): string {
  const err = e as CallError;
  if (notAnswering(e)) return `the sidecar at ${address} does not answer (${statusName(err.code)})`;
  if (typeof err.code === "number" && err.details) return err.details;
  return err.message ?? String(e);
}

/** A config error reported by the sidecar (invalid YAML, a protected key): the user's input. */
export function isConfigRejection(e: unknown): boolean {
  const d = (e as CallError).details ?? "";
  return d.startsWith("VIGIL_ERR_CONFIG_INVALID") || d.startsWith("VIGIL_ERR_CONFIG_PROTECTED_KEY");
}

function statusName(code: number | undefined): string {
  const name = Object.entries(GrpcStatus).find(([, v]) => v === code)?.[0];
  return name ?? `status ${code}`;
}
