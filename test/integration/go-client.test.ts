import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { ROOT, spawnVigil, type VigilProcess, waitStarted } from "../helpers/process.js";

const run = promisify(execFile);
const TOKEN = "go-client-test-token-7f3a9c";
/** Go's build cache is safe to share between builds; a warm one takes the build from ~25 s to ~2 s. */
const GOCACHE = join(tmpdir(), "vigil-go-build-cache");

/**
 * Builds a Go program offline in GOPATH mode with Debian's Go packages, as a bot would: the client
 * package copied to GOPATH/src/vigil/clients/go (its documented import path), `main` beside it.
 */
async function goBuild(mainDir: string, out: string): Promise<string> {
  const gopath = join(out, "gopath");
  await mkdir(join(gopath, "src/vigil/clients"), { recursive: true });
  await cp(join(ROOT, "clients/go"), join(gopath, "src/vigil/clients/go"), { recursive: true });
  await cp(mainDir, join(gopath, "src/go-client-test"), { recursive: true });
  const bin = join(out, "go-client-test");
  await run("go", ["build", "-o", bin, "."], {
    cwd: join(gopath, "src/go-client-test"),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GOPATH: `${gopath}:/usr/share/gocode`,
      GO111MODULE: "off",
      GOPROXY: "off",
      GOFLAGS: "",
      GOCACHE,
    },
    timeout: 300_000,
  });
  return bin;
}

function vigilConfig(dir: string, grpcPort: number): string {
  return `server:
  grpc: { address: "127.0.0.1:${grpcPort}" }
  http: { address: "127.0.0.1:0" }
  auth: { tokens_file: ${JSON.stringify(join(dir, "tokens"))} }
data_dir: ${JSON.stringify(join(dir, "data"))}
router:
  destinations:
    - { name: consumers, kind: subscriber, ack_timeout: "5s" }
    - { name: basic, kind: subscriber, ack_timeout: "5s", retry: { initial: "50ms", max: "200ms" } }
  routes:
    - { match: { topic: "orders.>" }, to: [consumers] }
    - { match: { topic: "basic.>" }, to: [basic] }
`;
}

describe("the Go client (clients/go)", () => {
  test("the committed stubs are what scripts/gen-go.sh makes from proto/", async () => {
    const fresh = await mkdtemp(join(tmpdir(), "vigil-go-stubs-"));
    try {
      await run("bash", ["scripts/gen-go.sh", fresh], { cwd: ROOT });
      const committedDir = join(ROOT, "clients/go/vigilv1");
      const names = (await readdir(fresh)).sort();
      assert.deepEqual(
        (await readdir(committedDir)).filter((f) => f.endsWith(".pb.go")).sort(),
        names,
        "clients/go/vigilv1 has other files than scripts/gen-go.sh makes: run scripts/gen-go.sh",
      );
      const stale: string[] = [];
      for (const f of names) {
        const [a, b] = await Promise.all([
          readFile(join(fresh, f), "utf8"),
          readFile(join(committedDir, f), "utf8"),
        ]);
        if (a !== b) stale.push(f);
      }
      assert.deepEqual(stale, [], "stale Go stubs: run scripts/gen-go.sh and commit clients/go/vigilv1");
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  test(
    "a Go program uses every part against a real Vigil, restarted while it publishes and consumes",
    { timeout: 400_000 },
    async (t) => {
      const dir = await mkdtemp(join(tmpdir(), "vigil-go-client-"));
      let vigil: VigilProcess | null = null;
      try {
        const bin = await goBuild(join(ROOT, "test/integration/go"), dir);
        await writeFile(join(dir, "tokens"), `go-bot: ${TOKEN}\n`, { mode: 0o600 });
        const config = join(dir, "vigil.yaml");
        await writeFile(config, vigilConfig(dir, 0));
        vigil = spawnVigil(["run", "--config", config]);
        const started = await waitStarted(vigil);
        // The restarted Vigil listens where the client already dials.
        await writeFile(config, vigilConfig(dir, started.grpc));

        const bot = spawn(bin, [], {
          env: { PATH: process.env.PATH, VIGIL_ADDRESS: `127.0.0.1:${started.grpc}`, VIGIL_TOKEN: TOKEN },
          stdio: ["pipe", "pipe", "pipe"],
        });
        const lines: Array<Record<string, unknown>> = [];
        let stderr = "";
        bot.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        const exited = new Promise<number | null>((resolve) => bot.on("exit", (code) => resolve(code)));
        let restart: Promise<void> | null = null;
        let restartError: unknown = null;
        let buf = "";
        bot.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          const parts = buf.split("\n");
          buf = parts.pop() ?? "";
          for (const l of parts) {
            const rec = JSON.parse(l) as Record<string, unknown>;
            lines.push(rec);
            if (rec.event === "published" && (rec.acked as number) >= 50 && restart === null) {
              restart = (async () => {
                // The metric points went to this Vigil: read them before it goes.
                const text = await (await fetch(`http://127.0.0.1:${started.http}/metrics`)).text();
                const ours = text
                  .split("\n")
                  .filter((l) => l.startsWith("go_client_"))
                  .join("\n");
                assert.match(ours, /^go_client_orders_total\{[^}]*lang="go"[^}]*\} 2$/m);
                assert.match(ours, /^go_client_queue\{[^}]*lang="go"[^}]*\} -1$/m);
                assert.match(ours, /^go_client_temperature\{[^}]*lang="go"[^}]*\} 21.5$/m);
                assert.match(ours, /^go_client_latency_count\{[^}]*lang="go"[^}]*\} 1$/m);
                assert.match(ours, /^go_client_batched_total\{[^}]*lang="go"[^}]*\} 501$/m);
                const first = vigil as VigilProcess;
                first.child.kill("SIGKILL");
                await first.exited;
                vigil = spawnVigil(["run", "--config", config]);
                await waitStarted(vigil);
                bot.stdin.write("restarted\n");
              })().catch((e: unknown) => {
                // Without its restart the program would wait for one: end it, and fail with why.
                restartError = e;
                bot.kill("SIGKILL");
              });
            }
          }
        });
        const code = await exited;
        await restart;
        if (restartError) throw restartError;
        const failed = lines.filter((l) => "check" in l && l.ok !== true);
        assert.deepEqual(failed, [], `go client checks failed; stderr:\n${stderr}`);
        assert.equal(code, 0, stderr);
        assert.notEqual(restart, null, "Vigil was never restarted");
        const checks = lines.filter((l) => "check" in l).length;
        assert.ok(checks >= 40, `only ${checks} checks ran`);
        t.diagnostic(`${checks} checks; ${JSON.stringify(lines.find((l) => "summary" in l)?.summary)}`);
      } finally {
        const last = vigil as VigilProcess | null;
        last?.child.kill("SIGTERM");
        await last?.exited;
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
