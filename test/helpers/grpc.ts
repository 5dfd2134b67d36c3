import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  type Client,
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";

const require = createRequire(import.meta.url);

function load(file: string, includeDir: string): GrpcObject {
  return loadPackageDefinition(
    loadSync(file, { keepCase: true, longs: Number, enums: String, includeDirs: [includeDir] }),
  );
}

type AnyClient = Client & Record<string, (...args: unknown[]) => unknown>;

/** A grpc.health.v1 client, loaded from the proto grpc-health-check ships. */
export function healthClient(address: string): AnyClient {
  const dir = join(dirname(require.resolve("grpc-health-check/package.json")), "proto");
  const pkg = load("health/v1/health.proto", dir) as {
    grpc: { health: { v1: { Health: ServiceClientConstructor } } };
  };
  return new pkg.grpc.health.v1.Health(address, credentials.createInsecure()) as unknown as AnyClient;
}

/** A grpc.reflection.v1 client, loaded from the proto @grpc/reflection ships. */
export function reflectionClient(address: string): AnyClient {
  const dir = join(dirname(require.resolve("@grpc/reflection")), "..", "proto");
  const pkg = load("grpc/reflection/v1/reflection.proto", dir) as {
    grpc: { reflection: { v1: { ServerReflection: ServiceClientConstructor } } };
  };
  return new pkg.grpc.reflection.v1.ServerReflection(
    address,
    credentials.createInsecure(),
  ) as unknown as AnyClient;
}

/** Promise form of a unary call on an untyped client. */
export function unaryCall<T>(client: AnyClient, method: string, req: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    (client[method] as (r: unknown, cb: (e: Error | null, v: T) => void) => void).call(client, req, (e, v) =>
      e ? reject(e) : resolve(v),
    );
  });
}
