// npm run pack:client [-- --out DIR]: the TypeScript client as an npm package a bot installs with
// `npm install ./vigil-client-<version>.tgz`. The name `vigil` on npm is another project's, so the
// package is @vigil-sidecar/client. It holds the compiled client (src/client, the generated types
// and src/proto.ts that loads the .proto files at run time), its declarations and proto/vigil/v1.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { out: { type: "string" } } });
const out = resolve(values.out ?? root);
const rootPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const stage = mkdtempSync(join(tmpdir(), "vigil-client-pack-"));
try {
  // tsc follows the imports of src/client/index.ts: the client, src/proto.ts and the generated
  // types, nothing of the sidecar; rootDir src keeps proto.js in dist/ so protoDir() finds ../proto.
  const tsconfig = join(stage, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(root, "tsconfig.json"),
      compilerOptions: {
        rootDir: join(root, "src"),
        outDir: join(stage, "dist"),
        declaration: true,
        sourceMap: false,
        noEmit: false,
        // The types resolve from the repository, not from the staging directory.
        typeRoots: [join(root, "node_modules", "@types")],
      },
      include: [],
      files: [join(root, "src", "client", "index.ts")],
    }),
  );
  execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig], {
    stdio: "inherit",
  });
  rmSync(tsconfig);
  mkdirSync(join(stage, "proto", "vigil"), { recursive: true });
  cpSync(join(root, "proto", "vigil", "v1"), join(stage, "proto", "vigil", "v1"), { recursive: true });
  const deps = {};
  for (const name of ["@grpc/grpc-js", "@grpc/proto-loader"]) deps[name] = rootPkg.dependencies[name];
  const pkg = {
    name: "@vigil-sidecar/client",
    version: rootPkg.version,
    description: "TypeScript client for Vigil, the OpenTelemetry-native observability sidecar for bots",
    type: "module",
    license: rootPkg.license,
    engines: rootPkg.engines,
    main: "./dist/client/index.js",
    types: "./dist/client/index.d.ts",
    exports: {
      ".": { types: "./dist/client/index.d.ts", default: "./dist/client/index.js" },
      "./package.json": "./package.json",
    },
    files: ["dist", "proto"],
    dependencies: deps,
  };
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(
    join(stage, "README.md"),
    '# @vigil-sidecar/client\n\nThe TypeScript client of Vigil: `import { VigilClient } from "@vigil-sidecar/client"`.\nSee Vigil\'s README, section *From TypeScript*.\n',
  );
  mkdirSync(out, { recursive: true });
  const packed = execFileSync("npm", ["pack", "--silent", "--pack-destination", out], {
    cwd: stage,
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop();
  const target = join(out, `vigil-client-${rootPkg.version}.tgz`);
  renameSync(join(out, packed), target);
  process.stdout.write(`${target}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
