/**
 * What a request deserializer returns for bytes it cannot decode. grpc-js would
 * answer a throwing deserializer with INTERNAL; the handler wrappers turn this
 * into INVALID_ARGUMENT instead, and count it.
 */
export class DecodeFailure {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** The size on the wire of a decoded request message (server.limits counts bytes per client by it). */
export const WIRE_BYTES: unique symbol = Symbol("vigil.wireBytes");

/** A request's size on the wire, 0 when unknown. */
export function wireBytes(message: unknown): number {
  return (message as { [WIRE_BYTES]?: number } | null)?.[WIRE_BYTES] ?? 0;
}

export function safeDeserializer<T>(decode: (buf: Buffer) => T): (buf: Buffer) => T | DecodeFailure {
  return (buf) => {
    try {
      const m = decode(buf);
      if (m !== null && typeof m === "object") (m as { [WIRE_BYTES]?: number })[WIRE_BYTES] = buf.length;
      return m;
    } catch (e) {
      return new DecodeFailure(e instanceof Error ? e.message : String(e));
    }
  };
}
