import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import {
  ROOT,
  runVigil,
  spawnVigil,
  type VigilProcess,
  waitStarted,
  writeTestConfig,
} from "../helpers/process.js";

const run = promisify(execFile);

/**
 * The TypeScript client outside this repository: `npm run pack:client` makes a tarball that installs
 * into a fresh project from the npm cache alone, and a script there talks to a real Vigil.
 */
describe("npm run pack:client", () => {
  let dir: string;
  let vigil: VigilProcess;
  let address: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "vigil-client-pack-"));
    const file = await writeTestConfig(dir, "config: { watch: false }\n");
    vigil = spawnVigil(["run", "--config", file]);
    address = `127.0.0.1:${(await waitStarted(vigil)).grpc}`;
  });
  after(async () => {
    vigil.child.kill("SIGKILL");
    await vigil.exited;
    await rm(dir, { recursive: true, force: true });
  });

  test("the packed client installs offline and beats, publishes and reads status against a real Vigil", async () => {
    const out = join(dir, "dist");
    await run("npm", ["run", "pack:client", "--", "--out", out], { cwd: ROOT, timeout: 120_000 });
    const tarballs = (await readdir(out)).filter((f) => f.endsWith(".tgz"));
    assert.deepEqual(tarballs, ["vigil-client-0.1.0.tgz"]);
    const tarball = join(out, tarballs[0] as string);
    const { stdout: listing } = await run("tar", ["-tzf", tarball]);
    assert.match(listing, /package\/dist\/client\/index\.js/);
    assert.match(listing, /package\/dist\/client\/index\.d\.ts/);
    assert.match(listing, /package\/proto\/vigil\/v1\/heartbeat\.proto/);
    assert.doesNotMatch(listing, /package\/dist\/(sidecar|main|server)/, "only the client and what it loads");

    const bot = join(dir, "bot");
    await run("mkdir", ["-p", bot]);
    await writeFile(
      join(bot, "package.json"),
      '{ "name": "bot", "version": "1.0.0", "type": "module", "private": true }\n',
    );
    // Offline first: the dependencies' tarballs are in the cache `npm ci` filled. npm ci fetches no
    // packuments, though, and resolving a package without a lockfile needs them: on a cold cache
    // the install may ask the registry for those alone (--prefer-offline).
    const install = (mode: string) =>
      run("npm", ["install", mode, "--no-audit", "--no-fund", tarball], { cwd: bot, timeout: 120_000 });
    await install("--offline").catch((e: { stderr?: string }) => {
      if (!/ENOTCACHED/.test(e.stderr ?? "")) throw e;
      return install("--prefer-offline");
    });
    await writeFile(
      join(bot, "bot.mjs"),
      `import { VigilClient, createVigilClient, call } from "@vigil-sidecar/client";
const vigil = new VigilClient({ address: process.argv[2], clientName: "packed-bot" });
const beat = await vigil.beat("packed-worker", { intervalMs: 60000 });
const published = await vigil.publish("orders.created", "{}");
await vigil.close();
const stubs = createVigilClient(process.argv[2]);
const status = await call(stubs.admin.GetStatus.bind(stubs.admin), {});
stubs.close();
console.log(JSON.stringify({ state: beat?.state, id: typeof published.messageId, components: status.components.map((c) => c.name) }));
`,
    );
    const { stdout } = await run(process.execPath, ["bot.mjs", address], { cwd: bot, timeout: 30_000 });
    const result = JSON.parse(stdout);
    assert.equal(result.state, "COMPONENT_STATE_UP");
    assert.equal(result.id, "string");
    assert.deepEqual(result.components, ["packed-worker"]);
    const s = await runVigil(["status", "--address", address]);
    assert.match(s.stdout, /packed-worker\s+UP/);
  });
});
