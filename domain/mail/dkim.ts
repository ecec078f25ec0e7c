/**
 * DKIM key records (RFC 6376 3.6.1): tags, key type and, for RSA, the key length read from the
 * public key itself. Plain functions shared by the email component, policies and live checks.
 */
import { createPublicKey } from "node:crypto";

export interface DkimKey {
  keyType: "rsa" | "ed25519";
  /** RSA modulus length in bits; 256 for ed25519. */
  bits: number;
  /** True for a revoked key (empty p=). */
  revoked: boolean;
  tags: Record<string, string>;
}

export interface DkimParse {
  key?: DkimKey;
  errors: string[];
  warnings: string[];
}

/** RFC 8301: verifiers must refuse RSA keys under 1024 bits; 2048 is what to publish. */
export const MIN_RSA_BITS = 1024;
export const RECOMMENDED_RSA_BITS = 2048;

export function parseDkimKey(txt: string): DkimParse {
  const errors: string[] = [];
  const warnings: string[] = [];
  const tags: Record<string, string> = {};
  for (const part of txt
    .split(";")
    .map((p) => p.trim())
    .filter((p) => p !== "")) {
    const match = /^([a-z]+)\s*=\s*(.*)$/i.exec(part);
    if (!match) {
      errors.push(`"${part}" is not a tag=value pair`);
      continue;
    }
    tags[match[1].toLowerCase()] = match[2].replace(/\s+/g, "");
  }
  if (tags.v !== undefined && tags.v !== "DKIM1") errors.push(`v must be DKIM1 (got ${tags.v})`);
  const keyType = (tags.k ?? "rsa").toLowerCase();
  if (keyType !== "rsa" && keyType !== "ed25519") errors.push(`k=${tags.k} is not rsa or ed25519`);
  if (tags.p === undefined) errors.push("has no p= public key");
  if (errors.length > 0) return { errors, warnings };
  if (tags.p === "")
    return { key: { keyType: keyType as DkimKey["keyType"], bits: 0, revoked: true, tags }, errors, warnings: ["the key is revoked (empty p=)"] };

  let bits: number;
  try {
    if (keyType === "ed25519") {
      if (Buffer.from(tags.p, "base64").length !== 32) throw new Error("length");
      bits = 256;
    } else {
      const key = createPublicKey({ key: Buffer.from(tags.p, "base64"), format: "der", type: "spki" });
      bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    }
  } catch {
    return { errors: [`p= is not a valid ${keyType} public key (truncated or mis-pasted?)`], warnings };
  }
  if (keyType === "rsa" && bits < MIN_RSA_BITS) errors.push(`the RSA key has ${bits} bits; receivers refuse keys under ${MIN_RSA_BITS} (RFC 8301)`);
  else if (keyType === "rsa" && bits < RECOMMENDED_RSA_BITS) warnings.push(`the RSA key has ${bits} bits; publish ${RECOMMENDED_RSA_BITS}`);
  if (tags.t?.split(":").includes("y")) warnings.push("t=y marks the key as testing, so receivers may ignore failures");
  return errors.length > 0 ? { errors, warnings } : { key: { keyType: keyType as DkimKey["keyType"], bits, revoked: false, tags }, errors, warnings };
}
