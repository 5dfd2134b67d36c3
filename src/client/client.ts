import { credentials, InterceptingCall, type Interceptor, type Metadata } from "@grpc/grpc-js";
import type { AdminServiceClient } from "../generated/vigil/v1/AdminService.js";
import type { AlertServiceClient } from "../generated/vigil/v1/AlertService.js";
import type { HeartbeatServiceClient } from "../generated/vigil/v1/HeartbeatService.js";
import type { MetricsServiceClient } from "../generated/vigil/v1/MetricsService.js";
import type { RouterServiceClient } from "../generated/vigil/v1/RouterService.js";
import { loadVigilProto } from "../proto.js";

export interface VigilStubs {
  heartbeat: HeartbeatServiceClient;
  metrics: MetricsServiceClient;
  router: RouterServiceClient;
  alerts: AlertServiceClient;
  admin: AdminServiceClient;
  close(): void;
}

/** How a client proves itself and checks the server: a bearer token, TLS, mTLS. */
export interface ClientSecurity {
  token?: string;
  /** TLS to a Vigil with `server.grpc.tls`: the CA that signed its certificate, and for mTLS this client's pair. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

/**
 * Typed clients for every Vigil service over one channel (default
 * 127.0.0.1:7070). `auth.token` is sent as `authorization: Bearer <token>` on
 * every call (a Vigil with `server.auth` requires it); `auth.tls` connects over
 * TLS (a Vigil with `server.grpc.tls`).
 */
export function createVigilClient(
  address = "127.0.0.1:7070",
  options: Record<string, unknown> = {},
  auth: ClientSecurity = {},
): VigilStubs {
  const v1 = loadVigilProto().proto.vigil.v1;
  const tls = auth.tls;
  const creds = tls
    ? credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null)
    : credentials.createInsecure();
  const token = auth.token;
  const interceptors: Interceptor[] = token
    ? [
        (opts, nextCall) =>
          new InterceptingCall(nextCall(opts), {
            start: (metadata, listener, next) => {
              metadata.set("authorization", `Bearer ${token}`);
              next(metadata, listener);
            },
          }),
      ]
    : [];
  const own = { ...options, interceptors };
  const heartbeat = new v1.HeartbeatService(address, creds, own);
  const channelOverride = heartbeat.getChannel();
  const shared = { ...own, channelOverride };
  return {
    heartbeat,
    metrics: new v1.MetricsService(address, creds, shared),
    router: new v1.RouterService(address, creds, shared),
    alerts: new v1.AlertService(address, creds, shared),
    admin: new v1.AdminService(address, creds, shared),
    close: () => heartbeat.close(),
  };
}

/**
 * Promise form of a unary call on a bound client method:
 * `await call<BeatRequest, BeatResponse__Output>(c.heartbeat.Beat.bind(c.heartbeat), req)`.
 */
export function call<Req, Res>(
  fn: (...args: never[]) => unknown,
  req: Req,
  metadata?: Metadata,
): Promise<Res> {
  const f = fn as unknown as (...args: unknown[]) => unknown;
  return new Promise((resolve, reject) => {
    const cb = (e: Error | null, r?: Res) => (e ? reject(e) : resolve(r as Res));
    if (metadata) f(req, metadata, cb);
    else f(req, cb);
  });
}
