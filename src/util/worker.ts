import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * Starts the worker module `name` that sits beside `from` (an import.meta.url), under the same loader:
 * `.ts` through tsx (tests run from sources), `.js` from dist/. On Node 20 a worker does not inherit the
 * parent's --import hooks, so from sources it registers the TypeScript loader first.
 */
export function startWorker(from: string, name: string, workerData: unknown): Worker {
  const ext = extname(fileURLToPath(from));
  const entry = new URL(`./${name}${ext}`, from);
  return ext === ".ts"
    ? new Worker(
        `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`,
        { eval: true, workerData },
      )
    : new Worker(entry, { workerData });
}
