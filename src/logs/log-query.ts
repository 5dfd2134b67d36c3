import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import pino from "pino";

export interface LogQuery {
  /** Inclusive bounds, ms since the epoch; null = open. */
  from: number | null;
  to: number | null;
  /** Minimum pino level number (30 = info); 0 = any. */
  minLevel: number;
  /** Substring the record's JSON must contain. */
  contains: string;
  /** The record's `component` field must equal this. */
  component: string;
  limit: number;
  newestFirst: boolean;
}

export interface QueriedRecord {
  time: number;
  level: number;
  message: string;
  component: string;
  json: string;
  traceId: string;
  spanId: string;
  file: string;
}

const NL = 0x0a;
const FILE = /^vigil(-\d{8}T\d{6,9}Z-\d+)?\.jsonl$/;

/**
 * Reads the local log files as streams, line by line, so memory does not depend
 * on file sizes: oldest-first emits as it reads; newest-first keeps at most
 * `limit` matches of a file in a ring before emitting them in reverse. Cheap
 * checks (substring, time) run on the raw line before it is parsed.
 */
export async function* queryLogs(dir: string, q: LogQuery): AsyncGenerator<QueriedRecord> {
  let files: Array<{ path: string; mtimeMs: number }>;
  try {
    const names = (await readdir(dir)).filter((n) => FILE.test(n));
    files = await Promise.all(
      names.map(async (n) => ({ path: join(dir, n), mtimeMs: (await stat(join(dir, n))).mtimeMs })),
    );
  } catch {
    return;
  }
  // Written order: rotated files by name (time, then sequence), the active file last.
  files.sort((a, b) => order(a.path) - order(b.path) || a.path.localeCompare(b.path));
  if (q.newestFirst) files.reverse();
  let emitted = 0;
  for (const f of files) {
    if (q.from !== null && f.mtimeMs < q.from) continue;
    if (!q.newestFirst) {
      for await (const r of matches(f.path, q)) {
        yield r;
        if (++emitted >= q.limit) return;
      }
      continue;
    }
    const ring: QueriedRecord[] = [];
    let next = 0;
    for await (const r of matches(f.path, q)) {
      if (ring.length < q.limit) ring.push(r);
      else ring[next] = r;
      next = (next + 1) % q.limit;
    }
    const ordered = ring.length < q.limit ? ring : [...ring.slice(next), ...ring.slice(0, next)];
    for (let i = ordered.length - 1; i >= 0; i--) {
      yield ordered[i] as QueriedRecord;
      if (++emitted >= q.limit) return;
    }
  }
}

function order(path: string): number {
  return basename(path) === "vigil.jsonl" ? 1 : 0;
}

async function* matches(path: string, q: LogQuery): AsyncGenerator<QueriedRecord> {
  const file = basename(path);
  // Bytes, not strings: with a substring, the search runs on the raw bytes and
  // only matching lines are decoded (most of a scan's time was UTF-8 decoding).
  const needle = q.contains ? Buffer.from(q.contains) : null;
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    const end = buf.lastIndexOf(NL);
    if (end === -1) {
      rest = buf;
      continue;
    }
    if (needle !== null) {
      let pos = 0;
      for (;;) {
        const hit = buf.indexOf(needle, pos);
        if (hit === -1 || hit > end) break;
        const ls = buf.lastIndexOf(NL, hit) + 1;
        const le = buf.indexOf(NL, hit);
        const r = match(buf.toString("utf8", ls, le), q, file);
        if (r) yield r;
        pos = le + 1;
      }
    } else {
      let start = 0;
      while (start <= end) {
        const nl = buf.indexOf(NL, start);
        const r = match(buf.toString("utf8", start, nl), q, file);
        if (r) yield r;
        start = nl + 1;
      }
    }
    rest = Buffer.from(buf.subarray(end + 1));
  }
  if (rest.length > 0) {
    const r = match(rest.toString("utf8"), q, file);
    if (r) yield r;
  }
}

function match(line: string, q: LogQuery, file: string): QueriedRecord | null {
  if (line.length === 0) return null;
  if (q.contains && !line.includes(q.contains)) return null;
  let time = Number.NaN;
  const t = line.indexOf('"time":"');
  if (t !== -1) time = Date.parse(line.slice(t + 8, line.indexOf('"', t + 8)));
  if (q.from !== null && !(time >= q.from)) return null;
  if (q.to !== null && !(time <= q.to)) return null;
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  const level = typeof rec.level === "number" ? rec.level : (pino.levels.values[String(rec.level)] ?? 0);
  if (level < q.minLevel) return null;
  const component = typeof rec.component === "string" ? rec.component : "";
  if (q.component && component !== q.component) return null;
  return {
    time,
    level,
    message: typeof rec.msg === "string" ? rec.msg : "",
    component,
    json: line,
    traceId: typeof rec.trace_id === "string" ? rec.trace_id : "",
    spanId: typeof rec.span_id === "string" ? rec.span_id : "",
    file,
  };
}
