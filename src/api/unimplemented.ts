import { status } from "@grpc/grpc-js";
import type { ServerSurfaceCall } from "@grpc/grpc-js/build/src/server-call.js";

/**
 * A method of the contract this version does not implement yet: UNIMPLEMENTED
 * with a message naming it, for every call shape (unary, streaming).
 */
// biome-ignore lint/suspicious/noExplicitAny: one handler serves every call shape of the contract
export function unimplemented(rpc: string): any {
  const details = `VIGIL_ERR_SERVER_UNIMPLEMENTED: ${rpc} is not implemented in this version of Vigil`;
  return (call: ServerSurfaceCall & { on?: unknown; emit?: unknown }, callback?: (e: unknown) => void) => {
    const err = { code: status.UNIMPLEMENTED, details };
    if (typeof callback === "function") callback(err);
    else (call as unknown as { emit(ev: string, e: unknown): void }).emit("error", err);
  };
}
