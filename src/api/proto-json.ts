import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createFileRegistry,
  type DescMessage,
  type DescMethod,
  type FileRegistry,
  fromBinary,
  type JsonObject,
  type JsonWriteOptions,
  type Message,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { PackageDefinition } from "@grpc/proto-loader";
import { loadVigilProto, protoDir } from "../proto.js";

/**
 * One JSON for everything Vigil prints or serves as JSON (the Connect door, /status.json, the CLI's
 * --json): the proto3 JSON mapping as protobuf-es writes it by default — lowerCamelCase field
 * names, enum values by their full proto name (`COMPONENT_STATE_UP`), Timestamps as RFC 3339
 * strings, Durations as `"1.500s"`, 64-bit integers as strings — with every implicit field written,
 * zeros included, so a reader sees `"paused": false` rather than nothing and the key set of a
 * message does not depend on its values.
 */
export const JSON_WRITE_OPTIONS: Partial<JsonWriteOptions> = { alwaysEmitImplicit: true };

/** A method as proto-loader describes it: the (de)serializers the gRPC server and client use. */
export interface LoaderMethod {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize(value: unknown): Buffer;
  requestDeserialize(buf: Buffer): unknown;
  responseSerialize(value: unknown): Buffer;
  responseDeserialize(buf: Buffer): unknown;
}

/** A vigil.v1 method both ways: protobuf-es's descriptor and proto-loader's (de)serializers. */
export interface VigilMethod {
  desc: DescMethod;
  loader: LoaderMethod;
}

let registry: FileRegistry | null = null;
let definition: PackageDefinition | null = null;

/** The descriptors of vigil.v1 and their dependencies (proto/descriptors.binpb, by `npm run gen`). */
export function vigilRegistry(): FileRegistry {
  registry ??= createFileRegistry(
    fromBinary(FileDescriptorSetSchema, readFileSync(join(protoDir(), "descriptors.binpb"))),
  );
  return registry;
}

/** `vigil.v1.AdminService` → its methods by name; throws when either side lacks the service. */
export function vigilMethods(service: string): Map<string, VigilMethod> {
  definition ??= loadVigilProto().definition;
  const desc = vigilRegistry().getService(service);
  const loader = definition[service] as Record<string, LoaderMethod> | undefined;
  if (!desc || !loader || typeof loader !== "object") throw new Error(`no descriptor for ${service}`);
  const methods = new Map<string, VigilMethod>();
  for (const m of desc.methods) {
    const l = loader[m.name];
    if (l) methods.set(m.name, { desc: m, loader: l });
  }
  return methods;
}

/** One method of vigil.v1 by its gRPC path, `/vigil.v1.AdminService/GetStatus`. */
export function vigilMethod(path: string): VigilMethod {
  const [, service = "", name = ""] = path.split("/");
  const m = vigilMethods(service).get(name);
  if (!m) throw new Error(`no method ${path} in vigil.v1`);
  return m;
}

/**
 * A proto-loader object (what the handlers in src/api return, what the gRPC client decodes) as a
 * protobuf-es message, through the wire format: the same bytes a gRPC caller gets, so the two
 * cannot disagree on a field.
 */
export function loaderToMessage(
  schema: DescMessage,
  serialize: (value: unknown) => Buffer,
  value: unknown,
): Message {
  return fromBinary(schema, serialize(value));
}

/** The other way: a protobuf-es message as the proto-loader object a handler takes. */
export function messageToLoader(
  schema: DescMessage,
  message: Message,
  deserialize: (buf: Buffer) => unknown,
): unknown {
  const bytes = toBinary(schema, message);
  return deserialize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** A method's response, given as a proto-loader object, in the proto3 JSON mapping (above). */
export function responseJson(path: string, value: unknown): JsonObject {
  const m = vigilMethod(path);
  const message = loaderToMessage(m.desc.output, (v) => m.loader.responseSerialize(v), value);
  return toJson(m.desc.output, message, { ...JSON_WRITE_OPTIONS, registry: vigilRegistry() }) as JsonObject;
}
