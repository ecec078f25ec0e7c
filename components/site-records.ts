/**
 * What a stack declares, as plain data: the DNS records, redirect rules and zone settings the
 * components create. No Pulumi here, so the components, the policies and live verification all
 * derive "what should exist" from the same functions.
 */
import { ZONE_SETTINGS } from "../domain/cloudflare/identifiers";
import { createHash } from "node:crypto";
import { DEFAULT_DNS_ONLY_TTL, type DeclaredHost, type DeclaredRecord, type LaunchReadyConfig } from "../stacks/stack-config";
import type { TlsSettings } from "../stacks/schema/site";
import { allOf, hostIn, hostIs, not, OVER_HTTPS, pathIs, pathStartsWithAny, urlWithRequestPath } from "../domain/cloudflare/rule-expressions";
import { ACME_CHALLENGE_PATH } from "../domain/hosting/platforms";

/** One DNS record as DnsRecords creates it. */
export interface RecordSpec {
  /**
   * The record's Pulumi resource name, unique among the component's records. The kit makes it
   * from what the record is (its name and type, plus its value or role where one name holds several
   * of a type), never from a list position, so reordering replaces nothing.
   * @example "www.example.com-CNAME"
   */
  logicalName: string;
  /**
   * Fully qualified name, as Cloudflare stores and returns it.
   * @example "www.example.com"
   */
  name: string;
  /** @example "CNAME" */
  type: "A" | "AAAA" | "CNAME" | "TXT" | "MX" | "CAA" | "SRV" | "NS";
  /**
   * The value in zone-file form. For CAA and SRV, Cloudflare takes `data` instead and this is only
   * the readable form.
   * @example "cname.vercel-dns.com"
   */
  content: string;
  /**
   * CAA and SRV only: the structured value Cloudflare takes for them, sent instead of `content`.
   * @example { flags: 0, tag: "issue", value: "letsencrypt.org" }
   */
  data?: DeclaredRecord["data"];
  /**
   * MX preference, lower tried first; only MX records have one (an SRV record's is in `data`).
   * @example 10
   */
  priority?: number;
  /**
   * Whether Cloudflare's proxy answers for the name, hiding the origin behind its edge. Only A,
   * AAAA and CNAME records can be proxied; mail and verification records never are.
   * @example true
   */
  proxied: boolean;
  /**
   * Seconds resolvers may cache the record; 1 is Cloudflare's automatic TTL, which proxied
   * records always have.
   * @example 300
   */
  ttl: number;
  /**
   * Stored with the record in Cloudflare. The kit's say who manages it, so nobody "fixes" the record
   * by hand in the dashboard; the Free plan stores at most 100 characters.
   * @example "Managed by launch-ready (production)"
   */
  comment: string;
}

/** One rule of the zone's redirect ruleset, as CanonicalRedirect creates it. */
export interface RedirectRuleSpec {
  /**
   * Stable rule reference, so Cloudflare keeps the rule's identity across updates; unique in the ruleset.
   * @example "canonical-host"
   */
  ref: string;
  /**
   * Shown in the Cloudflare dashboard beside the rule.
   * @example "Canonical host: example.com to www.example.com (DNS-CANONICAL)"
   */
  description: string;
  /**
   * Which requests the rule redirects, in Cloudflare's Rules language. The kit's rules add `(ssl)`
   * when Always Use HTTPS is on, so `http://` first upgrades on the same host, as HSTS preload requires.
   * @example '(http.host eq "example.com") and (ssl)'
   */
  expression: string;
  /**
   * The redirect's HTTP status: 301 or 308 for a permanent move, 302 or 307 for a temporary one.
   * @example 301
   */
  statusCode: number;
  /**
   * Where the request goes: a fixed URL, or an expression that builds one from the request (to
   * keep its path).
   * @example { expression: 'concat("https://www.example.com", http.request.uri.path)' }
   */
  target: { value: string } | { expression: string };
  /**
   * Keep the request's query string on the target URL.
   * @example true
   */
  preserveQueryString: boolean;
}

export interface ZoneSettingSpec {
  logicalName: string;
  /** Cloudflare API setting ID (snake_case, as the API and the provider store it). */
  settingId: string;
  value: unknown;
}

/**
 * A record comment says who owns the record, so nobody "fixes" it by hand in the dashboard.
 * At most 37 + 3 + 60 characters: within the Free plan's 100-character comment limit.
 */
export function recordComment(environment: string, userComment?: string): string {
  const own = `Managed by launch-ready (${environment})`;
  return userComment ? `${own} | ${userComment}` : own;
}

/** URN-safe: IPv6 "::" would read as a URN separator. */
function nameSafe(text: string): string {
  return text.replace(/:/g, "_");
}

/** A host's records, and its platform's ownership TXT (DNS-only, named by a digest of its value like any TXT). */
export function hostRecordSpecs(host: DeclaredHost, environment: string): RecordSpec[] {
  const records = host.records.map(
    (record): RecordSpec => ({
      logicalName: record.type === "CNAME" ? `${host.fqdn}-CNAME` : `${host.fqdn}-${record.type}-${nameSafe(record.content)}`,
      name: host.fqdn,
      type: record.type,
      content: record.content,
      proxied: host.proxied,
      ttl: host.ttl,
      comment: recordComment(environment, host.comment),
    }),
  );
  if (!host.verification) return records;
  const { name, content } = host.verification;
  const verification: RecordSpec = {
    logicalName: `${name}-TXT-${txtLabel(content)}`,
    name,
    type: "TXT",
    content,
    proxied: false,
    ttl: DEFAULT_DNS_ONLY_TTL,
    comment: recordComment(environment, `${host.platform} ownership TXT`),
  };
  return [...records, verification];
}

/** Verification strings are long and opaque; a digest keeps a TXT record's name short and stable. */
function txtLabel(content: string): string {
  return createHash("sha256").update(content).digest("hex").slice(0, 12);
}

/** Proxied hosts whose platform fetches HTTP-01 challenges through the proxy, sorted: the edge passes ACME_CHALLENGE_PATH through to them. */
export function acmePassThroughHosts(config: LaunchReadyConfig): string[] {
  return config.hosts
    .filter((host) => host.acmePassThrough)
    .map((host) => host.fqdn)
    .sort();
}

/** Every DNS record the stack declares, sorted by name so output never depends on list order. */
export function dnsRecordSpecs(config: LaunchReadyConfig): RecordSpec[] {
  return config.hosts
    .flatMap((host) => hostRecordSpecs(host, config.environment))
    .sort((a, b) => (a.logicalName < b.logicalName ? -1 : a.logicalName > b.logicalName ? 1 : 0));
}

/** What names a CAA record among the others at its name: every field of its value, so records differing in any one are distinct. */
export function caaRecordLabel(data: { flags: number; tag: string; value: string }): string {
  return `${data.flags}-${data.tag}-${data.value.replace(/[^A-Za-z0-9.@-]+/g, "_")}`;
}

/** What names a declared record among others of its type at its name, from its value alone. */
function extraRecordLabel(record: DeclaredRecord): string {
  switch (record.type) {
    case "TXT":
      return txtLabel(record.content);
    // Every field of the value is in the name: records differing in any one of them are distinct.
    case "CAA":
      return caaRecordLabel(record.data as { flags: number; tag: string; value: string });
    case "SRV": {
      const data = record.data as { priority: number; weight: number; port: number; target: string };
      return `${data.priority}-${data.weight}-${data.target}-${data.port}`;
    }
    case "MX":
      return `${record.priority}-${record.content}`;
    default:
      return record.content;
  }
}

/** The records of `launch-ready:records`, sorted by logical name. */
export function extraRecordSpecs(config: LaunchReadyConfig): RecordSpec[] {
  return config.records
    .map(
      (record): RecordSpec => ({
        logicalName: record.type === "CNAME" ? `${record.name}-CNAME` : `${record.name}-${record.type}-${extraRecordLabel(record)}`,
        name: record.name,
        type: record.type,
        content: record.content,
        ...(record.data ? { data: record.data } : {}),
        ...(record.priority === undefined ? {} : { priority: record.priority }),
        proxied: false,
        ttl: record.ttl,
        comment: recordComment(config.environment, record.comment),
      }),
    )
    .sort((a, b) => (a.logicalName < b.logicalName ? -1 : a.logicalName > b.logicalName ? 1 : 0));
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
}

/**
 * The zone's dynamic redirect rules: the extra redirects first (they are more specific), then one
 * rule sending the non-canonical host to the canonical one in a single hop, path and query kept
 * (none for a stack whose domain is its one host).
 * With Always Use HTTPS on, rules match only https requests, so `http://` first upgrades on the
 * same host (what HSTS preload requires) and is then redirected once.
 */
export function redirectRuleSpecs(config: LaunchReadyConfig): RedirectRuleSpec[] {
  const passThrough = new Set(acmePassThroughHosts(config));
  // A platform fetching its HTTP-01 challenge through the proxy must get the platform's answer, not a redirect.
  const onHost = (host: string, condition: string) => (passThrough.has(host) ? allOf(condition, not(pathStartsWithAny([ACME_CHALLENGE_PATH]))) : condition);
  const httpsFirst = (condition: string) => (config.tls.alwaysUseHttps ? allOf(condition, OVER_HTTPS) : condition);
  const extra = [...config.redirects]
    .sort((a, b) => (`${a.host}${a.path ?? ""}` < `${b.host}${b.path ?? ""}` ? -1 : 1))
    .map(
      (redirect): RedirectRuleSpec => ({
        ref: `redirect-${slug(`${redirect.host}${redirect.path ?? ""}`)}`,
        description: `Redirect ${redirect.host}${redirect.path ?? "/*"} to ${redirect.to}`,
        expression: httpsFirst(onHost(redirect.host, redirect.path ? allOf(hostIs(redirect.host), pathIs(redirect.path)) : hostIs(redirect.host))),
        statusCode: redirect.status,
        target: { value: redirect.to },
        preserveQueryString: redirect.preserveQueryString,
      }),
    );
  const { alternateFqdn } = config.canonical;
  if (alternateFqdn === undefined) return extra;
  const canonical: RedirectRuleSpec = {
    ref: "canonical-host",
    description: `Canonical host: ${alternateFqdn} to ${config.canonical.fqdn} (DNS-CANONICAL)`,
    expression: httpsFirst(onHost(alternateFqdn, hostIn([alternateFqdn]))),
    statusCode: config.canonical.status,
    target: { expression: urlWithRequestPath(`https://${config.canonical.fqdn}`) },
    preserveQueryString: true,
  };
  return [...extra, canonical];
}

/** What the `cloudflare.ZoneDnssec` the kit declares is given: Cloudflare signs the zone itself (no multi-signer, no pre-signed transfer). */
export interface DnssecSpec {
  logicalName: string;
  status: "active";
}

/** The zone's one DNSSEC resource, named after the zone so several zones can live in one program. */
export function dnssecSpec(zoneName: string): DnssecSpec {
  return { logicalName: `${zoneName}-dnssec`, status: "active" };
}

const onOff = (on: boolean) => (on ? "on" : "off");

/** The zone's TLS settings (TLS-STRICT, TLS-HTTPS-ONLY, TLS-VERSION, TLS-HSTS). */
export function zoneSettingSpecs(zone: string, tls: TlsSettings): ZoneSettingSpec[] {
  const settings: Array<[string, unknown]> = [
    [ZONE_SETTINGS.ssl, tls.ssl],
    [ZONE_SETTINGS.alwaysUseHttps, onOff(tls.alwaysUseHttps)],
    [ZONE_SETTINGS.automaticHttpsRewrites, onOff(tls.automaticHttpsRewrites)],
    [ZONE_SETTINGS.minTlsVersion, tls.minTlsVersion],
    [ZONE_SETTINGS.tls13, tls.tls13],
    [
      ZONE_SETTINGS.securityHeader,
      {
        strict_transport_security: {
          enabled: tls.hsts.enabled,
          max_age: tls.hsts.maxAge,
          include_subdomains: tls.hsts.includeSubdomains,
          preload: tls.hsts.preload,
          nosniff: tls.hsts.nosniff,
        },
      },
    ],
  ];
  return settings.map(([settingId, value]) => ({ logicalName: `${zone}-${settingId}`, settingId, value }));
}

/** The canonical site URL, e.g. `https://www.example.com`. */
export function canonicalUrl(config: LaunchReadyConfig): string {
  return `https://${config.canonical.fqdn}`;
}
