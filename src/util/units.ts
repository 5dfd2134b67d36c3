/** Parsers for the human units of vigil.yaml: durations ("30s") and sizes ("64MiB"). */

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const DURATION_WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const DURATION_UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** "1h30m" → 5400000. Returns undefined when the text is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const t = text.trim();
  if (t === "0") return 0;
  if (!DURATION_WHOLE.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(DURATION_PART)) {
    total += Number(m[1]) * (DURATION_UNIT_MS[m[2] ?? "ms"] ?? 1);
  }
  return Math.round(total);
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$/;
const SIZE_UNIT: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

/** "64MiB" → 67108864; a bare number is bytes. Returns undefined when not a size. */
export function parseSizeBytes(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (SIZE_UNIT[m[2] ?? "B"] ?? 1));
}

/** 5400000 → "1h30m"; used when config is shown back to people. */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
    ["ms", 1],
  ] as const) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      rest -= n * size;
      out += `${n}${unit}`;
    }
  }
  return out;
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)}${units[i]}`;
}
