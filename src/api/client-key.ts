import type { Metadata } from "@grpc/grpc-js";

/**
 * Who is calling, for per-client limits (router.client_rate_limit, server.limits): the `vigil-client`
 * metadata entry when the bot sets one (several processes behind one address), else the connection's
 * peer address.
 */
export function clientKey(call: { metadata: Metadata; getPeer(): string }): string {
  const id = call.metadata.get("vigil-client")[0];
  return id ? String(id).slice(0, 128) : call.getPeer();
}
