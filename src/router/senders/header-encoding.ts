/**
 * How message fields travel in HTTP and NATS headers. Both refuse CR, LF and
 * other control characters, Node refuses anything above U+00FF and nats.js
 * trims the ends of a value, so a message field is never put in a header as
 * it is unless it survives unchanged. The rule, one for both transports:
 *
 * - A value of printable ASCII (U+0021–U+007E, with inner spaces) that does
 *   not start with `UTF-8''` is sent as it is.
 * - Any other value is sent as an RFC 8187 ext-value: `UTF-8''` and its UTF-8
 *   bytes, percent-encoded except RFC 8187 attr-chars. A receiver decodes a
 *   value that starts with `UTF-8''` (any case) with `decodeURIComponent` on
 *   the rest; a value that already looks encoded is encoded again, so the
 *   rule is lossless.
 *
 * Header names from a message (attribute keys) must be RFC 7230 tokens; that
 * is checked when the message is published (src/api/router-api.ts).
 */

const EXT_PREFIX = /^utf-8''/i;
const HEX = "0123456789ABCDEF";

/** RFC 8187 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~". */
const ATTR_CHAR = (() => {
  const t = new Uint8Array(128);
  for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")
    t[c.charCodeAt(0)] = 1;
  return t;
})();

/** RFC 7230 tchar: ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~". */
const TCHAR = (() => {
  const t = new Uint8Array(128);
  for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~")
    t[c.charCodeAt(0)] = 1;
  return t;
})();

/** The characters an attribute key may use, for error messages and the README. */
export const TOKEN_CHARS = "letters, digits and !#$%&'*+-.^_`|~";

/** An RFC 7230 token (a valid HTTP header name, and a valid NATS header key): 1+ tchars. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

/** Only U+0020–U+007E: what a header carries byte for byte (content types). */
export function isPrintableAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** True when `v` goes into a header unchanged (see the rule above). */
function isPlain(v: string): boolean {
  const n = v.length;
  if (n === 0) return true;
  if (v.charCodeAt(0) === 0x20 || v.charCodeAt(n - 1) === 0x20) return false;
  if (!isPrintableAscii(v)) return false;
  return !EXT_PREFIX.test(v);
}

/** A message field as a header value, by the rule above. */
export function headerValue(v: string): string {
  if (isPlain(v)) return v;
  // Buffer turns a lone surrogate into U+FFFD rather than throwing as encodeURIComponent would.
  const bytes = Buffer.from(v, "utf8");
  let out = "UTF-8''";
  for (const b of bytes) {
    if (b < 128 && ATTR_CHAR[b] === 1) out += String.fromCharCode(b);
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}
