/**
 * The other ways a secret is written that hide it from a pattern: as a string literal (JSON or
 * source escapes such as `\n` and `\/`, or split into pieces joined with `+`) and base64-encoded
 * (a Kubernetes Secret, a key in an environment variable, `base64 -w 76` output). The detector
 * reads each of these decoded as well, and reports what it finds there where it is written.
 */

/** A text decoded from another: `origin[i]` is where its character `i` was written, `origin[text.length]` the source's end. */
export interface DecodedText {
  text: string;
  origin: Int32Array;
}

/**
 * A closing quote, a `+` and an opening quote of the same kind, with a line break between them or
 * not (`"sk_live_…" +⏎ "…"`, Python's implicit `"…"⏎ "…"`); a backslash before a line break; an escape.
 */
const LITERAL_PARTS = /(["'`])[ \t]*(?:\+[ \t]*(?:\r?\n[ \t]*)?|\r?\n[ \t]*(?:\+[ \t]*)?)\1|\\\r?\n[ \t]*|\\(?:u([0-9a-fA-F]{4})|([nrt"'/\\]))/g;
const ESCAPED: Record<string, string> = { n: "\n", r: "\r", t: "\t" };

/** `content` with its string literals' escapes decoded and split literals joined; undefined when it has neither. */
export function literalText(content: string): DecodedText | undefined {
  const origin = new Int32Array(content.length + 1);
  let text = "";
  let copied = 0;
  const copy = (to: number) => {
    for (let i = copied; i < to; i++) origin[text.length + i - copied] = i;
    text += content.slice(copied, to);
  };
  for (const match of content.matchAll(LITERAL_PARTS)) {
    const at = match.index;
    copy(at);
    const [, , unicode, escaped] = match;
    const decoded = unicode ? String.fromCharCode(Number.parseInt(unicode, 16)) : escaped ? (ESCAPED[escaped] ?? escaped) : "";
    if (decoded) {
      origin[text.length] = at;
      text += decoded;
    }
    copied = at + match[0].length;
  }
  if (copied === 0) return undefined;
  copy(content.length);
  origin[text.length] = content.length;
  return { text, origin: origin.subarray(0, text.length + 1) };
}

/** A base64 string as it is written in a text, and what it decodes to. */
export interface Base64Run {
  start: number;
  end: number;
  /** What precedes it on its line (`  AWS_SECRET_ACCESS_KEY: `), which rules that want a keyword read first. */
  context: string;
  decoded: string;
}

/**
 * A base64 string of at least 24 characters (18 bytes, shorter than any credential the rules
 * know), standard or URL-safe; or lines of one wrapped at 60 or more characters, as `base64`
 * and `openssl base64` write it.
 */
const BASE64 =
  /(?<![A-Za-z0-9+/_-])(?:(?:[A-Za-z0-9+/]{60,}\r?\n[ \t]*)+[A-Za-z0-9+/]*={0,2}(?=[ \t]*(?:\r?\n|$|["'`]))|[A-Za-z0-9+/_-]{24,}={0,2}(?![A-Za-z0-9+/_=-]))/g;
/** Most of what a base64 string of text decodes to is printable; what random bytes decode to is not. */
const PRINTABLE_SHARE = 0.9;
const CONTEXT_CHARS = 80;

/** Every base64 string in `content` that decodes to text. */
export function base64Runs(content: string): Base64Run[] {
  const runs: Base64Run[] = [];
  for (const match of content.matchAll(BASE64)) {
    const bytes = Buffer.from(match[0].replace(/\s/g, ""), "base64");
    if (bytes.length < 16 || printableShare(bytes) < PRINTABLE_SHARE) continue;
    const lineStart = content.lastIndexOf("\n", match.index) + 1;
    runs.push({
      start: match.index,
      end: match.index + match[0].trimEnd().length,
      context: content.slice(Math.max(lineStart, match.index - CONTEXT_CHARS), match.index),
      decoded: bytes.toString("utf8"),
    });
  }
  return runs;
}

function printableShare(bytes: Uint8Array): number {
  let printable = 0;
  for (const byte of bytes) if ((byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d) printable++;
  return printable / bytes.length;
}
