/**
 * Cloudflare's edge address ranges, as published at https://www.cloudflare.com/ips/ (the lists
 * https://www.cloudflare.com/ips-v4 and /ips-v6), copied on the date below. A proxied host must
 * answer from one of them (DNS-PROXIED, live). Cloudflare changes them rarely; re-copy when the
 * date is a year old.
 */
import { BlockList } from "node:net";

export const CLOUDFLARE_RANGES_COPIED = "2026-11-25";

export const CLOUDFLARE_IPV4 = [
  "173.245.48.0/20",
  "103.21.244.0/22",
  "103.22.200.0/22",
  "103.31.4.0/22",
  "141.101.64.0/18",
  "108.162.192.0/18",
  "190.93.240.0/20",
  "188.114.96.0/20",
  "197.234.240.0/22",
  "198.41.128.0/17",
  "162.158.0.0/15",
  "104.16.0.0/13",
  "104.24.0.0/14",
  "172.64.0.0/13",
  "131.0.72.0/22",
];
export const CLOUDFLARE_IPV6 = ["2400:cb00::/32", "2606:4700::/32", "2803:f800::/32", "2405:b500::/32", "2405:8100::/32", "2a06:98c0::/29", "2c0f:f248::/32"];

const edge = new BlockList();
for (const range of CLOUDFLARE_IPV4) edge.addSubnet(range.split("/")[0], Number(range.split("/")[1]), "ipv4");
for (const range of CLOUDFLARE_IPV6) edge.addSubnet(range.split("/")[0], Number(range.split("/")[1]), "ipv6");

export function isCloudflareAddress(address: string): boolean {
  return edge.check(address, address.includes(":") ? "ipv6" : "ipv4");
}

/**
 * The addresses Cloudflare's docs give the proxied record of a name that has no origin and only
 * redirects (a Redirect Rule answers before any origin would): 192.0.2.1 (RFC 5737) and 100::
 * (RFC 6666). Reachable by no one, so a name holding only these serves nothing itself.
 */
export const REDIRECT_ONLY_ADDRESSES: readonly string[] = ["192.0.2.1", "100::"];
