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

export function safeDeserializer<T>(decode: (buf: Buffer) => T): (buf: Buffer) => T | DecodeFailure {
  return (buf) => {
    try {
      return decode(buf);
    } catch (e) {
      return new DecodeFailure(e instanceof Error ? e.message : String(e));
    }
  };
}
