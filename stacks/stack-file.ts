/**
 * Reads a Pulumi stack file (`stacks/Pulumi.<stack>.yaml`) the way the Pulumi CLI would hand its
 * config to the program, without decrypting anything: `secure:` values stay opaque.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseDocument } from "yaml";

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
}

export class StackFileError extends Error {}

export const STACKS_DIR = resolve(__dirname);

export function stackFilePath(stack: string): string {
  return join(STACKS_DIR, `Pulumi.${stack}.yaml`);
}

/** Stack names with a file in stacks/, e.g. ["dev", "prod", "staging"]. */
export function availableStacks(): string[] {
  return readdirSync(STACKS_DIR)
    .filter((file) => /^Pulumi\.(.+)\.ya?ml$/.test(file))
    .map(stackNameFromPath)
    .sort();
}

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
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new StackFileError(`${path} is not valid YAML:\n${document.errors.map((e) => `  ${e.message}`).join("\n")}`);
  }
  const root: unknown = document.toJS() ?? {};
  if (!isPlainObject(root)) throw new StackFileError(`${path} must be a map with a top-level "config:" key`);
  const config = root.config ?? {};
  if (!isPlainObject(config)) throw new StackFileError(`${path}: "config:" must be a map of keys such as launch-ready:environment`);

  const decoded: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const { value: plain, secret } = hideSecureValues(value);
    decoded[key] = plain;
    if (secret) secretKeys.push(key);
  }
  return { stack: stackNameFromPath(path), path, config: decoded, secretKeys };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hideSecureValues(value: unknown): { value: unknown; secret: boolean } {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "secure") return { value: SECRET_PLACEHOLDER, secret: true };
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const hidden = hideSecureValues(inner);
      out[key] = hidden.value;
      secret ||= hidden.secret;
    }
    return { value: out, secret };
  }
  if (Array.isArray(value)) {
    const items = value.map(hideSecureValues);
    return { value: items.map((item) => item.value), secret: items.some((item) => item.secret) };
  }
  return { value, secret: false };
}
