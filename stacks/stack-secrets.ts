/**
 * The secrets of a stack file. Its `secure:` values, read the way the Pulumi CLI does for stack
 * files that use Pulumi's passphrase secrets provider (pulumi/pulumi
 * sdk/go/common/resource/config/crypt.go and pkg/secrets/passphrase/manager.go): PBKDF2-HMAC-SHA256
 * with 1,000,000 iterations over an 8-byte salt gives an AES-256-GCM key; a value is
 * `v1:<base64 12-byte nonce>:<base64 ciphertext+tag>`; `encryptionsalt:` is `v1:<base64 salt>:`
 * followed by the encryption of "pulumi", which proves the passphrase. Used only to compare values
 * across stacks (SEC-ENV-SEPARATION), by keyed digest: a decrypted value never leaves this module.
 *
 * And the secrets written in plain text where a `secure:` value belongs, as SEC-NO-PLAINTEXT
 * judges them, so every verb that prints what a stack file holds can redact them or refuse.
 */
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { SecretFinding } from "../domain/secrets/detect";
import { redactedPreview } from "../domain/secrets/redact";
import { SECRET_VALUES_KEY, setSecretCommand } from "./secrets-config";
import { SECRET_PLACEHOLDER, type StackFile } from "./stack-file";

const ITERATIONS = 1_000_000;
const TAG_BYTES = 16;
const PASSPHRASE_CHECK = "pulumi";

export class PassphraseError extends Error {}

/**
 * The passphrase as the CLI finds it: PULUMI_CONFIG_PASSPHRASE when set (even empty, which is a
 * valid passphrase), else the trimmed contents of PULUMI_CONFIG_PASSPHRASE_FILE; undefined when neither.
 */
export function passphraseFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
  if (env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    try {
      return readFileSync(env.PULUMI_CONFIG_PASSPHRASE_FILE, "utf8").trim();
    } catch (error) {
      throw new PassphraseError(`unable to read PULUMI_CONFIG_PASSPHRASE_FILE (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  return undefined;
}

export interface PassphraseCrypter {
  decrypt(ciphertext: string): string;
  encrypt(plaintext: string): string;
}

const crypters = new Map<string, PassphraseCrypter>();

/** A crypter for one stack's `encryptionsalt`, after proving the passphrase against it. */
export function passphraseCrypter(encryptionSalt: string, passphrase: string): PassphraseCrypter {
  const cacheKey = `${encryptionSalt}\0${passphrase}`;
  const cached = crypters.get(cacheKey);
  if (cached) return cached;
  const [version, salt] = encryptionSalt.split(":");
  if (version !== "v1" || !salt) throw new PassphraseError("encryptionsalt is not in the v1 format the Pulumi CLI writes");
  const key = pbkdf2Sync(passphrase, Buffer.from(salt, "base64"), ITERATIONS, 32, "sha256");
  const crypter: PassphraseCrypter = { decrypt: (ciphertext) => decrypt(key, ciphertext), encrypt: (plaintext) => encrypt(key, plaintext) };
  let check: string | undefined;
  try {
    check = crypter.decrypt(encryptionSalt.split(":").slice(2).join(":"));
  } catch {
    // authentication failed: the wrong passphrase
  }
  if (check !== PASSPHRASE_CHECK) throw new PassphraseError("incorrect passphrase for this stack's encryptionsalt");
  crypters.set(cacheKey, crypter);
  return crypter;
}

function decrypt(key: Buffer, value: string): string {
  const [version, nonce, sealed, extra] = value.split(":");
  if (version !== "v1" || !nonce || !sealed || extra !== undefined) throw new PassphraseError("not a v1 secure value");
  const bytes = Buffer.from(sealed, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString("utf8");
}

function encrypt(key: Buffer, plaintext: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
}

/**
 * Keyed with a random key made for this process, so equal values give equal digests within one
 * run while a digest that leaked (into a log, a report) cannot be tested against guesses later.
 */
const DIGEST_KEY = randomBytes(32);

export interface SecureValueDigests {
  /** By stack name: config key path → digest of its decrypted value. */
  byStack: Map<string, Map<string, string>>;
  /** Stacks whose values could not be read, with why (another secrets provider, wrong passphrase). */
  unreadable: Array<{ stack: string; why: string }>;
}

/** Digests of every `secure:` value of the given stack files that `passphrase` opens. */
export function secureValueDigests(files: readonly StackFile[], passphrase: string): SecureValueDigests {
  const result: SecureValueDigests = { byStack: new Map(), unreadable: [] };
  for (const file of files) {
    if (file.secureValues.length === 0) continue;
    const salt = file.encryption.encryptionsalt;
    if (!salt) {
      result.unreadable.push({ stack: file.stack, why: "it does not use the passphrase secrets provider (no encryptionsalt)" });
      continue;
    }
    try {
      const crypter = passphraseCrypter(salt, passphrase);
      result.byStack.set(
        file.stack,
        new Map(file.secureValues.map(({ path, ciphertext }) => [path, createHmac("sha256", DIGEST_KEY).update(crypter.decrypt(ciphertext)).digest("hex")])),
      );
    } catch (error) {
      result.unreadable.push({
        stack: file.stack,
        why: error instanceof PassphraseError ? error.message : "a secure value does not decrypt with this passphrase",
      });
    }
  }
  return result;
}

/** Provider settings that are credentials whatever their value looks like: never plain in a stack file. */
export const CREDENTIAL_CONFIG_KEYS = ["cloudflare:apiToken", "cloudflare:apiKey", "cloudflare:apiUserServiceKey", "aws:secretKey", "aws:token"];

/** The command that writes a config value encrypted: a provided secret's own, `--path` for a value inside a key. */
export function setEncryptedCommand(path: string, stack: string): string {
  if (path.startsWith(`${SECRET_VALUES_KEY}.`)) return setSecretCommand(path.slice(SECRET_VALUES_KEY.length + 1), stack);
  return /[.[]/.test(path) ? `pulumi config set --secret --path '${path}' --stack ${stack}` : `pulumi config set --secret ${path} --stack ${stack}`;
}

/** One text to judge: `label` says where it is (a config key path, `<resource name> <input path>`), and is scanned with it. */
export interface PlainText {
  label: string;
  value: string;
}

/** Every text in a value with its path (`launch-ready:hosts[2].comment`), `prefix` the path of the value itself. */
export function textLeaves(value: unknown, prefix = ""): Array<{ path: string; value: string }> {
  const out: Array<{ path: string; value: string }> = [];
  const visit = (inner: unknown, path: string): void => {
    if (typeof inner === "string") out.push({ path, value: inner });
    else if (Array.isArray(inner)) inner.forEach((item, i) => visit(item, `${path}[${i}]`));
    else if (inner !== null && typeof inner === "object") for (const [key, item] of Object.entries(inner)) visit(item, path ? `${path}.${key}` : key);
  };
  visit(value, prefix);
  return out;
}

// The detector (secretlint and its rule preset) is loaded only once there is a text to judge,
// and kept: under tsx every import() is a round trip to its loader's thread.
let detector: Promise<typeof import("../domain/secrets/detect")> | undefined;
const loadDetector = () => (detector ??= import("../domain/secrets/detect"));

/** What the detector found in one text, and the secret itself as it is written there: never shown, only redacted. */
export interface DetectedSecret<T extends PlainText> {
  at: T;
  finding: SecretFinding;
  secret: string;
}

/**
 * Every secret the detector finds in `texts`, in one pass: one document of `label: value` lines,
 * each finding mapped back to its text. A finding gives its start and its fingerprint, not the
 * match, which it keeps from every report; the match is the span from the start that has that
 * fingerprint, cut to the value (a rule may take in the label as the key a secret follows).
 */
export async function detectSecrets<T extends PlainText>(texts: readonly T[]): Promise<Array<DetectedSecret<T>>> {
  const lines: Array<{ at: T; start: number; valueStart: number; valueEnd: number }> = [];
  let content = "";
  for (const at of texts) {
    const valueStart = content.length + at.label.length + 2;
    const valueEnd = valueStart + at.value.length;
    for (const line of `${at.label}: ${at.value}`.split("\n")) {
      lines.push({ at, start: content.length, valueStart, valueEnd });
      content += `${line}\n`;
    }
  }
  if (lines.length === 0) return [];
  const { findSecrets, fingerprint } = await loadDetector();
  return (await findSecrets(content, "Pulumi.stack.yaml")).map((finding) => {
    const { at, start, valueStart, valueEnd } = lines[finding.line - 1];
    const from = start + finding.column - 1;
    let to = valueEnd;
    for (let end = from + 1; end <= valueEnd; end++) {
      if (fingerprint(content.slice(from, end)) === finding.fingerprint) {
        to = end;
        break;
      }
    }
    return { at, finding, secret: content.slice(Math.max(from, valueStart), to) };
  });
}

/** A secret written in plain text in a stack file's config. */
export interface PlaintextSecret {
  /** The config key path that holds it, e.g. `launch-ready:hosts[2].comment`. */
  configPath: string;
  /** A provided secret's value or a provider credential, which are secrets whatever they look like; else what the detector found. */
  kind: "secret value" | "credential" | "detected";
  /** For a detected one, what was found, masked: `found Stripe secret or restricted key: sk_live_******** (107 chars)`. */
  finding?: SecretFinding;
  /** The secret as written: the whole value of a secret value or credential, the detector's match in any other. */
  secret: string;
}

/**
 * The secrets in the stack file's plain config, as SEC-NO-PLAINTEXT fails them: every plain value
 * of a provided secret or a provider credential, then every value in which the detector of
 * `npm run scan:secrets` finds a secret.
 */
export async function plaintextSecrets(file: StackFile): Promise<PlaintextSecret[]> {
  const always: PlaintextSecret[] = [];
  const judged: Array<PlainText & { configPath: string }> = [];
  for (const { path, value } of textLeaves(file.config)) {
    if (value === SECRET_PLACEHOLDER) continue;
    if (path.startsWith(`${SECRET_VALUES_KEY}.`)) always.push({ configPath: path, kind: "secret value", secret: value });
    else if (CREDENTIAL_CONFIG_KEYS.includes(path)) always.push({ configPath: path, kind: "credential", secret: value });
    else judged.push({ label: path, value, configPath: path });
  }
  const detected = (await detectSecrets(judged)).map(
    ({ at, finding, secret }): PlaintextSecret => ({ configPath: at.configPath, kind: "detected", finding, secret }),
  );
  return [...always, ...detected];
}

/**
 * Below this length a secret is replaced only where it is a whole text: a short plain credential
 * (a placeholder such as `todo`) would otherwise blank out every word it happens to be part of.
 */
const EMBEDDED_MIN_LENGTH = 8;

/**
 * `value` with each of `secrets` replaced, wherever it occurs in a text (a connection string, a
 * JSON document, a map key), by its preview (`sk_live_******** (107 chars)`). Data, not rendered
 * output, so no rendering (JSON escapes, wrapped table cells, cut-off columns) can split a secret
 * past the redaction.
 */
export function withSecretsRedacted<T>(value: T, secrets: readonly string[]): T {
  const whole = new Set(secrets.filter((secret) => secret !== ""));
  if (whole.size === 0) return value;
  const embedded = [...whole].filter((secret) => secret.length >= EMBEDDED_MIN_LENGTH).sort((a, b) => b.length - a.length);
  // One pass, longest first, so a preview is never searched again and a secret inside another goes with it.
  const pattern = embedded.length > 0 ? new RegExp(embedded.map((secret) => secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g") : undefined;
  const text = (inner: string) => (whole.has(inner) ? redactedPreview(inner) : pattern ? inner.replace(pattern, redactedPreview) : inner);
  const visit = (inner: unknown): unknown => {
    if (typeof inner === "string") return text(inner);
    if (Array.isArray(inner)) return inner.map(visit);
    if (inner !== null && typeof inner === "object") return Object.fromEntries(Object.entries(inner).map(([key, item]) => [text(key), visit(item)]));
    return inner;
  };
  return visit(value) as T;
}
