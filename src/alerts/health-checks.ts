import { stat, statfs } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { performance } from "node:perf_hooks";
import type { CheckConfig } from "../config/schema.js";
import { toError } from "../errors.js";
import type { Clock } from "../util/clock.js";

/** The last result of one check. */
export interface CheckResult {
  ok: boolean;
  /** tcp, http: latency in ms; file: age in seconds; disk: free bytes. NaN when the check could not measure. */
  value: number;
  /** Why it failed; empty when ok. */
  error: string;
  at: number;
}

/**
 * Runs one custom health check (DESIGN §5): a TCP connect, an HTTP GET, the
 * age of a file, or the free space of a file system. Never rejects: every
 * failure is a result. Relative paths are resolved against the data dir.
 */
export async function runCheck(
  c: CheckConfig,
  clock: Clock,
  resolvePath: (p: string) => string,
): Promise<CheckResult> {
  const at = clock.now();
  try {
    switch (c.kind) {
      case "tcp":
        return { ...(await tcpCheck(c.address, c.timeoutMs)), at };
      case "http":
        return { ...(await httpCheck(c.url, c.expectStatus, c.timeoutMs)), at };
      case "file": {
        const st = await stat(resolvePath(c.path));
        const ageS = Math.max(0, (at - st.mtimeMs) / 1000);
        const ok = ageS * 1000 <= c.maxAgeMs;
        return { ok, value: ageS, error: ok ? "" : `last modified ${Math.round(ageS)}s ago`, at };
      }
      case "disk": {
        const fs = await statfs(resolvePath(c.path));
        const free = fs.bavail * fs.bsize;
        const ok = free >= c.minFreeBytes;
        return { ok, value: free, error: ok ? "" : `${free} bytes free, below ${c.minFreeBytes}`, at };
      }
    }
  } catch (e) {
    const err = toError(e) as NodeJS.ErrnoException;
    return {
      ok: false,
      value: Number.NaN,
      error: err.code ? `${err.code}: ${err.message}` : err.message,
      at,
    };
  }
}

function tcpCheck(address: string, timeoutMs: number): Promise<Omit<CheckResult, "at">> {
  const i = address.lastIndexOf(":");
  const host = address.slice(0, i).replace(/^\[|\]$/g, "") || "127.0.0.1";
  const port = Number(address.slice(i + 1));
  const t0 = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (error: string) => {
      socket.destroy();
      clearTimeout(timer);
      resolve({ ok: error === "", value: error === "" ? performance.now() - t0 : Number.NaN, error });
    };
    const timer = setTimeout(() => done(`connect timed out after ${timeoutMs} ms`), timeoutMs);
    socket.once("connect", () => done(""));
    socket.once("error", (e: NodeJS.ErrnoException) => done(`${e.code ?? ""} ${e.message}`.trim()));
  });
}

function httpCheck(
  url: string,
  expect: readonly number[],
  timeoutMs: number,
): Promise<Omit<CheckResult, "at">> {
  const t0 = performance.now();
  const get = url.startsWith("https:") ? https.get : http.get;
  return new Promise((resolve) => {
    const req = get(url, { signal: AbortSignal.timeout(timeoutMs), agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      const ok = expect.length > 0 ? expect.includes(code) : code >= 200 && code < 300;
      res.on("end", () => resolve({ ok, value: performance.now() - t0, error: ok ? "" : `HTTP ${code}` }));
      res.on("error", (e) => resolve({ ok: false, value: Number.NaN, error: e.message }));
    });
    req.on("error", (e: NodeJS.ErrnoException) =>
      resolve({
        ok: false,
        value: Number.NaN,
        error:
          e.name === "AbortError" ? `timed out after ${timeoutMs} ms` : `${e.code ?? ""} ${e.message}`.trim(),
      }),
    );
  });
}
