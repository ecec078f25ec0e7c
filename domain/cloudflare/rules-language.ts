/**
 * An evaluator for Cloudflare's Rules language, so the bar can judge what a rule *does* by running
 * sample requests through it, instead of pattern-matching its text. It follows the documented
 * grammar (fields with `[N]`, `["key"]` and `[*]`, functions, every comparison and logical
 * operator); what it cannot evaluate faithfully — a field the sample cannot supply, a named list,
 * a regex construct JavaScript reads differently from Rust — is reported as not understood,
 * never guessed at.
 * Reference: https://developers.cloudflare.com/ruleset-engine/rules-language/ and the engine,
 * github.com/cloudflare/wirefilter (missing values, `[*]`, regex literals).
 */
import { RE2JS } from "re2js";
import { BlockList, isIPv4, isIPv6 } from "node:net";

/**
 * A request (and, for response-phase rules, its response) to run expressions against. What it
 * leaves out reads as an ordinary browser request: GET over HTTPS (HTTP/2) from 192.0.2.1, no
 * query string, not a verified bot, and a response status of 200.
 */
export interface SampleRequest {
  host: string;
  path: string;
  /** The query string, without its `?`. */
  query?: string;
  method?: string;
  /**
   * Header values by name, spelled as the client sends it (HTTP/2 clients send lower case):
   * http.request.headers["…"] finds any case, http.request.headers.names keeps it.
   */
  headers?: Record<string, string[]>;
  cookie?: string;
  ip?: string;
  ssl?: boolean;
  version?: string;
  verifiedBot?: boolean;
  response?: { contentType: string; code?: number; headers?: Record<string, string[]> };
}

export class UnsupportedExpression extends Error {}

const unsupported = (what: string) => new UnsupportedExpression(what);

// ---------------------------------------------------------------------------------------------
// Values and types

/** Cloudflare's value for an absent header, map key or array element: every comparison on it is false. */
const MISSING = Symbol("missing");

type Value = string | number | boolean | Value[] | Map<string, Value> | typeof MISSING;

/** "string", "int", "bool", "ip", "array<T>" or "map<T>"; IP addresses are held as strings. */
type Type = string;

const elementOf = (type: Type) => /^(?:array|map)<(.*)>$/.exec(type)?.[1];
const isArray = (type: Type) => type.startsWith("array<");

/** Cloudflare's lower() and upper() change ASCII letters only. */
const asciiLower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
const asciiUpper = (text: string) => text.replace(/[a-z]/g, (c) => c.toUpperCase());
const isAscii = (text: string) => /^\p{ASCII}*$/u.test(text);

// ---------------------------------------------------------------------------------------------
// Fields

type Pairs = Array<[string, string]>;

function toMap(list: Pairs, key = (name: string) => name): Map<string, Value> {
  const map = new Map<string, Value[]>();
  for (const [name, value] of list) map.set(key(name), [...(map.get(key(name)) ?? []), value]);
  return map;
}

const lower = (name: string) => name.toLowerCase();
const names = (list: Pairs) => list.map(([name]) => name);
const values = (list: Pairs) => list.map(([, value]) => value);

/**
 * Header names keep the sample's case, as Cloudflare keeps the client's (HTTP/2 clients send
 * lower case); only the keys of the header map are lower-cased.
 */
function headerPairs(source: Record<string, string[]> | undefined, implied: Record<string, string>): Pairs {
  const list = Object.entries(source ?? {}).flatMap(([name, all]) => all.map((value): [string, string] => [name, value]));
  for (const [name, value] of Object.entries(implied)) if (!list.some(([other]) => lower(other) === name)) list.push([name, value]);
  return list;
}

/** The sample states the Host and Cookie headers apart; the request carries them all the same. */
const requestHeaders = (r: SampleRequest) => headerPairs(r.headers, { host: r.host, ...(r.cookie === undefined ? {} : { cookie: r.cookie }) });

const headerText = (r: SampleRequest, name: string, separator = ", ") => values(requestHeaders(r).filter(([other]) => lower(other) === name)).join(separator);

function pairs(text: string, separator: string): Pairs {
  return text
    .split(separator)
    .map((part) => (separator === ";" ? part.trim() : part))
    .filter((item) => item !== "")
    .map((item) => {
      const equals = item.indexOf("=");
      return equals < 0 ? [item, ""] : [item.slice(0, equals), item.slice(equals + 1)];
    });
}

const cookieText = (r: SampleRequest) => r.cookie ?? headerText(r, "cookie", "; ");

/** Cookie names are URL-decoded; values and query arguments are not (fields reference). */
const cookies = (r: SampleRequest) =>
  toMap(pairs(cookieText(r), ";"), (name) => {
    try {
      return decodeURIComponent(name);
    } catch {
      return name;
    }
  });

const args = (r: SampleRequest) => pairs(r.query ?? "", "&");

const uri = (r: SampleRequest) => (r.query === undefined ? r.path : `${r.path}?${r.query}`);

/** After the last dot of the last segment, lower-cased; a leading dot alone is a hidden file, not an extension. */
function extension(path: string): string {
  const segment = path.slice(path.lastIndexOf("/") + 1);
  const dot = segment.lastIndexOf(".");
  return dot > 0 ? asciiLower(segment.slice(dot + 1)) : "";
}

const ofResponse =
  (read: (headers: Pairs) => Value) =>
  (r: SampleRequest): Value =>
    r.response ? read(headerPairs(r.response.headers, { "content-type": r.response.contentType })) : MISSING;

const REQUEST_URI_FIELDS: Record<string, [Type, (r: SampleRequest) => Value]> = {
  "http.request.uri": ["string", uri],
  "http.request.uri.path": ["string", (r) => r.path],
  "http.request.uri.path.extension": ["string", (r) => extension(r.path)],
  "http.request.uri.query": ["string", (r) => r.query ?? ""],
  "http.request.full_uri": ["string", (r) => `${r.ssl === false ? "http" : "https"}://${r.host}${uri(r)}`],
  "http.request.uri.args": ["map<array<string>>", (r) => toMap(args(r))],
  "http.request.uri.args.names": ["array<string>", (r) => names(args(r))],
  "http.request.uri.args.values": ["array<string>", (r) => values(args(r))],
};

const RESPONSE_HEADER_FIELDS: Record<string, [Type, (r: SampleRequest) => Value]> = {
  "http.response.headers": ["map<array<string>>", ofResponse((headers) => toMap(headers, lower))],
  "http.response.headers.names": ["array<string>", ofResponse(names)],
  "http.response.headers.values": ["array<string>", ofResponse(values)],
};

/** Raw fields differ only once an earlier rule has rewritten the request, which a sample never has been. */
const raw = (fields: Record<string, [Type, (r: SampleRequest) => Value]>) =>
  Object.fromEntries(Object.entries(fields).map(([name, field]) => [`raw.${name}`, field]));

const FIELDS: Record<string, [Type, (r: SampleRequest) => Value]> = {
  "http.host": ["string", (r) => r.host],
  ...REQUEST_URI_FIELDS,
  ...raw(REQUEST_URI_FIELDS),
  "http.request.method": ["string", (r) => r.method ?? "GET"],
  "http.request.version": ["string", (r) => r.version ?? "HTTP/2"],
  "http.request.headers": ["map<array<string>>", (r) => toMap(requestHeaders(r), lower)],
  "http.request.headers.names": ["array<string>", (r) => names(requestHeaders(r))],
  "http.request.headers.values": ["array<string>", (r) => values(requestHeaders(r))],
  "http.request.headers.truncated": ["bool", () => false],
  "http.request.cookies": ["map<array<string>>", cookies],
  "http.cookie": ["string", cookieText],
  "http.user_agent": ["string", (r) => headerText(r, "user-agent")],
  "http.referer": ["string", (r) => headerText(r, "referer")],
  "http.x_forwarded_for": ["string", (r) => headerText(r, "x-forwarded-for")],
  "ip.src": ["ip", (r) => r.ip ?? "192.0.2.1"],
  ssl: ["bool", (r) => r.ssl ?? true],
  "cf.client.bot": ["bool", (r) => r.verifiedBot ?? false],
  "cf.bot_management.verified_bot": ["bool", (r) => r.verifiedBot ?? false],
  "http.response.code": ["int", (r) => (r.response ? (r.response.code ?? 200) : MISSING)],
  "http.response.content_type.media_type": ["string", (r) => (r.response ? asciiLower(r.response.contentType.split(";")[0].trim()) : MISSING)],
  ...RESPONSE_HEADER_FIELDS,
  ...raw(RESPONSE_HEADER_FIELDS),
};

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { kind: "string" | "regex"; value: string }
  | { kind: "int"; value: number }
  | { kind: "ip"; value: string; bits?: number }
  | { kind: "word" | "punct"; value: string };

const PUNCT = ["==", "!=", ">=", "<=", "&&", "||", "^^", "..", "(", ")", "{", "}", "[", "]", ",", ">", "<", "!", "~", "*"];

/** A quoted string with its basic escapes: `\"`, `\\`, `\xHH` and octal `\NNN` (engine's lexer). */
function quoted(source: string, start: number): [string, number] {
  let text = "";
  let i = start + 1;
  while (source[i] !== '"') {
    if (i >= source.length) throw unsupported("an unterminated string");
    if (source[i] !== "\\") {
      text += source[i++];
      continue;
    }
    const escaped = source[i + 1];
    const code = escaped === "x" ? /^x([0-9a-fA-F]{2})/.exec(source.slice(i + 1))?.[1] : /^[0-7]{3}/.exec(source.slice(i + 1))?.[0];
    if (escaped === '"' || escaped === "\\") {
      text += escaped;
      i += 2;
    } else if (code !== undefined) {
      const byte = Number.parseInt(code, escaped === "x" ? 16 : 8);
      // A byte above 0x7f is part of a UTF-8 sequence or not text at all; samples hold text.
      if (byte > 0x7f) throw unsupported(`the byte escape \\${escaped === "x" ? "x" : ""}${code}`);
      text += String.fromCharCode(byte);
      i += 4;
    } else {
      throw unsupported(`the escape \\${escaped ?? ""} (Cloudflare refuses it)`);
    }
  }
  return [text, i + 1];
}

/**
 * A quoted regex keeps its escapes for the regex engine; only `\"` outside a class stands for a
 * quote, and a quote inside a class does not end the string (engine's lex_regex_from_literal).
 */
function quotedRegex(source: string, start: number): [string, number] {
  let text = "";
  let inClass = false;
  for (let i = start + 1; i < source.length; i++) {
    const c = source[i];
    if (c === "\\" && i + 1 < source.length) {
      const next = source[++i];
      text += inClass || next !== '"' ? `\\${next}` : next;
    } else if (c === '"' && !inClass) {
      return [text, i + 1];
    } else {
      if (c === "[") inClass = true;
      if (c === "]") inClass = false;
      text += c;
    }
  }
  throw unsupported("an unterminated string");
}

/** r"…", r#"…"#: no escapes at all. */
function rawString(source: string, start: number): [string, number] {
  const hashes = /^r(#*)"/.exec(source.slice(start))![1];
  const end = source.indexOf(`"${hashes}`, start + hashes.length + 2);
  if (end < 0) throw unsupported("an unterminated raw string");
  return [source.slice(start + hashes.length + 2, end), end + hashes.length + 1];
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,3})?/;
const IPV6 = /^[0-9a-fA-F]*:[0-9a-fA-F:]*(?:\d{1,3}(?:\.\d{1,3}){3})?(?:\/\d{1,3})?/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const c = source[i];
    const previous = tokens.at(-1);
    const regexNext = (previous?.kind === "word" && previous.value === "matches") || (previous?.kind === "punct" && previous.value === "~");
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || /^r#*"/.test(rest)) {
      const [value, end] = c === '"' ? (regexNext ? quotedRegex(source, i) : quoted(source, i)) : rawString(source, i);
      tokens.push({ kind: regexNext ? "regex" : "string", value });
      i = end;
    } else if (c === "$") {
      throw unsupported(`the named list ${/^\$\w*/.exec(rest)![0]} (the kit cannot see what it holds)`);
    } else if (IPV4.test(rest) || (IPV6.test(rest) && /^[0-9a-fA-F:]/.test(c))) {
      const text = (IPV4.exec(rest) ?? IPV6.exec(rest))![0];
      const [address, bits] = text.split("/");
      if (!isIPv4(address) && !isIPv6(address)) throw unsupported(`the address ${text}`);
      if (bits !== undefined && Number(bits) > (isIPv4(address) ? 32 : 128)) throw unsupported(`the range ${text}`);
      tokens.push({ kind: "ip", value: address, bits: bits === undefined ? undefined : Number(bits) });
      i += text.length;
    } else if (/^-?\d/.test(rest)) {
      const text = /^-?\d+/.exec(rest)![0];
      tokens.push({ kind: "int", value: Number(text) });
      i += text.length;
    } else if (/[a-z_]/i.test(c)) {
      const text = /^[a-z_][a-z0-9_.]*/i.exec(rest)![0];
      tokens.push({ kind: "word", value: text });
      i += text.length;
    } else {
      const punct = PUNCT.find((p) => source.startsWith(p, i));
      if (!punct) throw unsupported(`the character ${c}`);
      tokens.push({ kind: "punct", value: punct });
      i += punct.length;
    }
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Regular expressions and wildcards

/**
 * A compiled `matches` pattern, run by RE2JS: linear time like Rust's engine, where JavaScript's
 * backtracking would let one hand-written rule (`^(\w+/?)*$`) hang the policy run.
 */
type Pattern = RE2JS;

const REGEX_SYNTAX = new Set("^$\\.*+?()[]{}|/");
const patterns = new Map<string, Pattern>();

/**
 * Rust regex syntax checked and rewritten for RE2, refusing what RE2 would read differently:
 * lookaround and backreferences (Rust has neither, so Cloudflare refuses them), inline flags
 * past the start, nested and set-operation classes, \p classes, and `.` (which in Rust matches \r).
 * Non-ASCII patterns are refused: Cloudflare matches bytes (wirefilter builds its regex with
 * unicode(false)), RE2JS characters, and the two agree on ASCII only.
 */
function rustRegex(source: string): Pattern {
  const known = patterns.get(source);
  if (known) return known;
  if (!isAscii(source)) throw unsupported(`the non-ASCII regex ${source} (Cloudflare matches it byte by byte)`);
  let flags = "";
  let body = source;
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (leading) {
    for (const flag of leading[1]) {
      if (flag === "i" || flag === "s") flags += flag;
      else if (flag !== "u") throw unsupported(`the regex flag ${flag}`);
    }
    body = body.slice(leading[0].length);
  }
  let out = "";
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    const next = body[i + 1];
    if (c === "\\") {
      if (next === undefined) throw unsupported("a regex ending in \\");
      i++;
      if ("dDwWsS".includes(next) || ("bB".includes(next) && !inClass)) {
        out += `\\${next}`;
      } else if ("ntrfvx".includes(next)) {
        out += `\\${next}`;
      } else if ((next === "A" || next === "z") && !inClass) {
        out += next === "A" ? "^" : "$";
      } else if (/[!-/:-@[-`{-~]/.test(next) && next !== "<" && next !== ">") {
        out += REGEX_SYNTAX.has(next) || (inClass && next === "-") ? `\\${next}` : next;
      } else {
        throw unsupported(`the regex escape \\${next}`);
      }
    } else if (inClass) {
      if (c === "[" || ("&-~".includes(c) && next === c)) throw unsupported("a nested or set-operation character class");
      if (c === "]") inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
      if (next === "^") out += body[++i];
      if (body[i + 1] === "]") throw unsupported("a character class opening with ]");
    } else if (c === "(" && next === "?") {
      const group = /^\(\?(?::|P?<(?![=!]))/.exec(body.slice(i));
      if (!group) throw unsupported("a lookaround, inline flag or other (? group Rust regex does not have");
      out += group[0].replace(/^\(\?</, "(?P<");
      i += group[0].length - 1;
    } else if (c === ".") {
      out += flags.includes("s") ? "." : "[^\\n]";
    } else {
      out += c;
    }
  }
  try {
    const pattern = RE2JS.compile(out, (flags.includes("i") ? RE2JS.CASE_INSENSITIVE : 0) | (flags.includes("s") ? RE2JS.DOTALL : 0));
    patterns.set(source, pattern);
    return pattern;
  } catch {
    throw unsupported(`the regex ${source}`);
  }
}

/** Whether the pattern occurs in the text; on non-ASCII text bytes and characters part, so that is not understood. */
function search(pattern: Pattern, text: string): boolean {
  if (!isAscii(text)) throw unsupported(`a regex run on non-ASCII text (${text}): Cloudflare matches it byte by byte`);
  return pattern.matcher(text).find();
}

/** A wildcard's literal parts between its stars, lower-cased unless it is strict. */
interface Wildcard {
  parts: string[];
  caseSensitive: boolean;
}

/** `*` is any run of characters; `\*` and `\\` are literal; `**` is refused. */
function wildcard(pattern: string, caseSensitive: boolean): Wildcard {
  const parts = [""];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === "\\") {
      const next = pattern[++i];
      if (next !== "*" && next !== "\\") throw unsupported(`the wildcard escape \\${next ?? ""}`);
      parts[parts.length - 1] += next;
    } else if (pattern[i] === "*") {
      if (pattern[i + 1] === "*") throw unsupported("** in a wildcard (Cloudflare refuses it)");
      parts.push("");
    } else {
      parts[parts.length - 1] += pattern[i];
    }
  }
  return { parts: caseSensitive ? parts : parts.map(asciiLower), caseSensitive };
}

/**
 * Whole-value glob matching, each part found at its leftmost place after the last: linear in the
 * text for a fixed pattern, where a backtracking regex of lazy stars is not.
 */
function wildcardMatch(w: Wildcard, text: string): boolean {
  const value = w.caseSensitive ? text : asciiLower(text);
  const [first, ...rest] = w.parts;
  if (rest.length === 0) return value === first;
  const last = rest[rest.length - 1];
  const end = value.length - last.length;
  if (end < first.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let at = first.length;
  for (const part of rest.slice(0, -1)) {
    const found = value.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

type Node =
  | { kind: "literal"; type: Type; value: Value }
  | { kind: "field"; type: Type; name: string }
  /** `each`: the node stands for each element of a `[*]`, and its type is the element's. */
  | { kind: "index"; type: Type; each: boolean; target: Node; key: number | string | "*" }
  | { kind: "call"; type: Type; name: string; args: Node[]; mapped: boolean }
  | { kind: "compare"; type: Type; left: Node; test: (value: Value) => boolean }
  | { kind: "not"; type: Type; operand: Node }
  | { kind: "logic"; type: Type; op: "and" | "or" | "xor"; left: Node; right: Node };

const isEach = (node: Node) => node.kind === "index" && node.each;

/** `[*]` is only meaningful as a function's first argument or a comparison's left side (values reference). */
function settled(node: Node): Node {
  if (isEach(node)) throw unsupported("[*] outside a function's first argument or a comparison");
  return node;
}

// ---------------------------------------------------------------------------------------------
// Functions

interface FunctionSpec {
  /** The result type for these argument types; throws where Cloudflare would refuse the call. */
  type(types: Type[], args: Node[]): Type;
  apply(args: Value[]): Value;
  /** A missing argument reads as empty instead of making the result missing (concat, per the fields reference). */
  missingAsEmpty?: boolean;
}

function signature(name: string, types: Type[], ...expected: Type[]) {
  if (types.length !== expected.length || types.some((type, i) => type !== expected[i])) {
    throw unsupported(`${name}(${types.join(", ")}); it takes (${expected.join(", ")})`);
  }
}

const takes =
  (name: string, result: Type, ...expected: Type[]) =>
  (types: Type[]): Type => {
    signature(name, types, ...expected);
    return result;
  };

function literal(name: string, node: Node): Value {
  if (node.kind !== "literal") throw unsupported(`${name} with a computed argument where Cloudflare needs a literal`);
  return node.value;
}

function notLiteral(name: string, node: Node) {
  if (node.kind === "literal") throw unsupported(`${name} of a literal (Cloudflare needs a field)`);
}

function urlDecode(text: string, options: string): string {
  let current = text;
  for (;;) {
    const bytes: number[] = [];
    for (let i = 0; i < current.length; i++) {
      const hex = /^%([0-9a-fA-F]{2})/.exec(current.slice(i))?.[1];
      const unicode = options.includes("u") ? /^%u([0-9a-fA-F]{4})/.exec(current.slice(i))?.[1] : undefined;
      if (unicode) {
        bytes.push(...Buffer.from(String.fromCodePoint(Number.parseInt(unicode, 16))));
        i += 5;
      } else if (hex) {
        bytes.push(Number.parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(current[i] === "+" ? " " : current[i]));
      }
    }
    let decoded: string;
    try {
      decoded = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
    } catch {
      throw unsupported(`url_decode of ${text}, which decodes to bytes that are not text`);
    }
    if (!options.includes("r") || decoded === current) return decoded;
    current = decoded;
  }
}

function jsonLookup(document: string, keys: Value[]): Value {
  let value: unknown;
  try {
    value = JSON.parse(document);
  } catch {
    return MISSING;
  }
  for (const key of keys) {
    if (typeof key === "number" ? !Array.isArray(value) : value === null || typeof value !== "object" || Array.isArray(value)) return MISSING;
    if (!Object.hasOwn(value as object, String(key))) return MISSING;
    value = (value as Record<string, unknown>)[String(key)];
  }
  return typeof value === "string" ? value : MISSING;
}

/** Functions Cloudflare documents for rewrite and redirect-target expressions only, never in a rule's filter, which is what is judged here. */
const REWRITE_ONLY = new Set(["regex_replace", "wildcard_replace", "to_string"]);

const FUNCTIONS: Record<string, FunctionSpec> = {
  any: { type: takes("any", "bool", "array<bool>"), apply: ([a]) => (a as Value[]).some((v) => v === true) },
  all: { type: takes("all", "bool", "array<bool>"), apply: ([a]) => (a as Value[]).every((v) => v === true) },
  lower: { type: takes("lower", "string", "string"), apply: ([s]) => asciiLower(s as string) },
  upper: { type: takes("upper", "string", "string"), apply: ([s]) => asciiUpper(s as string) },
  len: {
    type(types) {
      if (types.length !== 1 || !(types[0] === "string" || isArray(types[0]))) throw unsupported(`len(${types.join(", ")})`);
      return "int";
    },
    // The byte length, as Cloudflare counts it.
    apply: ([v]) => (Array.isArray(v) ? v.length : Buffer.byteLength(v as string)),
  },
  concat: {
    missingAsEmpty: true,
    type(types) {
      if (types.length > 0 && types.every((t) => t === "string")) return "string";
      if (types.length > 0 && isArray(types[0]) && types.every((t) => t === types[0])) return types[0];
      throw unsupported(`concat(${types.join(", ")}); it joins strings, or arrays of one type`);
    },
    apply: (parts) =>
      parts.some(Array.isArray) ? parts.flatMap((p) => (p === MISSING ? [] : (p as Value[]))) : parts.map((p) => (p === MISSING ? "" : p)).join(""),
  },
  starts_with: {
    type(types, args) {
      signature("starts_with", types, "string", "string");
      notLiteral("starts_with", args[0]);
      return "bool";
    },
    apply: ([s, prefix]) => (s as string).startsWith(prefix as string),
  },
  ends_with: {
    type(types, args) {
      signature("ends_with", types, "string", "string");
      notLiteral("ends_with", args[0]);
      return "bool";
    },
    apply: ([s, suffix]) => (s as string).endsWith(suffix as string),
  },
  url_decode: {
    type(types, args) {
      if (types.length < 1 || types.length > 2 || types.some((t) => t !== "string")) throw unsupported(`url_decode(${types.join(", ")})`);
      if (args[1] && !/^[ru]*$/.test(String(literal("url_decode", args[1])))) throw unsupported("url_decode options other than r and u");
      return "string";
    },
    apply: ([s, options]) => urlDecode(s as string, (options as string | undefined) ?? ""),
  },
  remove_bytes: {
    type(types, args) {
      signature("remove_bytes", types, "string", "string");
      if (!isAscii(literal("remove_bytes", args[1]) as string)) throw unsupported("remove_bytes of non-ASCII bytes");
      return "string";
    },
    apply: ([s, bytes]) => [...(s as string)].filter((c) => !(bytes as string).includes(c)).join(""),
  },
  substring: {
    type(types) {
      if (types.length < 2 || types.length > 3 || types[0] !== "string" || types.slice(1).some((t) => t !== "int"))
        throw unsupported(`substring(${types.join(", ")})`);
      return "string";
    },
    apply([s, start, end]) {
      const bytes = Buffer.from(s as string);
      try {
        return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start as number, end as number | undefined));
      } catch {
        throw unsupported(`substring cutting ${String(s)} inside a character`);
      }
    },
  },
  lookup_json_string: {
    type(types, args) {
      if (types[0] !== "string" || types.length < 2) throw unsupported(`lookup_json_string(${types.join(", ")})`);
      if (args.slice(1).some((key) => !["string", "number"].includes(typeof literal("lookup_json_string", key)))) {
        throw unsupported("a lookup_json_string key that is neither a string nor an integer");
      }
      return "string";
    },
    apply: ([document, ...keys]) => jsonLookup(document as string, keys),
  },
};

// ---------------------------------------------------------------------------------------------
// Parser

const COMPARISONS = new Set(["eq", "ne", "lt", "le", "gt", "ge", "==", "!=", "<", "<=", ">", ">=", "contains", "matches", "~", "wildcard", "strict", "in"]);
const KEYWORDS = new Set([...COMPARISONS, "and", "or", "xor", "not"]);
const CANONICAL: Record<string, string> = { "==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge", "~": "matches" };

function ipList(entries: Array<{ from: Token; to?: Token }>): BlockList {
  const list = new BlockList();
  const family = (address: string) => (isIPv6(address) ? "ipv6" : "ipv4");
  for (const { from, to } of entries) {
    if (from.kind !== "ip" || (to && (to.kind !== "ip" || to.bits !== undefined || from.bits !== undefined)))
      throw unsupported("a set mixing addresses with other values");
    if (to && family(to.value) !== family(from.value)) throw unsupported("an address range across IPv4 and IPv6");
    // node throws on a reversed range or a bad prefix; Cloudflare refuses the rule: not understood either way.
    try {
      if (to) list.addRange(from.value, to.value, family(from.value));
      else if (from.bits === undefined) list.addAddress(from.value, family(from.value));
      else list.addSubnet(from.value, from.bits, family(from.value));
    } catch {
      throw unsupported(`the address set entry ${from.value}${to ? `..${to.value}` : from.bits !== undefined ? `/${from.bits}` : ""}`);
    }
  }
  return list;
}

function parse(source: string): Node {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => {
    const token = tokens[position++];
    if (!token) throw unsupported("an expression that ends too early");
    return token;
  };
  const accept = (...values: string[]) =>
    peek() && (peek().kind === "word" || peek().kind === "punct") && values.includes(peek().value as string) ? next() : undefined;
  const expect = (value: string) => {
    if (!accept(value)) throw unsupported(`${peek() ? String(peek().value) : "the end"} where ${value} belongs`);
  };

  // Precedence, loosest first: or, xor, and, not (operators reference).
  const logical = (op: "or" | "xor" | "and", symbol: string, operand: () => Node) => (): Node => {
    let left = operand();
    while (accept(op, symbol)) left = combine(op, left, operand());
    return left;
  };
  const combine = (op: "and" | "or" | "xor", left: Node, right: Node): Node => {
    const type = settled(left).type;
    if ((type !== "bool" && type !== "array<bool>") || settled(right).type !== type) throw unsupported(`${op} between ${left.type} and ${right.type}`);
    return { kind: "logic", type, op, left, right };
  };
  const unary = (): Node => {
    if (accept("not", "!")) {
      const operand = settled(unary());
      if (operand.type !== "bool" && operand.type !== "array<bool>") throw unsupported(`not of a ${operand.type}`);
      return { kind: "not", type: operand.type, operand };
    }
    if (accept("(")) {
      const inner = expression();
      expect(")");
      return inner;
    }
    return comparison();
  };
  const and = logical("and", "&&", unary);
  const xor = logical("xor", "^^", and);
  const expression = logical("or", "||", xor);

  const operand = (): Node => {
    const token = next();
    let node: Node;
    if (token.kind === "string" || token.kind === "int" || token.kind === "ip") {
      if (token.kind === "ip" && token.bits !== undefined) throw unsupported("a CIDR range outside a set");
      node = { kind: "literal", type: token.kind, value: token.value };
    } else if (token.kind === "word" && (token.value === "true" || token.value === "false")) {
      node = { kind: "literal", type: "bool", value: token.value === "true" };
    } else if (token.kind === "word" && !KEYWORDS.has(token.value) && accept("(")) {
      node = call(token.value);
    } else if (token.kind === "word" && !KEYWORDS.has(token.value)) {
      const field = Object.hasOwn(FIELDS, token.value) ? FIELDS[token.value] : undefined;
      if (!field) throw unsupported(`the field ${token.value} is not understood (the sample requests cannot supply it)`);
      node = { kind: "field", type: field[0], name: token.value };
    } else if (token.kind === "word" && peek()?.value === "(") {
      throw unsupported(`${token.value}(…): ${token.value} is an operator, not a function`);
    } else {
      throw unsupported(`${String(token.value)} where a value belongs`);
    }
    while (accept("[")) node = index(node);
    return node;
  };

  const index = (target: Node): Node => {
    const token = next();
    const key = token.kind === "punct" && token.value === "*" ? "*" : token.kind === "int" || token.kind === "string" ? token.value : undefined;
    expect("]");
    const element = elementOf(target.type);
    const fits =
      key === "*" ? element !== undefined : typeof key === "number" ? isArray(target.type) && key >= 0 : key !== undefined && target.type.startsWith("map<");
    if (!fits || key === undefined || element === undefined) throw unsupported(`[${String(token.value)}] on a ${target.type}`);
    if (key === "*" && isEach(target)) throw unsupported("[*] twice in one value");
    return { kind: "index", type: element, each: key === "*" || isEach(target), target, key };
  };

  const call = (name: string): Node => {
    const spec = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
    if (REWRITE_ONLY.has(name)) throw unsupported(`${name}(), which Cloudflare allows only in rewrite and redirect-target expressions`);
    if (!spec) throw unsupported(`the function ${name} is not understood`);
    const args: Node[] = [];
    while (!accept(")")) {
      if (args.length > 0) expect(",");
      args.push(expression());
    }
    args.slice(1).forEach(settled);
    const mapped = args.length > 0 && isEach(args[0]);
    const type = spec.type(
      args.map((arg) => arg.type),
      args,
    );
    return { kind: "call", type: mapped ? `array<${type}>` : type, name, args, mapped };
  };

  const comparison = (): Node => {
    const left = operand();
    const op = accept(...COMPARISONS)?.value as string | undefined;
    if (!op) return left;
    if (left.kind === "literal") throw unsupported("a comparison whose left side is a literal, not a field");
    const type = left.type;
    if (!["string", "int", "ip"].includes(type))
      throw unsupported(`${op} on a ${type}; operators do not take arrays or booleans, use [N] or any()/all() over [*]`);
    let name = CANONICAL[op] ?? op;
    if (op === "strict") {
      expect("wildcard");
      name = "strict wildcard";
    }
    const test = rightSide(name, type);
    return { kind: "compare", type: isEach(left) ? "array<bool>" : "bool", left, test };
  };

  const rightSide = (op: string, type: Type): ((value: Value) => boolean) => {
    const allowed: Record<string, string[]> = {
      string: [...Object.values(CANONICAL), "contains", "wildcard", "strict wildcard", "in"],
      int: ["eq", "ne", "lt", "le", "gt", "ge", "in"],
      ip: ["eq", "ne", "in"],
    };
    if (!allowed[type].includes(op)) throw unsupported(`${op} on a ${type}`);
    if (op === "in") return set(type);
    const token = next();
    if (op === "matches") {
      if (token.kind !== "regex") throw unsupported("matches without a regex literal");
      const pattern = rustRegex(token.value);
      return (v) => search(pattern, v as string);
    }
    if (token.kind !== type || (token.kind === "ip" && token.bits !== undefined)) throw unsupported(`${op} between a ${type} and ${String(token.value)}`);
    if (op === "wildcard" || op === "strict wildcard") {
      const w = wildcard(token.value as string, op === "strict wildcard");
      return (v) => wildcardMatch(w, v as string);
    }
    if (type === "ip") {
      const list = ipList([{ from: token }]);
      const hit = (v: Value) => list.check(v as string, isIPv6(v as string) ? "ipv6" : "ipv4");
      return op === "eq" ? hit : (v) => !hit(v);
    }
    const right = token.value as string | number;
    // Strings compare as bytes, the way Cloudflare orders them.
    const order = (v: Value) => (type === "int" ? (v as number) - (right as number) : Buffer.compare(Buffer.from(v as string), Buffer.from(right as string)));
    const tests: Record<string, (v: Value) => boolean> = {
      eq: (v) => v === right,
      ne: (v) => v !== right,
      lt: (v) => order(v) < 0,
      le: (v) => order(v) <= 0,
      gt: (v) => order(v) > 0,
      ge: (v) => order(v) >= 0,
      contains: (v) => (v as string).includes(right as string),
    };
    return tests[op];
  };

  const set = (type: Type): ((value: Value) => boolean) => {
    expect("{");
    const entries: Array<{ from: Token; to?: Token }> = [];
    while (!accept("}")) {
      const from = next();
      entries.push({ from, to: accept("..") ? next() : undefined });
    }
    if (type === "ip") {
      const list = ipList(entries);
      return (v) => list.check(v as string, isIPv6(v as string) ? "ipv6" : "ipv4");
    }
    for (const { from, to } of entries) {
      if (from.kind !== type || (to && (to.kind !== "int" || type !== "int"))) throw unsupported(`a set of ${type} holding ${String(from.value)}`);
    }
    if (type === "string") {
      const strings = new Set(entries.map((e) => e.from.value));
      return (v) => strings.has(v as string);
    }
    const ranges = entries.map(({ from, to }) => [from.value as number, (to ?? from).value as number]);
    return (v) => ranges.some(([low, high]) => (v as number) >= low && (v as number) <= high);
  };

  const root = settled(expression());
  if (position !== tokens.length) throw unsupported(`${String(tokens[position].value)} after a complete expression`);
  if (root.type === "array<bool>") throw unsupported("a comparison over [*] outside any() or all()");
  if (root.type !== "bool") throw unsupported(`an expression that is a ${root.type}, not true or false`);
  return root;
}

// ---------------------------------------------------------------------------------------------
// Evaluator

function access(value: Value, key: number | string | "*"): Value {
  if (value === MISSING) return key === "*" ? [] : MISSING;
  if (key === "*") return value instanceof Map ? [...value.values()] : value;
  const found = value instanceof Map ? value.get(key as string) : (value as Value[])[key as number];
  return found ?? MISSING;
}

function evaluate(node: Node, request: SampleRequest): Value {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "field":
      return FIELDS[node.name][1](request);
    case "index": {
      const target = evaluate(node.target, request);
      return isEach(node.target) ? (target as Value[]).map((v) => access(v, node.key)) : access(target, node.key);
    }
    case "call": {
      const spec = FUNCTIONS[node.name];
      const args = node.args.map((arg) => evaluate(arg, request));
      const apply = (values: Value[]) => (!spec.missingAsEmpty && values.includes(MISSING) ? MISSING : spec.apply(values));
      return node.mapped ? (args[0] as Value[]).map((v) => apply([v, ...args.slice(1)])) : apply(args);
    }
    case "compare": {
      const test = (v: Value) => v !== MISSING && node.test(v);
      const left = evaluate(node.left, request);
      return isEach(node.left) ? (left as Value[]).map(test) : test(left);
    }
    case "not": {
      const operand = evaluate(node.operand, request);
      return Array.isArray(operand) ? operand.map((v) => v !== true) : operand !== true;
    }
    case "logic": {
      const apply = (a: boolean, b: () => boolean) => (node.op === "and" ? a && b() : node.op === "or" ? a || b() : a !== b());
      const left = evaluate(node.left, request);
      if (!Array.isArray(left)) return apply(left === true, () => evaluate(node.right, request) === true);
      const right = evaluate(node.right, request) as Value[];
      if (right.length !== left.length) throw unsupported(`${node.op} between arrays of different lengths`);
      return left.map((v, i) => apply(v === true, () => right[i] === true));
    }
  }
}

type Condition = (request: SampleRequest) => boolean;

/** Parses an expression once into a function of the request. Throws UnsupportedExpression outside the grammar. */
export function compile(expression: string): Condition {
  const root = parse(expression);
  return (request) => evaluate(root, request) === true;
}

const compiled = new Map<string, Condition | UnsupportedExpression>();

/** Whether the expression matches the sample request; each expression is compiled once. */
export function matches(expression: string, request: SampleRequest): boolean {
  let condition = compiled.get(expression);
  if (!condition) {
    try {
      condition = compile(expression);
    } catch (error) {
      if (!(error instanceof UnsupportedExpression)) throw error;
      condition = error;
    }
    compiled.set(expression, condition);
  }
  if (condition instanceof UnsupportedExpression) throw condition;
  return condition(request);
}
