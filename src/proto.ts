import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPackageDefinition } from "@grpc/grpc-js";
import { loadSync, type Options, type PackageDefinition } from "@grpc/proto-loader";
import type { ProtoGrpcType as AdminProto } from "./generated/admin.js";
import type { ProtoGrpcType as AlertProto } from "./generated/alert.js";
import type { ProtoGrpcType as HeartbeatProto } from "./generated/heartbeat.js";
import type { ProtoGrpcType as MetricsProto } from "./generated/metrics.js";
import type { ProtoGrpcType as RouterProto } from "./generated/router.js";

/** Must match the flags in scripts/gen-types.sh, which type what this loads. */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: false,
  arrays: true,
  objects: true,
  oneofs: true,
};

export const PROTO_FILES = [
  "vigil/v1/heartbeat.proto",
  "vigil/v1/metrics.proto",
  "vigil/v1/router.proto",
  "vigil/v1/alert.proto",
  "vigil/v1/admin.proto",
];

/** proto/ next to src/ (tsx) or next to dist/ (built). */
export function protoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, "proto", "vigil", "v1", "heartbeat.proto"))) return join(dir, "proto");
    dir = dirname(dir);
  }
  throw new Error("cannot find proto/vigil/v1 next to Vigil's code");
}

export type VigilProto = HeartbeatProto & MetricsProto & RouterProto & AlertProto & AdminProto;

export function loadVigilProto(): { definition: PackageDefinition; proto: VigilProto } {
  const definition = loadSync(PROTO_FILES, { ...PROTO_LOADER_OPTIONS, includeDirs: [protoDir()] });
  return { definition, proto: loadPackageDefinition(definition) as unknown as VigilProto };
}
