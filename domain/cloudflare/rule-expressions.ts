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

/** `starts_with(http.request.uri.path, "/api/")` for each prefix, any of them. */
export function pathStartsWithAny(prefixes: readonly string[]): string {
  return anyOf(...prefixes.map((prefix) => `starts_with(http.request.uri.path, ${quote(prefix)})`));
}

export function pathIn(paths: readonly string[]): string {
  return paths.length === 1 ? pathIs(paths[0]) : `http.request.uri.path in {${paths.map(quote).join(" ")}}`;
}

export function extensionIn(extensions: readonly string[]): string {
  return `http.request.uri.path.extension in {${extensions.map(quote).join(" ")}}`;
}

/** The request carries the header (Cloudflare lower-cases header names). */
export function hasHeader(name: string): string {
  return `len(http.request.headers[${quote(name.toLowerCase())}]) > 0`;
}

/** The request carries a cookie of that name. */
export function hasCookie(name: string): string {
  return `http.cookie contains ${quote(`${name}=`)}`;
}

/** The response does not already carry the header: the app's own value wins. */
export function responseLacksHeader(name: string): string {
  return `not (len(http.response.headers[${quote(name.toLowerCase())}]) > 0)`;
}

export const HTML_RESPONSE = `http.response.content_type.media_type eq "text/html"`;

export function sourceIpIn(addresses: readonly string[]): string {
  // IP addresses and CIDR ranges are bare values in a set, not strings; they were validated as such.
  return `ip.src in {${addresses.join(" ")}}`;
}

export function anyOf(...conditions: string[]): string {
  return conditions.length === 1 ? conditions[0] : conditions.map((c) => `(${c})`).join(" or ");
}

export function not(condition: string): string {
  return `not (${condition})`;
}
