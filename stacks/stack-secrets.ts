/**
 * Reads `secure:` values of stack files that use Pulumi's passphrase secrets provider, the way
 * the Pulumi CLI does (pulumi/pulumi sdk/go/common/resource/config/crypt.go and
 * pkg/secrets/passphrase/manager.go): PBKDF2-HMAC-SHA256 with 1,000,000 iterations over an 8-byte
 * salt gives an AES-256-GCM key; a value is `v1:<base64 12-byte nonce>:<base64 ciphertext+tag>`;
 * `encryptionsalt:` is `v1:<base64 salt>:` followed by the encryption of "pulumi", which proves
 * the passphrase. Used only to compare values across stacks (SEC-ENV-SEPARATION), by keyed digest:
 * a decrypted value never leaves this module.
 */
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { StackFile } from "./stack-file";

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
