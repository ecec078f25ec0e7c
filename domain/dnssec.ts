/**
 * DNSSEC's delegation facts as plain functions: the key tag of a DNSKEY and the DS digest a
 * parent publishes for it, so verify can tell whether the DS the parent serves names a key the
 * zone serves. RFC 4034 §5.1.4 and Appendix B (read 2026-12-03); SHA-384 from RFC 6605 §2 and
 * SHA-256 from RFC 4509 §2.1.
 */
import { createHash } from "node:crypto";

/** A DNSKEY's RDATA fields (RFC 4034 §2.1); `publicKey` as the key's bytes. */
export interface DnskeyRdata {
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Buffer;
}

/** A DS record's RDATA fields (RFC 4034 §5.1); the digest in upper-case hex, as registrars show it. */
export interface DsRdata {
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: string;
}

/** DS digest types (IANA "Delegation Signer (DS) Resource Record (RR) Type Digest Algorithms") and the hash each names. */
export const DS_DIGEST_TYPES: Readonly<Record<number, string>> = { 1: "sha1", 2: "sha256", 4: "sha384" };

/** The Secure Entry Point flag: a key-signing key, the one a parent's DS names (RFC 4034 §2.1.1). */
export const DNSKEY_SEP_FLAG = 0x0001;

/** The DNSKEY RDATA on the wire: flags, protocol, algorithm, then the key. */
export function dnskeyWire(key: DnskeyRdata): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(key.flags, 0);
  head.writeUInt8(key.protocol, 2);
  head.writeUInt8(key.algorithm, 3);
  return Buffer.concat([head, key.publicKey]);
}

/**
 * The key tag of RFC 4034 Appendix B: the RDATA summed as 16-bit words, carry folded in once.
 * Algorithm 1 (RSA/MD5), whose tag is read from the key instead, is deprecated (RFC 6725) and
 * never signs a Cloudflare zone; it is tagged the same way here.
 */
export function keyTag(key: DnskeyRdata): number {
  const rdata = dnskeyWire(key);
  let sum = 0;
  for (let i = 0; i < rdata.length; i++) sum += i & 1 ? rdata[i] : rdata[i] << 8;
  sum += (sum >> 16) & 0xffff;
  return sum & 0xffff;
}

/** A name in canonical wire form (RFC 4034 §6.2): lower-case labels, each after its length, then the root's 0. */
export function canonicalNameWire(name: string): Buffer {
  const labels = name
    .replace(/\.$/, "")
    .split(".")
    .filter((label) => label.length > 0);
  return Buffer.concat([...labels.flatMap((label) => [Buffer.from([label.length]), Buffer.from(label.toLowerCase(), "ascii")]), Buffer.from([0])]);
}

/**
 * The DS a parent would publish for `key` at `owner` with `digestType`: digest = hash(owner name
 * in canonical wire form | DNSKEY RDATA) (RFC 4034 §5.1.4). Undefined for a digest type not known here.
 */
export function dsFor(owner: string, key: DnskeyRdata, digestType: number): DsRdata | undefined {
  const hash = DS_DIGEST_TYPES[digestType];
  if (!hash) return undefined;
  const digest = createHash(hash)
    .update(Buffer.concat([canonicalNameWire(owner), dnskeyWire(key)]))
    .digest("hex")
    .toUpperCase();
  return { keyTag: keyTag(key), algorithm: key.algorithm, digestType, digest };
}

/** A DS record's RDATA as the wire carries it: key tag (16 bits), algorithm, digest type, digest. Undefined when too short. */
export function parseDsRdata(rdata: Buffer): DsRdata | undefined {
  if (rdata.length < 5) return undefined;
  return { keyTag: rdata.readUInt16BE(0), algorithm: rdata[2], digestType: rdata[3], digest: rdata.subarray(4).toString("hex").toUpperCase() };
}

/** A DS as a zone file and most registrars' forms show it: `12345 13 2 ABCD...`. */
export function dsText(ds: DsRdata): string {
  return `${ds.keyTag} ${ds.algorithm} ${ds.digestType} ${ds.digest}`;
}

/** Whether `ds` names `key` at `owner`: same tag, algorithm and digest (digests compared without case). */
export function dsMatches(owner: string, ds: DsRdata, key: DnskeyRdata): boolean {
  const expected = dsFor(owner, key, ds.digestType);
  return expected !== undefined && expected.keyTag === ds.keyTag && expected.algorithm === ds.algorithm && expected.digest === ds.digest.toUpperCase();
}
