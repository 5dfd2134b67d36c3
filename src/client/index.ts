/**
 * `import { VigilClient } from "vigil/client"`: the client library for TypeScript bots.
 * VigilClient rides out Vigil restarts (retries, buffers, re-subscribes); createVigilClient gives the
 * plain typed gRPC stubs of every service.
 */

export type { Delivery__Output as Delivery } from "../generated/vigil/v1/Delivery.js";
export type { MetricPoint } from "../generated/vigil/v1/MetricPoint.js";
export { type ClientSecurity, call, createVigilClient, type VigilStubs } from "./client.js";
export {
  type BeatOptions,
  type ClientStats,
  type DeliveryHandler,
  PublishError,
  type PublishOptions,
  type SubscribeOptions,
  VigilClient,
  type VigilClientOptions,
} from "./vigil-client.js";
