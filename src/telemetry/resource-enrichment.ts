import protobuf from "protobufjs/minimal.js";

/**
 * Fills in the pod's identity on a bot's OTLP request: every resource entry's Resource gets the
 * attributes Vigil is configured with (OTEL_RESOURCE_ATTRIBUTES, bot.attributes; never service.name)
 * that it does not have already. What the bot set is never overwritten.
 *
 * Protobuf requests are edited on the wire, without a schema library: the request's field 1 is each
 * Resource{Spans,Metrics,Logs}, whose field 1 is its Resource, whose field 1 is each KeyValue
 * (key = 1, value = 2: AnyValue with string_value = 1) — the layout all three OTLP signals share.
 * Other fields are copied as they came.
 */
export class ResourceEnrichment {
  readonly #attrs: Array<[string, string]>;

  constructor(attributes: Record<string, string>) {
    this.#attrs = Object.entries(attributes).filter(([k]) => k !== "service.name");
  }

  get empty(): boolean {
    return this.#attrs.length === 0;
  }

  /** JSON: resource.attributes of each entry of the signal's list, added where the key is missing. */
  json(request: Record<string, unknown>, listField: string): Record<string, unknown> {
    const list = request[listField];
    if (!Array.isArray(list)) return request;
    for (const entry of list as Array<Record<string, unknown>>) {
      if (entry === null || typeof entry !== "object") continue;
      entry.resource ??= {};
      const resource = entry.resource as { attributes?: Array<{ key?: string }> };
      resource.attributes ??= [];
      const attributes = resource.attributes;
      const have = new Set(attributes.map((a) => a?.key));
      for (const [key, value] of this.#attrs)
        if (!have.has(key)) attributes.push({ key, value: { stringValue: value } } as { key: string });
    }
    return request;
  }

  /** Protobuf: the same on the wire; the request comes back re-encoded only where something was added. */
  protobuf(body: Uint8Array): Uint8Array {
    const parts: Uint8Array[] = [];
    let changed = false;
    forEachField(body, (field, wire, value, raw) => {
      if (field === 1 && wire === 2) {
        const entry = this.#entry(value as Uint8Array);
        if (entry === value) parts.push(raw);
        else {
          changed = true;
          parts.push(lengthDelimited(1, entry));
        }
      } else parts.push(raw);
    });
    return changed ? Buffer.concat(parts) : body;
  }

  /** One Resource{Spans,Metrics,Logs}: its Resource (field 1) enriched, the rest as it was. */
  #entry(entry: Uint8Array): Uint8Array {
    let resource: Uint8Array | null = null;
    const rest: Uint8Array[] = [];
    forEachField(entry, (field, wire, value, raw) => {
      if (field === 1 && wire === 2 && resource === null) resource = value as Uint8Array;
      else rest.push(raw);
    });
    const have = new Set<string>();
    if (resource)
      forEachField(resource, (field, wire, value) => {
        if (field !== 1 || wire !== 2) return;
        forEachField(value as Uint8Array, (f, w, v) => {
          if (f === 1 && w === 2) have.add(Buffer.from(v as Uint8Array).toString("utf8"));
        });
      });
    const missing = this.#attrs.filter(([k]) => !have.has(k));
    if (missing.length === 0) return entry;
    const added = missing.map(([key, value]) => {
      const any = protobuf.Writer.create()
        .uint32((1 << 3) | 2)
        .string(value)
        .finish();
      const kv = protobuf.Writer.create()
        .uint32((1 << 3) | 2)
        .string(key)
        .uint32((2 << 3) | 2)
        .bytes(any)
        .finish();
      return lengthDelimited(1, kv);
    });
    const enriched = Buffer.concat([...(resource ? [resource as Uint8Array] : []), ...added]);
    return Buffer.concat([lengthDelimited(1, enriched), ...rest]);
  }
}

/** A length-delimited field: tag, length, payload. */
function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  return protobuf.Writer.create()
    .uint32((field << 3) | 2)
    .bytes(payload)
    .finish();
}

/**
 * Calls `fn` for every field of a message: its number, wire type, value (the bytes of a length-delimited
 * field, else undefined) and the field's raw bytes (tag included), to copy it unchanged.
 */
function forEachField(
  buf: Uint8Array,
  fn: (field: number, wire: number, value: Uint8Array | undefined, raw: Uint8Array) => void,
): void {
  const r = protobuf.Reader.create(buf);
  while (r.pos < r.len) {
    const start = r.pos;
    const tag = r.uint32();
    const wire = tag & 7;
    let value: Uint8Array | undefined;
    if (wire === 2) value = r.bytes();
    else r.skipType(wire);
    fn(tag >>> 3, wire, value, buf.subarray(start, r.pos));
  }
}
