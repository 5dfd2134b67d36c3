import { readFileSync, statSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { experimental, type ServerCredentials } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { toError } from "../errors.js";

type TlsConfig = NonNullable<Config["server"]["grpc"]["tls"]>;
type IdentityListener = experimental.IdentityCertificateUpdateListener;
type CaListener = experimental.CaCertificateUpdateListener;

interface Loaded {
  stamp: string;
  identity: experimental.IdentityCertificateUpdate;
  ca: experimental.CaCertificateUpdate | null;
}

/**
 * The gRPC server's certificate and key, and for mTLS the CA its clients'
 * certificates must chain to, read from files and read again when they change
 * (cert-manager and Kubernetes Secrets replace them in place). A changed set
 * that does not load (a half-written file, a key that does not match its
 * certificate) keeps the running one and says why, as a bad config reload does.
 *
 * It is grpc-js's CertificateProvider for both the identity and the CA: the
 * server's TLS context is swapped on a change without dropping connections.
 */
export class TlsFiles implements experimental.CertificateProvider {
  readonly #config: TlsConfig;
  readonly #logger: Logger;
  readonly #identityListeners = new Set<IdentityListener>();
  readonly #caListeners = new Set<CaListener>();
  #current: Loaded;
  /** Why the last changed set was not taken (null when the running one is the newest). */
  lastError: string | null = null;

  /** Reads the files now: an error names the config key and the file. */
  constructor(config: TlsConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger.child({ component: "grpc-tls" });
    this.#current = this.#load();
  }

  /** Server credentials that follow this provider (mTLS when a client CA is configured). */
  credentials(): ServerCredentials {
    // grpc-js 1.14 names this function's parameters (ca, identity) but passes them on as
    // (identity, ca): with one provider for both, the order cannot matter; without a client CA
    // the second is null, and the test of TLS without mTLS would fail if that ever changed.
    const mtls = this.#config.clientCaFile !== null;
    return experimental.createCertificateProviderServerCredentials(this, mtls ? this : null, mtls);
  }

  /** Reads the files again when one changed; true when a new set was taken. Never throws. */
  refresh(): boolean {
    let next: Loaded;
    try {
      if (this.#stamp() === this.#current.stamp) return false;
      next = this.#load();
    } catch (e: unknown) {
      const message = toError(e).message;
      if (message !== this.lastError)
        this.#logger.error(
          { error: message },
          "gRPC TLS files changed but do not load; keeping the running ones",
        );
      this.lastError = message;
      return false;
    }
    this.#current = next;
    this.lastError = null;
    this.#logger.info({ certFile: this.#config.certFile }, "gRPC TLS certificate reloaded");
    for (const l of this.#identityListeners) l(next.identity);
    for (const l of this.#caListeners) l(next.ca);
    return true;
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.#identityListeners.add(listener);
    // Later, not now: grpc-js registers the server's watcher only after it adds this listener.
    process.nextTick(() => {
      if (this.#identityListeners.has(listener)) listener(this.#current.identity);
    });
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.#identityListeners.delete(listener);
  }

  addCaCertificateListener(listener: CaListener): void {
    this.#caListeners.add(listener);
    process.nextTick(() => {
      if (this.#caListeners.has(listener)) listener(this.#current.ca);
    });
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.#caListeners.delete(listener);
  }

  #files(): Array<[string, string]> {
    const c = this.#config;
    const files: Array<[string, string]> = [
      ["cert_file", c.certFile],
      ["key_file", c.keyFile],
    ];
    if (c.clientCaFile !== null) files.push(["client_ca_file", c.clientCaFile]);
    return files;
  }

  /** What changes when a file is replaced: inode, size and mtime of each (symlinks followed). */
  #stamp(): string {
    return this.#files()
      .map(([key, path]) => {
        try {
          const s = statSync(path);
          return `${s.ino}:${s.size}:${s.mtimeMs}`;
        } catch (e: unknown) {
          throw new Error(`server.grpc.tls.${key}: cannot read ${path}: ${toError(e).message}`);
        }
      })
      .join("|");
  }

  #load(): Loaded {
    const stamp = this.#stamp();
    const read = (key: string, path: string): Buffer => {
      try {
        return readFileSync(path);
      } catch (e: unknown) {
        throw new Error(`server.grpc.tls.${key}: cannot read ${path}: ${toError(e).message}`);
      }
    };
    const [[, certPath], [, keyPath]] = this.#files() as [[string, string], [string, string]];
    const certificate = read("cert_file", certPath);
    const privateKey = read("key_file", keyPath);
    const caPath = this.#config.clientCaFile;
    const caCertificate = caPath === null ? null : read("client_ca_file", caPath);
    try {
      // What the TLS server will do with them, so a bad set fails here and not at the next handshake.
      createSecureContext({ cert: certificate, key: privateKey, ca: caCertificate ?? undefined });
    } catch (e: unknown) {
      throw new Error(`server.grpc.tls: ${certPath} and ${keyPath} do not load: ${toError(e).message}`);
    }
    return {
      stamp,
      identity: { certificate, privateKey },
      ca: caCertificate === null ? null : { caCertificate },
    };
  }
}
