/**
 * Reads a Pulumi stack file (`stacks/Pulumi.<stack>.yaml`) the way the Pulumi CLI would hand its
 * config to the program, without decrypting anything: `secure:` values stay opaque. With
 * ./stack-file-edit.ts (writing and editing), the only code that handles stack-file YAML, so
 * every verb reads a file, its encryption and its key positions the same way.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { isMap, isSeq, LineCounter, parse, parseDocument, type Node } from "yaml";

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

export class StackFileError extends Error {}

export function stackNameFromPath(path: string): string {
  const file = basename(path);
  return /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1] ?? file.replace(/\.ya?ml$/, "");
}

export function readStackFile(path: string): StackFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StackFileError(code === "ENOENT" ? `${path} does not exist` : `${path} cannot be read (${code ?? String(error)})`);
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
  /** Those that cannot be read, with why: whether they share anything with `stack` is unknown. */
  unreadable: Array<{ path: string; why: string }>;
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
      siblings.unreadable.push({ path: join(directory, name), why: error.message });
    }
  }
  return siblings;
}

/**
 * A stack file's text read as if it were at `path`: an earlier version from git
 * (`git show <commit>:stacks/Pulumi.prod.yaml`) is named `shownAs` in errors.
 */
export function parseStackFileText(text: string, path: string, shownAs = path): StackFile {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new StackFileError(`${shownAs} is not valid YAML:\n${document.errors.map((e) => `  ${e.message}`).join("\n")}`);
  }
  const root: unknown = document.toJS() ?? {};
  if (!isPlainObject(root)) throw new StackFileError(`${shownAs} must be a map with a top-level "config:" key`);
  const config = root.config ?? {};
  if (!isPlainObject(config)) throw new StackFileError(`${shownAs}: "config:" must be a map of keys such as launch-ready:environment`);

  const secretKeys: string[] = [];
  const secureValues: StackFile["secureValues"] = [];
  // Keys are defined, never assigned: a `__proto__:` key assigned would become the map's prototype
  // and vanish from its keys, where the config reader refuses it.
  const decoded: Record<string, unknown> = Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      const before = secureValues.length;
      const hidden = hideSecureValues(value, key, secureValues);
      if (secureValues.length > before) secretKeys.push(key);
      return [key, hidden];
    }),
  );
  const encryption = stackEncryption(root);
  return { stack: stackNameFromPath(path), path, config: decoded, secretKeys, secureValues, encryption };
}

/** A YAML map as read into JS: what a stack file's root and its `config:` must be. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value with each `secure:` leaf replaced by the placeholder; the leaves go to `found` with their paths. */
function hideSecureValues(value: unknown, path: string, found: StackFile["secureValues"]): unknown {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "secure") {
      found.push({ path, ciphertext: String(value.secure) });
      return SECRET_PLACEHOLDER;
    }
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, hideSecureValues(inner, `${path}.${key}`, found)]));
  }
  if (Array.isArray(value)) return value.map((item, index) => hideSecureValues(item, `${path}[${index}]`, found));
  return value;
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
