import type { Metadata } from "@grpc/grpc-js";
import { principalOf } from "./handler.js";

/**
 * Who is calling, for per-client limits (router.client_rate_limit, server.limits), and how error
 * messages and logs name it.
 *
 * With bearer tokens on, the token's name and nothing else: `vigil-client` is the caller's own claim,
 * so keying on it let one token take a fresh bucket per value, or spend another token's bucket by
 * sending its value. The name comes from the auth interceptor, which removes a client's own
 * `vigil-principal` entry first, so it must run before anything that calls this.
 *
 * Without tokens nothing proves who a caller is: the key is the peer's IP plus the `vigil-client`
 * entry when the bot sets one (several processes behind one address), as `worker-1@127.0.0.1`, or the
 * IP alone. The port is left out, since a new connection would otherwise be a new bucket; and a name
 * claimed from another address is a bucket of its own, not the one it names.
 */
export function clientKey(call: { metadata: Metadata; getPeer(): string }): string {
  const principal = principalOf(call.metadata);
  if (principal !== "") return principal;
  const ip = peerIp(call.getPeer());
  const id = call.metadata.get("vigil-client")[0];
  return id ? `${String(id).slice(0, 128)}@${ip}` : ip;
}

/**
 * grpc-js gives the peer as `address:port` (`::1:50000` for IPv6, unbracketed), or the address alone
 * without a port (`unknown` without one). An IPv4 client of a dual-stack listener shows as
 * `::ffff:a.b.c.d`; that is the same client as `a.b.c.d`.
 */
export function peerIp(peer: string): string {
  const m = /^(.+):\d+$/.exec(peer);
  const ip = m ? (m[1] as string) : peer;
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
}
