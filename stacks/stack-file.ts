/**
 * Reads a Pulumi stack file (`stacks/Pulumi.<stack>.yaml`) the way the Pulumi CLI would hand its
 * config to the program, without decrypting anything: `secure:` values stay opaque. With
 * ./stack-file-edit.ts (writing and editing), the only code that handles stack-file YAML, so
 * every verb reads a file, its encryption and its key positions the same way.
 */
import { readdirSync } from "node:fs";
import { NotARegularFile, readRegularFile } from "./regular-file";
import { basename, join } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parse, parseDocument, visit, type Node } from "yaml";

/** What a `secure:` value reads as offline. The ciphertext itself is never passed on. */
export const SECRET_PLACEHOLDER = "[secret]";

export interface StackFile {
  /** Stack name: from `Pulumi.<name>.yaml`, else the file name without extension. */
  stack: string;
  path: string;
  /** Top-level config keys (`launch-ready:hosts`, `cloudflare:apiToken`) with decoded values. */
  config: Record<string, unknown>;
  /** Config keys holding at least one `secure:` value. */
  secretKeys: string[];
  /** Every `secure:` value with its key path (`launch-ready:secretValues.STRIPE_SECRET_KEY`): ciphertext, for decryption where a passphrase is at hand. */
  secureValues: Array<{ path: string; ciphertext: string }>;
  /** How the file's `secure:` values are encrypted. */
  encryption: StackEncryption;
}

/** The top-level keys of a stack file that say how its `secure:` values are encrypted. */
export interface StackEncryption {
  /** The passphrase provider's salt and check value. */
  encryptionsalt?: string;
  /** A cloud key, e.g. `awskms://alias/example-com-pulumi?region=eu-west-1`; absent for passphrase and Pulumi Cloud. */
  secretsprovider?: string;
  /** The stack's data key, encrypted by the cloud key. */
  encryptedkey?: string;
}

/** The encryption keys of a stack file's parsed YAML; anything but a map has none. */
function stackEncryption(root: unknown): StackEncryption {
  if (!isPlainObject(root)) return {};
  const encryption: StackEncryption = {};
  for (const key of ["encryptionsalt", "secretsprovider", "encryptedkey"] as const) if (typeof root[key] === "string") encryption[key] = root[key];
  return encryption;
}

/**
 * The encryption keys of any version's text, even one that would not read as a stack file, since
 * whether old ciphertext may be written back depends on them alone; undefined when the text is not
 * YAML, so its key is unknown rather than none.
 */
export function readableEncryption(text: string): StackEncryption | undefined {
  try {
    return stackEncryption(parse(text));
  } catch {
    return undefined;
  }
}

/** A stack file that cannot be read at all; `message` names the file, `reason` says why in one line without it. */
export class StackFileError extends Error {
  constructor(
    file: string,
    /** e.g. `is not valid YAML (Flow sequence ... at line 2, column 1)`: what a list of files shows after the file's name. */
    public readonly reason: string,
    /** The whole story when it takes more than a line (the parser's errors with the lines they are on). */
    detail = reason,
  ) {
    super(`${file} ${detail}`);
  }
}

export function stackNameFromPath(path: string): string {
  const file = basename(path);
  return /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1] ?? file.replace(/\.ya?ml$/, "");
}

/** Far past any stack the kit plans (3,500 records take under 1 MB): a larger file is not a stack file. */
export const MAX_STACK_FILE_BYTES = 16 * 2 ** 20;

export function readStackFile(path: string): StackFile {
  let text: string;
  try {
    text = readRegularFile(path, MAX_STACK_FILE_BYTES);
  } catch (error) {
    if (error instanceof NotARegularFile) throw new StackFileError(path, error.message);
    const code = (error as NodeJS.ErrnoException).code;
    throw new StackFileError(path, code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(error)})`);
  }
  return parsedStackFile(text, path);
}

/**
 * Parsing a stack file's YAML costs milliseconds, and one plan reads the same files several times
 * (the program and the bar each read the stacks sharing its zone). Keyed by path and the exact
 * text, so an edited file is read afresh; each caller gets its own copy to change.
 */
const parsedFiles = new Map<string, StackFile>();
const PARSED_FILES_KEPT = 64;

function parsedStackFile(text: string, path: string): StackFile {
  const key = `${path}\0${text}`;
  let file = parsedFiles.get(key);
  if (!file) {
    file = parseStackFileText(text, path);
    if (parsedFiles.size >= PARSED_FILES_KEPT) parsedFiles.delete(parsedFiles.keys().next().value as string);
    parsedFiles.set(key, file);
  }
  return structuredClone(file);
}

/** The stack files in `directory` other than `stack`'s, by name, as read. */
export interface SiblingStackFiles extends Array<StackFile> {
  /** Those that cannot be read, with why (one line, `StackFileError.reason`): whether they share anything with `stack` is unknown. */
  unreadable: Array<{ path: string; why: string }>;
}

/** The siblings `files` could not read: none when it is a plain list rather than `siblingStackFiles`' answer. */
export function unreadableSiblings(files: readonly StackFile[]): ReadonlyArray<{ path: string; why: string }> {
  return (files as Partial<SiblingStackFiles>).unreadable ?? [];
}

export function siblingStackFiles(directory: string, stack: string): SiblingStackFiles {
  const siblings: SiblingStackFiles = Object.assign([], { unreadable: [] });
  let names: string[];
  try {
    names = readdirSync(directory).filter((file) => /^Pulumi\.(.+)\.ya?ml$/.test(file) && stackNameFromPath(file) !== stack);
  } catch {
    return siblings;
  }
  for (const name of names.sort()) {
    try {
      siblings.push(readStackFile(join(directory, name)));
    } catch (error) {
      if (!(error instanceof StackFileError)) throw error;
      siblings.unreadable.push({ path: join(directory, name), why: error.reason });
    }
  }
  return siblings;
}

/**
 * How often yaml may copy an anchored node through aliases (its own count: each alias times the
 * nodes under its anchor). A hand-written stack file reuses a value a few times; a "billion laughs"
 * file nests aliases of aliases so that a few lines expand to millions of nodes.
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * A stack file's text read as if it were at `path`: an earlier version from git
 * (`git show <commit>:stacks/Pulumi.prod.yaml`) is named `shownAs` in errors.
 */
export function parseStackFileText(text: string, path: string, shownAs = path): StackFile {
  // UTF-16 (what Windows PowerShell's > writes) read as UTF-8 has a NUL beside every ASCII character.
  if (text.includes("\u0000")) throw new StackFileError(shownAs, "holds NUL characters: is it UTF-16, as Windows PowerShell writes with >? Save it as UTF-8");
  const root = yamlData(text, shownAs);
  if (!isYamlMap(root)) throw new StackFileError(shownAs, 'must be a map with a top-level "config:" key');
  const config = root.config ?? {};
  if (!isYamlMap(config)) throw new StackFileError(shownAs, 'has a "config:" that is not a map; under it go keys such as launch-ready:environment');

  const secretKeys: string[] = [];
  const secureValues: StackFile["secureValues"] = [];
  const refused: Refusal[] = [];
  // Keys are defined, never assigned: a `__proto__:` key assigned would become the map's prototype
  // and vanish from its keys, where the config reader refuses it.
  const decoded: Record<string, unknown> = Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      const before = secureValues.length;
      const hidden = programValue(value, key, secureValues, refused, new Set());
      if (secureValues.length > before) secretKeys.push(key);
      return [key, hidden];
    }),
  );
  if (refused.length > 0) {
    const lines = refused.map(({ path: at, why }) => `  ${at} (line ${configPathPosition(text, at).line}) ${why}`);
    throw new StackFileError(
      shownAs,
      `holds ${refused.length === 1 ? "a value" : `${refused.length} values`} the program cannot be given as written (${refused[0].path} ${refused[0].why})`,
      `holds values the program cannot be given as written (Pulumi hands config to it as JSON):\n${lines.join("\n")}`,
    );
  }
  const encryption = stackEncryption(root);
  return { stack: stackNameFromPath(path), path, config: decoded, secretKeys, secureValues, encryption };
}

/**
 * The text's YAML as data, or a StackFileError saying why there is none: a syntax error, a tag
 * yaml does not know (read as plain text, it would change what the file says), a key that is a
 * list or a map (JavaScript would turn it into text), or aliases that expand past MAX_ALIAS_COUNT.
 */
function yamlData(text: string, shownAs: string): unknown {
  let data: unknown;
  try {
    data = yamlDataAsWritten(text, shownAs);
  } catch (error) {
    // yaml reads nesting by recursion: some 3,000 levels exhaust the stack before it can say more.
    if (!(error instanceof RangeError)) throw error;
    throw new StackFileError(shownAs, `nests its values too deeply to be read (${error.message}); a stack file's config is a few levels deep`);
  }
  if (nestedDeeperThan(data, MAX_NESTING))
    throw new StackFileError(shownAs, `nests its values more than ${MAX_NESTING} levels deep; a stack file's config is a few levels deep`);
  return data;
}

/** Far deeper than any config the kit reads (launch-ready:edge.headers.hosts[0].csp is six), and shallow enough for every recursive reader after this one. */
const MAX_NESTING = 64;

/**
 * Whether `data` holds maps or lists more than `levels` deep, counted without recursion. A value
 * reached twice (an alias) is counted once: an alias of a value it is inside is a loop, which the
 * config reader refuses as one.
 */
function nestedDeeperThan(data: unknown, levels: number): boolean {
  const open: Array<[unknown, number]> = [[data, 0]];
  const seen = new Set<object>();
  while (open.length > 0) {
    const [value, depth] = open.pop()!;
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    if (depth + 1 > levels) return true;
    for (const inner of Object.values(value)) open.push([inner, depth + 1]);
  }
  return false;
}

function yamlDataAsWritten(text: string, shownAs: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  const [first] = document.errors;
  if (first) {
    throw new StackFileError(
      shownAs,
      `is not valid YAML (${firstLine(first.message)})`,
      `is not valid YAML:\n${document.errors.map((e) => `  ${e.message}`).join("\n")}`,
    );
  }
  const [warning] = document.warnings;
  if (warning) throw new StackFileError(shownAs, `uses YAML that is not read as written (${firstLine(warning.message)})`);
  let key: Node | undefined;
  visit(document, {
    Pair(_, pair) {
      if (isScalar(pair.key) || pair.key === null) return undefined;
      key = pair.key as Node;
      return visit.BREAK;
    },
  });
  if (key) {
    const { line } = lineCounter.linePos(key.range?.[0] ?? 0);
    throw new StackFileError(shownAs, `has a key that is a list, a map or an alias (line ${line}); a key is plain text, such as launch-ready:hosts`);
  }
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    const message = (error as Error).message;
    throw new StackFileError(
      shownAs,
      /Excessive alias count/.test(message)
        ? `cannot be read: its aliases (*name) would copy anchored values more than ${MAX_ALIAS_COUNT} times, as a file built to exhaust memory does; write the values out instead`
        : `cannot be read (${firstLine(message)})`,
    );
  }
}

function firstLine(message: string): string {
  return message.split("\n", 1)[0].replace(/:$/, "");
}

/** A YAML map as read into JS: what a stack file's root and its `config:` must be. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A plain map, not what a tag made of one (`!!set`, `!!omap`), whose entries Object.entries would not see. */
function isYamlMap(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** A config value the program cannot be given as written: its key path, and why. */
interface Refusal {
  path: string;
  why: string;
}

/** What a YAML tag made of a value that is not JSON, for the refusal. */
function tagged(value: object): string {
  if (value instanceof Uint8Array) return "binary data (!!binary)";
  if (value instanceof Set) return "a set (!!set)";
  if (value instanceof Map) return "an ordered map (!!omap or !!pairs)";
  return `a ${value.constructor?.name ?? "value without a type"}`;
}

/**
 * The value as the program is given it: JSON, which is how the Pulumi CLI hands config over, with
 * each `secure:` leaf replaced by the placeholder (the leaves go to `found` with their paths).
 * What JSON cannot carry goes to `refused` with its path rather than being changed on the way:
 * `.nan` would arrive as null, `!!binary` as a map of byte numbers, and an alias inside the value
 * it names would never end. `ancestors`: the maps and lists the value is inside.
 */
function programValue(value: unknown, path: string, found: StackFile["secureValues"], refused: Refusal[], ancestors: Set<object>): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    refused.push({ path, why: `is ${Number.isNaN(value) ? ".nan" : value > 0 ? ".inf" : "-.inf"}, a number JSON cannot carry; write a finite number` });
    return null;
  }
  // JSON has no negative zero: the bar reads the 0 the program gets.
  if (Object.is(value, -0)) return 0;
  if (value === null || typeof value !== "object") return value;
  if (ancestors.has(value)) {
    refused.push({ path, why: "is an alias of a value it is itself inside, which would never end; write the value out" });
    return null;
  }
  if (!Array.isArray(value) && !isYamlMap(value)) {
    refused.push({ path, why: `is ${tagged(value)}, which is not text, a number, true/false, a list or a map; write it as one of those` });
    return null;
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item, index) => programValue(item, `${path}[${index}]`, found, refused, ancestors));
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "secure") {
      found.push({ path, ciphertext: String((value as { secure: unknown }).secure) });
      return SECRET_PLACEHOLDER;
    }
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, programValue(inner, `${path}.${key}`, found, refused, ancestors)]));
  } finally {
    ancestors.delete(value);
  }
}

/** `launch-ready:hosts[2].proxied` → ["config", "launch-ready:hosts", 2, "proxied"]. */
function yamlPath(configPath: string): (string | number)[] {
  const [, key, rest] = /^([^.[]+)(.*)$/.exec(configPath) ?? [];
  const segments: (string | number)[] = ["config", key];
  for (const [, name, index] of rest.matchAll(/\.([^.[]+)|\[(\d+)\]/g)) segments.push(index !== undefined ? Number(index) : name);
  return segments;
}

/**
 * Where a config path (`launch-ready:hosts[2].proxied`) is written in a stack file's text, so a
 * finding can point at the line to change: the 1-based line and column of the deepest node on the
 * path that the file has (a default has no line of its own).
 */
export function configPathPosition(text: string, configPath: string): { line: number; column: number } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  let node: Node | undefined = document.contents ?? undefined;
  let offset = node?.range?.[0] ?? 0;
  for (const segment of yamlPath(configPath)) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === segment);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value as Node | undefined;
    } else if (isSeq(node) && typeof segment === "number" && node.items[segment]) {
      node = node.items[segment] as Node;
      offset = node.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
