/**
 * A host of the stack as resolved from `launch-ready:hosts`: the shape every other part of the
 * config (edge, email, monitoring) refers to, kept apart so none of them imports the whole
 * config reader that imports them.
 */
import type { HostingPlatform } from "../domain/hosting/platforms";
import type { RecordTarget } from "../domain/hostnames";
import type { HostPurpose } from "./schema/site";

export interface DeclaredHost {
  /** Position in `launch-ready:hosts`, for error messages only; never used to name resources. */
  index: number;
  /** The name as written in the stack file. */
  name: string;
  /** Fully qualified, lower-case ASCII (punycode) name: what Cloudflare stores and returns. */
  fqdn: string;
  purpose: HostPurpose;
  proxied: boolean;
  /** Seconds; 1 means Cloudflare's automatic TTL (always the case for proxied records). */
  ttl: number;
  records: RecordTarget[];
  comment?: string;
  /** The platform serving it (`launch-ready:hosts[i].platform`), whose documented shapes it was checked against. */
  platform?: HostingPlatform;
  /** The platform's ownership TXT record: fully qualified name and value, never proxied. */
  verification?: { name: string; content: string };
  /**
   * Proxied, on a platform that issues certificates over HTTP-01 through the proxy: the kit's
   * edge rules must neither cache nor redirect ACME_CHALLENGE_PATH on it.
   */
  acmePassThrough: boolean;
}
