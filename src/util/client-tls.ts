import { readFileSync } from "node:fs";

/** Outbound TLS from files (config `tls: { ca_file, cert_file, key_file }`); each null = the default. */
export interface ClientTlsFiles {
  caFile: string | null;
  certFile: string | null;
  keyFile: string | null;
}

/** The files' PEM contents as Node TLS options: a CA to trust besides the system's, a client pair for mTLS. */
export function clientTlsOptions(tls: ClientTlsFiles): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  return {
    ca: tls.caFile ? readFileSync(tls.caFile) : undefined,
    cert: tls.certFile ? readFileSync(tls.certFile) : undefined,
    key: tls.keyFile ? readFileSync(tls.keyFile) : undefined,
  };
}

/** True when any file is set. */
export function hasClientTls(tls: ClientTlsFiles): boolean {
  return tls.caFile !== null || tls.certFile !== null || tls.keyFile !== null;
}
