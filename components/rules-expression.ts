/**
 * Builds Cloudflare Rules language expressions from typed values. Every string goes through
 * `quote`, so a host or path containing quotes, backslashes or `or true` stays a literal and
 * cannot change what a rule matches.
 * Reference: https://developers.cloudflare.com/ruleset-engine/rules-language/values/
 */

/** A Rules language string literal: double quotes, with `\` and `"` escaped. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function hostIs(host: string): string {
  return `http.host eq ${quote(host)}`;
}

/** One host compares with `eq`; several use a set, which Cloudflare evaluates in one lookup. */
export function hostIn(hosts: readonly string[]): string {
  if (hosts.length === 0) throw new Error("hostIn needs at least one host");
  return hosts.length === 1 ? hostIs(hosts[0]) : `http.host in {${hosts.map(quote).join(" ")}}`;
}

export function pathIs(path: string): string {
  return `http.request.uri.path eq ${quote(path)}`;
}

/** Only requests that arrived over TLS. */
export const OVER_HTTPS = "ssl";

export function allOf(...conditions: string[]): string {
  return conditions.length === 1 ? conditions[0] : conditions.map((c) => `(${c})`).join(" and ");
}

/** `concat("https://www.example.com", http.request.uri.path)`: the target keeps the request's path. */
export function urlWithRequestPath(origin: string): string {
  return `concat(${quote(origin)}, http.request.uri.path)`;
}
