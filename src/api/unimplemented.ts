import { status } from "@grpc/grpc-js";

/**
 * A method of the contract this version does not implement yet: UNIMPLEMENTED
 * with a message naming it, for every call shape (a unary or client-streaming
 * call has a callback; a server-streaming or bidi call is an emitter).
 */
// biome-ignore lint/suspicious/noExplicitAny: one handler serves every call shape of the contract
export function unimplemented(rpc: string): any {
  const details = `VIGIL_ERR_SERVER_UNIMPLEMENTED: ${rpc} is not implemented in this version of Vigil`;
  return (call: { emit(event: "error", e: unknown): void }, callback?: (e: unknown) => void) => {
    const err = { code: status.UNIMPLEMENTED, details };
    if (typeof callback === "function") callback(err);
    else call.emit("error", err);
  };
}
