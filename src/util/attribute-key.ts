/**
 * The one key of an attribute set, wherever a set is identified: a metric series (src/metrics/),
 * a series of an alert rule's window and an alert's label set, whose fingerprint is this key
 * hashed (src/alerts/labels.ts). Each attribute is `key \u0000 value \u0001`, in sorted key
 * order (UTF-16 code units, as Array.prototype.sort), so equal sets give equal keys in every
 * process and after every restart; the separators cannot occur in a valid key.
 */

/** Reused by the key functions: sorting into it allocates nothing per call. */
const scratch: string[] = [];

/**
 * Insertion-sorts the keys of `attrs` into `scratch`; their number, or -1 past `max`. For-in and a
 * reused array: Object.keys + sort allocated per point and showed in the metrics ingest profile.
 */
function sortKeys(attrs: Readonly<Record<string, string>>, max: number): number {
  let n = 0;
  for (const k in attrs) {
    if (n === max) return -1;
    let i = n++;
    while (i > 0 && (scratch[i - 1] as string) > k) {
      scratch[i] = scratch[i - 1] as string;
      i--;
    }
    scratch[i] = k;
  }
  return n;
}

/** The key of an attribute set (see the module's comment). */
export function attributeKey(attrs: Readonly<Record<string, string>>): string {
  const n = sortKeys(attrs, Number.POSITIVE_INFINITY);
  let out = "";
  for (let i = 0; i < n; i++) {
    const k = scratch[i] as string;
    out += `${k}\u0000${attrs[k] as string}\u0001`;
  }
  return out;
}

/** Bounds of a checked attribute set. */
export interface AttributeLimits {
  maxAttributes: number;
  maxKeyLength: number;
  maxValueLength: number;
}

/**
 * attributeKey, or null when the set is out of `limits` (too many attributes, an empty or too long
 * key, a too long value). Building the key also validates, so a hot path walks its attributes once.
 */
export function checkedAttributeKey(
  attrs: Readonly<Record<string, string>>,
  limits: AttributeLimits,
): string | null {
  const n = sortKeys(attrs, limits.maxAttributes);
  if (n < 0) return null;
  let out = "";
  for (let i = 0; i < n; i++) {
    const k = scratch[i] as string;
    const v = attrs[k] as string;
    if (k.length === 0 || k.length > limits.maxKeyLength || v.length > limits.maxValueLength) return null;
    out += `${k}\u0000${v}\u0001`;
  }
  return out;
}
