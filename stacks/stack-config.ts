/**
 * Reads a stack's `launch-ready:*` config into one validated, resolved value, or reports every
 * problem at once. This is the single source of truth for provisioning (the program), the offline
 * plan, and later live verification. No Pulumi here: callers hand in the raw key/value map.
 */
import {
  formatConfigPath,
  problem,
  problemsFromIssues,
  prototypeKeyProblems,
  unnamespacedKeyProblems,
  type ConfigProblem,
  type PathSegment,
} from "./config-problems";
import { ZONE_PLAN_LIMITS, recordTtlProblem, type ZonePlan } from "../domain/cloudflare/zone-plans";
import { resolveEdge, type EdgeConfig } from "./edge-config";
import { resolveEmail, type EmailConfig } from "./email-config";
import { resolveMonitoring, type MonitoringConfig } from "./monitoring-config";
import { resolvePerformance, type PerformanceConfig } from "./performance-config";
import { resolveEnv, resolveSecrets, type DeclaredEnvVar, type SecretsConfig } from "./secrets-config";
import { resolveRecords, type DeclaredRecord } from "./records-config";
import { checkWaiverTargets, resolveWaivers } from "./waivers-config";
import type { DeclaredHost } from "./declared-host";
import { resolveHosting } from "./hosting-config";
import { shownValue } from "./shown-value";
import { classifyTarget, resolveHostInZone, toAsciiZoneName, type RecordTarget } from "../domain/hostnames";
import { CONFIG_NAMESPACE, stackConfigSchema, type StackConfigFields } from "./config-schema";
import type { TlsSettings, Waiver } from "./schema/site";
import type { Environment } from "../domain/bar/weighing";
import type { HandoverFields } from "./schema/operations";

export type { ConfigProblem } from "./config-problems";
export { formatProblems, problemsHeading } from "./config-problems";
export {
  needsWebhookSkip,
  rateLimitGroupKey,
  webhookEndpoints,
  type DeclaredAdminProtection,
  type DeclaredEndpoint,
  type EdgeConfig,
  type ExternalEndpoint,
} from "./edge-config";
export type { EmailConfig, SendingName } from "./email-config";
export type { DeclaredEnvVar, DeclaredSecret, SecretsConfig } from "./secrets-config";
export type { DeclaredMonitor, MonitoringConfig } from "./monitoring-config";
export type { BudgetedEndpoint, PerformanceConfig } from "./performance-config";
export type { DeclaredRecord } from "./records-config";
export type { DeclaredHost } from "./declared-host";

export interface DeclaredRedirect {
  index: number;
  /** Fully qualified host the redirect answers on. */
  host: string;
  path?: string;
  to: string;
  status: number;
  preserveQueryString: boolean;
}

export interface LaunchReadyConfig {
  environment: Environment;
  zone: {
    /** The stack's domain: the zone's, or with `owner` this stack's subdomain of it; names are relative to it. */
    domain: string;
    zoneId: string;
    accountId: string;
    plan: ZonePlan;
    /** How many DNS records the zone holds: `zone.recordQuota`, else the plan's default. */
    recordQuota: number;
    /** The stack that owns the zone when another one does: it manages what is zone-wide, this stack only its records. */
    owner?: string;
    /** With owner: whether the owner orders an advanced certificate for this stack's domain and the names below it. */
    edgeCertificate?: "universal" | "advanced";
    /** Whether the stack signs its zone (DNS-DNSSEC); absent with owner, whose stack decides for the zone. */
    dnssec?: boolean;
  };
  canonical: {
    host: "apex" | "www";
    /** The canonical host's fully qualified name. */
    fqdn: string;
    /**
     * The other member of the apex/www pair, which redirects to the canonical host; absent for a
     * stack in another stack's zone that declares no canonical pair, whose domain is its one host.
     */
    alternateFqdn?: string;
    status: 301 | 308;
  };
  hosts: DeclaredHost[];
  redirects: DeclaredRedirect[];
  tls: TlsSettings;
  protect: boolean;
  edge: EdgeConfig;
  email: EmailConfig;
  secrets: SecretsConfig;
  monitoring: MonitoringConfig;
  performance: PerformanceConfig;
  /** The env manifest: every variable the app reads, in every environment. */
  env: DeclaredEnvVar[];
  /** Records that are neither hosts nor mail authentication: verification, CAA, SRV, delegations. */
  records: DeclaredRecord[];
  /** Contacts, registrar and access inventory, for the handover. */
  handover: HandoverFields;
  waivers: Waiver[];
}

export type ParseResult = { ok: true; config: LaunchReadyConfig } | { ok: false; problems: ConfigProblem[] };

/** TTL for DNS-only records when the stack file gives none. */
export const DEFAULT_DNS_ONLY_TTL = 300;
export const AUTOMATIC_TTL = 1;

/**
 * Strips the `launch-ready:` namespace from a stack's config map; keys of other namespaces
 * (`cloudflare:apiToken`, `aws:region`) belong to providers and are left alone.
 */
export function ownConfigKeys(config: Record<string, unknown>): Record<string, unknown> {
  const prefix = `${CONFIG_NAMESPACE}:`;
  // fromEntries defines keys rather than assigning them: `own["__proto__"] = value` would make the
  // value the map's prototype, whose keys the schema reads but its unknown-key check never sees.
  return Object.fromEntries(Object.entries(config).flatMap(([key, value]) => (key.startsWith(prefix) ? [[key.slice(prefix.length), value]] : [])));
}

/**
 * Validates and resolves a stack's config. `config` holds the stack file's keys
 * (`launch-ready:hosts`, ...) with their values already decoded from YAML or JSON.
 */
export function parseStackConfig(config: Record<string, unknown>): ParseResult {
  const keyProblems = [...unnamespacedKeyProblems(config), ...prototypeKeyProblems(config)];
  if (keyProblems.length > 0) return { ok: false, problems: keyProblems };
  const input = ownConfigKeys(config);
  const parsed = stackConfigSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: problemsFromIssues(parsed.error.issues, input) };
  return resolve(parsed.data, input);
}

/**
 * What Cloudflare applies to a whole zone, so only the stack that owns the zone may set it; a
 * stack in another stack's zone that sets one is refused with why, rather than ignored.
 */
const ZONE_WIDE_FIELDS: ReadonlyArray<{ path: PathSegment[]; why: string }> = [
  {
    path: ["tls"],
    why: "SSL mode, TLS versions, HTTPS redirects and HSTS are settings of the whole zone on Cloudflare, so the owner's apply to this stack's hosts too. A shorter HSTS max-age here could not take effect either: the owner's includeSubdomains makes browsers apply its HSTS to every name under its domain. Its CAA set (tls.caa) is the zone's too: CAs look for CAA up the tree, so the apex's governs every name below it (RFC 8659 3)",
  },
  { path: ["edge", "waf"], why: "the managed WAF ruleset runs on every host of the zone, so the owner's choice applies to this stack's hosts too" },
  {
    path: ["zone", "dnssec"],
    why: "DNSSEC signs the whole zone on Cloudflare, and the registrar holds one DS record for it, so the owner's choice applies to this stack's names too",
  },
  { path: ["edge", "ddos"], why: "the HTTP DDoS override applies to the whole zone, so the owner's applies to this stack's hosts too" },
  { path: ["edge", "bots"], why: "Bot Fight Mode and Super Bot Fight Mode are settings of the whole zone, so the owner's apply to this stack's hosts too" },
];

function zoneWideProblems(fields: StackConfigFields, input: Record<string, unknown>): ConfigProblem[] {
  const owner = fields.zone.owner;
  if (owner === undefined) {
    return fields.zone.edgeCertificate === undefined
      ? []
      : [problem(["zone", "edgeCertificate"], "only applies with zone.owner, to a stack living in another stack's zone; remove it")];
  }
  const given = (path: PathSegment[]) =>
    path.reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<PathSegment, unknown>)[key] : undefined), input) !==
    undefined;
  return ZONE_WIDE_FIELDS.filter(({ path }) => given(path)).map(({ path, why }) =>
    problem(path, `is set, but stack ${owner} owns this zone (zone.owner) and ${why}; remove it here and set it in ${owner}'s stack file`),
  );
}

function resolve(fields: StackConfigFields, input: Record<string, unknown>): ParseResult {
  const problems: ConfigProblem[] = zoneWideProblems(fields, input);
  const zoneName = toAsciiZoneName(fields.zone.domain);
  if (!zoneName.ok) return { ok: false, problems: [problem(["zone", "domain"], zoneName.problem)] };
  const zone = zoneName.value;
  const limits = ZONE_PLAN_LIMITS[fields.zone.plan];

  const waivers = resolveWaivers(fields.waivers, problems);
  const wildcardWaived = waivers.some((waiver) => waiver.id === "DNS-SUBDOMAINS");

  // The non-canonical member of the apex/www pair, which Cloudflare answers with the canonical redirect.
  const alternateFqdn = fields.canonical ? (fields.canonical.host === "apex" ? `www.${zone}` : zone) : undefined;
  const hosts: DeclaredHost[] = [];
  const hostByFqdn = new Map<string, DeclaredHost>();
  fields.hosts.forEach((host, index) => {
    const at = (...rest: PathSegment[]) => ["hosts", index, ...rest];
    const name = wildcardWaived ? (resolveWildcardInZone(host.name, zone) ?? resolveHostInZone(host.name, zone)) : resolveHostInZone(host.name, zone);
    if (!name.ok) return void problems.push(problem(at("name"), `${shownValue(host.name)} ${name.problem}`));
    const earlier = hostByFqdn.get(name.value);
    if (earlier) {
      return void problems.push(
        problem(
          at("name"),
          `${name.value} is already declared at ${formatConfigPath(["hosts", earlier.index])}; declare each host once, with a list of targets if it has several addresses`,
        ),
      );
    }
    const records = resolveTargets(host.target, name.value, at("target"), problems);
    if (!records) return;
    const hosting = resolveHosting(
      {
        fqdn: name.value,
        domain: zone,
        member: fields.zone.owner !== undefined,
        purpose: host.purpose,
        platform: host.platform,
        verification: host.verification,
        proxied: host.proxied,
        records,
        redirectsAtEdge: name.value === alternateFqdn,
        ssl: fields.tls.ssl,
      },
      at,
      problems,
    );
    if (!hosting) return;
    const ttl = resolveTtl(host.ttl, hosting.proxied, fields.zone.plan, at("ttl"), problems);
    const declared: DeclaredHost = { index, name: host.name, fqdn: name.value, purpose: host.purpose, ttl, records, comment: host.comment, ...hosting };
    hosts.push(declared);
    hostByFqdn.set(declared.fqdn, declared);
  });

  const canonical = resolveCanonical(fields, zone, hostByFqdn, problems);
  const redirects = resolveRedirects(fields, zone, hostByFqdn, problems);
  const redirectRules = redirects.length + 1;
  if (redirectRules > limits.singleRedirectRules) {
    problems.push(
      problem(
        ["redirects"],
        `needs ${redirectRules} redirect rules (${redirects.length} here plus the canonical redirect), but the ${fields.zone.plan} plan allows ${limits.singleRedirectRules} Single Redirects per zone; remove ${redirectRules - limits.singleRedirectRules} or move the zone to a larger plan`,
      ),
    );
  }

  const records = resolveRecords(
    fields.records,
    {
      zone,
      plan: fields.zone.plan,
      hostIndexByName: new Map(hosts.map((host) => [host.fqdn, host.index])),
      wildcardWaived,
      defaultTtl: DEFAULT_DNS_ONLY_TTL,
      caaDeclared: fields.tls.caa !== undefined,
    },
    problems,
  );
  const edge = resolveEdge(fields.edge, zone, fields.zone.plan, hostByFqdn, problems);
  const email = resolveEmail(fields.email, zone, fields.zone.owner === undefined, hostByFqdn, problems);
  const secrets = resolveSecrets(fields.secrets, fields.secretStore, fields.secretValues, problems);
  const env = resolveEnv(fields.env, secrets, problems);
  const performance = resolvePerformance(fields.performance, problems);
  const monitoring = canonical
    ? resolveMonitoring(
        fields.monitoring,
        { canonicalFqdn: canonical.fqdn, hosts, endpoints: edge.endpoints, plan: fields.zone.plan, secrets, performance },
        problems,
      )
    : undefined;

  checkWaiverTargets(waivers, { fields, zone, hosts, records, edge, email, performance, monitoring }, problems);
  if (problems.length > 0 || !canonical || !monitoring) return { ok: false, problems };
  return {
    ok: true,
    config: {
      environment: fields.environment,
      zone: {
        domain: zone,
        zoneId: fields.zone.zoneId,
        accountId: fields.zone.accountId,
        plan: fields.zone.plan,
        recordQuota: fields.zone.recordQuota ?? ZONE_PLAN_LIMITS[fields.zone.plan].dnsRecords,
        owner: fields.zone.owner,
        edgeCertificate: fields.zone.edgeCertificate,
        ...(fields.zone.owner === undefined ? { dnssec: fields.zone.dnssec ?? true } : {}),
      },
      canonical,
      hosts,
      redirects,
      tls: fields.tls,
      protect: fields.protect ?? fields.environment === "production",
      edge,
      email,
      secrets,
      monitoring,
      performance,
      env,
      records,
      handover: fields.handover,
      waivers,
    },
  };
}

/**
 * A wildcard (`*` or `*.staging`) is refused by DNS-SUBDOMAINS; with a written waiver for that ID
 * it is accepted here and reported as waived by the bar.
 */
function resolveWildcardInZone(name: string, zone: string): { ok: true; value: string } | undefined {
  const labels = name.trim().replace(/\.$/, "").split(".");
  if (labels[0] !== "*") return undefined;
  const rest = labels.slice(1).join(".");
  if (rest === "" || rest === zone) return { ok: true, value: `*.${zone}` };
  const inner = resolveHostInZone(rest, zone);
  return inner.ok ? { ok: true, value: `*.${inner.value}` } : undefined;
}

function resolveTargets(target: string | string[], fqdn: string, at: PathSegment[], problems: ConfigProblem[]): RecordTarget[] | undefined {
  const list = Array.isArray(target) ? target : [target];
  const records: RecordTarget[] = [];
  let valid = true;
  list.forEach((entry, position) => {
    const path = Array.isArray(target) ? [...at, position] : at;
    const classified = classifyTarget(entry);
    if (!classified.ok) {
      valid = false;
      return void problems.push(problem(path, `${shownValue(entry)} ${classified.problem}`));
    }
    const record = classified.value;
    if (record.type === "CNAME" && record.content === fqdn) {
      valid = false;
      return void problems.push(problem(path, `points ${fqdn} at itself; a CNAME must name another host`));
    }
    if (records.some((r) => r.type === record.type && r.content === record.content)) {
      valid = false;
      return void problems.push(problem(path, `lists ${record.content} twice; each address makes one record`));
    }
    records.push(record);
  });
  if (valid && records.some((r) => r.type === "CNAME") && records.length > 1) {
    problems.push(
      problem(
        at,
        "mixes a host name with other targets; a CNAME cannot stand beside other data at one name (RFC 1034 3.6.2), so give one host name or only IP addresses",
      ),
    );
    return undefined;
  }
  return valid ? records : undefined;
}

function resolveTtl(ttl: number | undefined, proxied: boolean, plan: ZonePlan, at: PathSegment[], problems: ConfigProblem[]): number {
  if (ttl === undefined) return proxied ? AUTOMATIC_TTL : DEFAULT_DNS_ONLY_TTL;
  const refused =
    proxied && ttl !== AUTOMATIC_TTL
      ? `is ${ttl}, but the host is proxied and Cloudflare answers proxied names with its own TTL; remove ttl (or set proxied: false)`
      : recordTtlProblem(ttl, plan);
  if (refused) problems.push(problem(at, refused));
  return ttl;
}

function resolveCanonical(
  fields: StackConfigFields,
  zone: string,
  hostByFqdn: Map<string, DeclaredHost>,
  problems: ConfigProblem[],
): LaunchReadyConfig["canonical"] | undefined {
  const apex = zone;
  const www = `www.${zone}`;
  if (!fields.canonical) return resolveSoleHost(fields, zone, hostByFqdn, problems);
  const [fqdn, alternateFqdn] = fields.canonical.host === "apex" ? [apex, www] : [www, apex];
  let valid = true;
  for (const [host, role] of [
    [fqdn, "canonical host"],
    [alternateFqdn, "host that redirects to it"],
  ] as const) {
    const declared = hostByFqdn.get(host);
    const label = host === apex ? '"@"' : "www";
    if (!declared) {
      // Only report a missing host when the hosts list itself was readable, so one typo gives one error.
      if (!problems.some((p) => p.path.startsWith(formatConfigPath(["hosts"])))) {
        problems.push({
          path: formatConfigPath(["hosts"]),
          message: `does not declare ${host}, the ${role} (canonical.host is ${fields.canonical.host}); both the apex and www need a record so one can redirect to the other (DNS-CANONICAL)`,
          example: `- { name: ${label}, target: ${host === apex ? "203.0.113.10" : zone}, purpose: web }`,
        });
      }
      valid = false;
    } else if (declared.purpose !== "web") {
      problems.push(problem(["hosts", declared.index, "purpose"], `is ${declared.purpose}, but ${host} is the ${role}; the apex and www are web hosts`));
      valid = false;
    } else if (host === alternateFqdn && !declared.proxied) {
      problems.push(
        problem(
          ["hosts", declared.index, "proxied"],
          `is false, but ${host} redirects to ${fqdn} and Cloudflare only answers redirects for proxied hosts; remove proxied: false`,
        ),
      );
      valid = false;
    }
  }
  return valid ? { host: fields.canonical.host, fqdn, alternateFqdn, status: fields.canonical.status } : undefined;
}

/**
 * A stack in another stack's zone may leave the apex/www pair out: staging.example.com is then its
 * one host, and nothing redirects to it. A stack that owns its zone must choose (DNS-CANONICAL).
 */
function resolveSoleHost(
  fields: StackConfigFields,
  domain: string,
  hostByFqdn: Map<string, DeclaredHost>,
  problems: ConfigProblem[],
): LaunchReadyConfig["canonical"] | undefined {
  if (fields.zone.owner === undefined) {
    problems.push({
      path: formatConfigPath(["canonical"]),
      message: `is missing; a stack that owns its zone chooses its one canonical host, the apex or www, and the other redirects to it (DNS-CANONICAL). Only a stack in another stack's zone (zone.owner) may leave it out`,
      example: "launch-ready:canonical: { host: www }",
    });
    return undefined;
  }
  const declared = hostByFqdn.get(domain);
  if (declared?.purpose === "web") return { host: "apex", fqdn: domain, status: 301 };
  if (problems.some((p) => p.path.startsWith(formatConfigPath(["hosts"])))) return undefined;
  problems.push(
    declared
      ? problem(
          ["hosts", declared.index, "purpose"],
          `is ${declared.purpose}, but ${domain} is this stack's home (no launch-ready:canonical), so it is a web host`,
        )
      : {
          path: formatConfigPath(["hosts"]),
          message: `does not declare ${domain}; without launch-ready:canonical this stack's domain is its one canonical host, so declare it (or choose an apex/www pair in launch-ready:canonical)`,
          example: '- { name: "@", target: staging-origin.example.net, purpose: web }',
        },
  );
  return undefined;
}

function resolveRedirects(fields: StackConfigFields, zone: string, hostByFqdn: Map<string, DeclaredHost>, problems: ConfigProblem[]): DeclaredRedirect[] {
  const redirects: DeclaredRedirect[] = [];
  const seen = new Map<string, number>();
  fields.redirects.forEach((redirect, index) => {
    const at = (...rest: PathSegment[]) => ["redirects", index, ...rest];
    const host = resolveHostInZone(redirect.host, zone);
    if (!host.ok) return void problems.push(problem(at("host"), `${shownValue(redirect.host)} ${host.problem}`));
    const declared = hostByFqdn.get(host.value);
    if (!declared) {
      return void problems.push(
        problem(at("host"), `${host.value} is not a declared host; add it to launch-ready:hosts first so it resolves and reaches Cloudflare`),
      );
    }
    if (!declared.proxied) {
      return void problems.push(problem(at("host"), `${host.value} is DNS-only (proxied: false); Cloudflare only answers redirects for proxied hosts`));
    }
    const key = `${host.value}${redirect.path ?? ""}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      return void problems.push(
        problem(at(), `redirects ${key} again; ${formatConfigPath(["redirects", earlier])} already does, and only the first would ever answer`),
      );
    }
    const target = new URL(redirect.to);
    if (target.hostname === host.value && (redirect.path === undefined || target.pathname === redirect.path)) {
      return void problems.push(problem(at("to"), `sends ${key} back to itself, a redirect loop`));
    }
    seen.set(key, index);
    redirects.push({
      index,
      host: host.value,
      path: redirect.path,
      to: redirect.to,
      status: redirect.status,
      preserveQueryString: redirect.preserveQueryString,
    });
  });
  return redirects;
}
