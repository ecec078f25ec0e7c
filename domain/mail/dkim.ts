/**
 * DKIM key records (RFC 6376 3.2 and 3.6.1, RFC 8301, RFC 8463): the tag list, the key type and,
 * for RSA, the key length read from the public key itself. Plain functions shared by the email
 * component, policies and live checks; they judge a record the way verifiers such as dkimpy and
 * OpenDKIM do.
 */
import { createPublicKey, type KeyObject } from "node:crypto";

export interface DkimKey {
  keyType: "rsa" | "ed25519";
  /** RSA modulus length in bits; 256 for ed25519. */
  bits: number;
  /** Every tag as written, whitespace removed from values. Names are case-sensitive (RFC 6376 3.2). */
  tags: Record<string, string>;
}

export interface DkimParse {
  /** The key, when receivers can use it. */
  key?: DkimKey;
  /** Why verifiers refuse the key, so every signature made with it fails. */
  errors: string[];
  warnings: string[];
}

/** RFC 8301: verifiers must refuse RSA keys under 1024 bits; 2048 is what to publish. */
export const MIN_RSA_BITS = 1024;
export const RECOMMENDED_RSA_BITS = 2048;

const KEY_TAGS = new Set(["v", "h", "k", "n", "p", "s", "t"]);
/** RFC 6376 3.2: tag-name = ALPHA *(ALPHA / DIGIT / "_"). */
const TAG_SPEC = /^([A-Za-z][A-Za-z0-9_]*)[ \t\r\n]*=(.*)$/s;
/** RFC 6376 3.2 whitespace: space, tab and line breaks only (a pasted no-break space is none of them). */
const FWS = /[ \t\r\n]+/g;

export function parseDkimKey(txt: string): DkimParse {
  const errors: string[] = [];
  const warnings: string[] = [];
  // No prototype: a tag named constructor or __proto__ is a tag like any other.
  const tags: Record<string, string> = Object.create(null);
  const foreign = /[^\x20-\x7e\t\r\n]/.exec(txt);
  // dkimpy reads the record as ASCII and refuses it otherwise; a pasted no-break space is the usual cause.
  if (foreign)
    errors.push(
      `has the character U+${foreign[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}, outside ASCII, so receivers refuse the key; copy the record again`,
    );
  const specs = txt
    .split(";")
    .map((p) => p.replace(FWS, " ").trim())
    .filter((p) => p !== "");
  for (const [position, spec] of specs.entries()) {
    const match = TAG_SPEC.exec(spec);
    if (!match) {
      errors.push(`"${spec}" is not a tag=value pair (RFC 6376 3.2); copy the record again from the provider`);
      continue;
    }
    const [, name, value] = match;
    if (Object.hasOwn(tags, name)) errors.push(`has the tag ${name}= twice, which makes the whole record invalid (RFC 6376 3.2); keep one`);
    if (name === "v" && position > 0) errors.push("v=DKIM1 must be the first tag (RFC 6376 3.6.1); move it to the front or drop it");
    if (!KEY_TAGS.has(name)) {
      warnings.push(
        KEY_TAGS.has(name.toLowerCase())
          ? `${name}= is not ${name.toLowerCase()}=: tag names are case-sensitive (RFC 6376 3.2), so receivers ignore it; write ${name.toLowerCase()}=`
          : `unknown tag ${name}= is ignored by receivers`,
      );
    }
    tags[name] = value.replace(FWS, "");
  }
  if (tags.v !== undefined && tags.v !== "DKIM1") errors.push(`v must be DKIM1 (got ${tags.v})`);
  const keyType = (tags.k ?? "rsa").toLowerCase();
  if (keyType !== "rsa" && keyType !== "ed25519") errors.push(`k=${tags.k} is not rsa or ed25519, so receivers cannot use the key; write k=rsa or k=ed25519`);
  // The grammar's literals ignore case, but dkimpy compares k= byte for byte.
  else if (tags.k !== undefined && tags.k !== keyType) warnings.push(`write k=${keyType} in lower case: dkimpy refuses k=${tags.k}`);
  // Hash and service names are grammar literals, so their case does not matter (RFC 5234 2.3).
  const hashes = tags.h?.toLowerCase().split(":");
  // Unknown algorithms are ignored (RFC 6376 3.6.1) and SHA-1 is refused (RFC 8301): only sha256 verifies.
  if (hashes && !hashes.includes("sha256"))
    errors.push(
      `h=${tags.h} ${hashes.includes("sha1") ? "allows only SHA-1, which receivers refuse (RFC 8301)" : "names no hash algorithm receivers know"}; write h=sha256 or drop h=`,
    );
  const services = tags.s?.toLowerCase().split(":");
  if (services && !services.includes("*") && !services.includes("email"))
    errors.push(`s=${tags.s} does not include email or *, so receivers do not use the key for mail (RFC 6376 3.6.1); drop s= or write s=email`);
  const flags = tags.t?.split(":").filter((flag) => flag !== "") ?? [];
  for (const flag of flags.filter((f) => f !== "y" && f !== "s")) warnings.push(`t= flag ${flag} is unknown and ignored (RFC 6376 defines y and s)`);
  if (tags.p === undefined) errors.push("has no p= public key");
  if (errors.length > 0) return { errors, warnings };
  const type = keyType as DkimKey["keyType"];
  if (tags.p === "")
    return {
      errors: [
        "the key is revoked (empty p=, RFC 6376 3.6.1), so every signature made with this selector fails; publish the provider's current key, or remove the record once nothing signs with it",
      ],
      warnings,
    };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(tags.p)) return { errors: ["p= is not base64 (A-Z, a-z, 0-9, + and /); copy the key again from the provider"], warnings };

  const der = Buffer.from(tags.p, "base64");
  let bits: number;
  if (type === "ed25519") {
    // RFC 8463 3.2: p= is the bare 32-byte key, not a SubjectPublicKeyInfo.
    if (der.length !== 32) {
      const spki = readKey(der, "spki");
      const hint = spki?.asymmetricKeyType === "ed25519" ? "this is a SubjectPublicKeyInfo: publish its last 32 bytes" : "copy the key again from the provider";
      return { errors: [`p= for k=ed25519 must be the raw 32-byte key (RFC 8463), this one has ${der.length} bytes; ${hint}`], warnings };
    }
    bits = 256;
  } else {
    // RFC 6376 3.6.1 specifies RSAPublicKey; most signers publish SubjectPublicKeyInfo. Verifiers take both.
    const key = readKey(der, "spki") ?? readKey(der, "pkcs1");
    if (key?.asymmetricKeyType === "ed25519")
      return { errors: ["p= holds an ed25519 key but k= is rsa (the default); write k=ed25519 and publish the raw 32-byte key (RFC 8463)"], warnings };
    if (key?.asymmetricKeyType !== "rsa")
      return {
        errors: ["p= is not a valid rsa public key (truncated or mis-pasted?); copy the whole key again from the provider"],
        warnings,
      };
    bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  }
  if (type === "rsa" && bits < MIN_RSA_BITS) errors.push(`the RSA key has ${bits} bits; receivers refuse keys under ${MIN_RSA_BITS} (RFC 8301)`);
  else if (type === "rsa" && bits < RECOMMENDED_RSA_BITS) warnings.push(`the RSA key has ${bits} bits; publish ${RECOMMENDED_RSA_BITS}`);
  if (flags.includes("y")) warnings.push("t=y marks the key as testing: receivers treat its mail as unsigned (RFC 6376 3.6.1); drop t=y once signing works");
  return errors.length > 0 ? { errors, warnings } : { key: { keyType: type, bits, tags }, errors, warnings };
}

function readKey(der: Buffer, type: "spki" | "pkcs1"): KeyObject | undefined {
  try {
    return createPublicKey({ key: der, format: "der", type });
  } catch {
    return undefined;
  }
}
