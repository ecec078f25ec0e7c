/**
 * Reads a stack's `launch-ready:*` config into one validated, resolved value, or reports every
 * problem at once. This is the single source of truth for provisioning (the program), the offline
 * plan, and later live verification. No Pulumi here: callers hand in the raw key/value map.
 */
import { formatConfigPath, problem, problemsFromIssues, type ConfigProblem, type PathSegment } from "./config-problems";
import { MAX_EXPRESSION_LENGTH, MAXIMUM_RECORD_TTL, PLAN_LIMITS, type CloudflarePlan } from "./cloudflare-plans";
import { classifyTarget, resolveHostInZone, toAsciiZoneName, type RecordTarget } from "./hostnames";
import { BAR_IDS, isBarId } from "./minimum-bar";
import { parseDkimKey } from "../components/mail-auth/dkim";
import { includeLookupCost, MAIL_PROVIDER_PRESETS, type MailProvider } from "../components/mail-auth/providers";
import { MAX_DNS_LOOKUPS } from "../components/mail-auth/spf";
import {
  CONFIG_NAMESPACE,
  PROXIED_BY_DEFAULT,
  stackConfigSchema,
  type Environment,
  type HostPurpose,
  type StackConfigFields,
  type EdgeFields,
  type EmailFields,
  type EndpointKind,
  type TlsSettings,
  type Waiver,
} from "./config-schema";

export type { ConfigProblem } from "./config-problems";
export { formatProblems, problemsHeading } from "./config-problems";

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
}

export interface DeclaredRedirect {
  index: number;
  /** Fully qualified host the redirect answers on. */
  host: string;
  path?: string;
  to: string;
  status: number;
  preserveQueryString: boolean;
}

export interface DeclaredEndpoint {
  index: number;
  kind: EndpointKind;
  /** Fully qualified host. */
  host: string;
  path: string;
  requests: number;
  period: number;
  timeout: number;
  action: "block" | "managed_challenge";
}

export interface DeclaredAdminProtection {
  /** Position in `launch-ready:edge.admin`; absent for an admin host the kit protects by default. */
  index?: number;
  host: string;
  path?: string;
  protection: "challenge" | "allowlist" | "access";
  allowIps: string[];
  allowEmails: string[];
  allowEmailDomains: string[];
}

export interface EdgeConfig {
  cache: EdgeFields["cache"];
  endpoints: DeclaredEndpoint[];
  admin: DeclaredAdminProtection[];
  firewallRules: EdgeFields["firewallRules"];
  cors: Array<{ host: string; origins: string[] }>;
  headers: Omit<EdgeFields["headers"], "hosts"> & { hosts?: string[] };
  waf: EdgeFields["waf"];
  ddos?: EdgeFields["ddos"];
}

/** Endpoints with the same limit share one rate-limit rule; the plan caps the number of rules. */
export function rateLimitGroupKey(endpoint: Pick<DeclaredEndpoint, "requests" | "period" | "timeout" | "action">): string {
  return `${endpoint.requests}/${endpoint.period}s ${endpoint.action} ${endpoint.timeout}s`;
}

export interface SendingName {
  /** Fully qualified sending name (the apex or a subdomain such as send.example.com). */
  domain: string;
  senders: Array<{
    index: number;
    provider: MailProvider;
    dkim: Array<{ selector: string; value: string; type: "TXT" | "CNAME" }>;
    /** Amazon SES managed by the kit: Easy DKIM and a custom MAIL FROM domain. */
    ses?: { region: string; mailFromDomain: string };
  }>;
  /** SPF includes, in the order the senders were declared, without repeats. */
  includes: string[];
  addresses: string[];
  /** Offline SPF lookup count: documented costs, 1 for an include without one. */
  lookups: number;
}

export interface EmailConfig {
  sending: SendingName[];
  /** MX hosts for the apex; empty when nobody receives mail there. */
  inboundMx: Array<{ host: string; priority: number }>;
  dmarc?: EmailFields["dmarc"];
  /** Fully qualified names that send no mail; the apex is one when it neither sends nor receives. */
  parked: string[];
}

export interface LaunchReadyConfig {
  environment: Environment;
  zone: { domain: string; zoneId: string; accountId: string; plan: CloudflarePlan };
  canonical: {
    host: "apex" | "www";
    /** The canonical host's fully qualified name. */
    fqdn: string;
    /** The other member of the apex/www pair, which redirects to the canonical host. */
    alternateFqdn: string;
    status: 301 | 308;
  };
  hosts: DeclaredHost[];
  redirects: DeclaredRedirect[];
  tls: TlsSettings;
  protect: boolean;
  edge: EdgeConfig;
  email: EmailConfig;
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
  const own: Record<string, unknown> = {};
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(prefix)) own[key.slice(prefix.length)] = value;
  }
  return own;
}

/**
 * Validates and resolves a stack's config. `config` holds the stack file's keys
 * (`launch-ready:hosts`, ...) with their values already decoded from YAML or JSON.
 */
export function parseStackConfig(config: Record<string, unknown>): ParseResult {
  const input = ownConfigKeys(config);
  const parsed = stackConfigSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: problemsFromIssues(parsed.error.issues, input) };
  return resolve(parsed.data);
}

function resolve(fields: StackConfigFields): ParseResult {
  const problems: ConfigProblem[] = [];
  const zoneName = toAsciiZoneName(fields.zone.domain);
  if (!zoneName.ok) return { ok: false, problems: [problem(["zone", "domain"], zoneName.problem)] };
  const zone = zoneName.value;
  const limits = PLAN_LIMITS[fields.zone.plan];

  const waivers = resolveWaivers(fields, problems);
  const wildcardWaived = waivers.some((waiver) => waiver.id === "DNS-SUBDOMAINS");

  const hosts: DeclaredHost[] = [];
  const hostByFqdn = new Map<string, DeclaredHost>();
  fields.hosts.forEach((host, index) => {
    const at = (...rest: PathSegment[]) => ["hosts", index, ...rest];
    const name = wildcardWaived ? resolveWildcardInZone(host.name, zone) ?? resolveHostInZone(host.name, zone) : resolveHostInZone(host.name, zone);
    if (!name.ok) return void problems.push(problem(at("name"), `"${host.name}" ${name.problem}`));
    const earlier = hostByFqdn.get(name.value);
    if (earlier) {
      return void problems.push(problem(at("name"), `${name.value} is already declared at ${formatConfigPath(["hosts", earlier.index])}; declare each host once, with a list of targets if it has several addresses`));
    }
    const records = resolveTargets(host.target, name.value, at("target"), problems);
    if (!records) return;
    const proxied = host.proxied ?? PROXIED_BY_DEFAULT.has(host.purpose);
    const ttl = resolveTtl(host.ttl, proxied, limits.minimumRecordTtl, fields.zone.plan, at("ttl"), problems);
    const declared: DeclaredHost = { index, name: host.name, fqdn: name.value, purpose: host.purpose, proxied, ttl, records, comment: host.comment };
    hosts.push(declared);
    hostByFqdn.set(declared.fqdn, declared);
  });

  const canonical = resolveCanonical(fields, zone, hostByFqdn, problems);
  const redirects = resolveRedirects(fields, zone, hostByFqdn, problems);
  const redirectRules = redirects.length + 1;
  if (redirectRules > limits.singleRedirectRules) {
    problems.push(
      problem(["redirects"], `needs ${redirectRules} redirect rules (${redirects.length} here plus the canonical redirect), but the ${fields.zone.plan} plan allows ${limits.singleRedirectRules} Single Redirects per zone; remove ${redirectRules - limits.singleRedirectRules} or move the zone to a larger plan`),
    );
  }

  const edge = resolveEdge(fields.edge, zone, fields.zone.plan, hostByFqdn, problems);
  const email = resolveEmail(fields.email, zone, hostByFqdn, problems);

  if (problems.length > 0 || !canonical) return { ok: false, problems };
  return {
    ok: true,
    config: {
      environment: fields.environment,
      zone: { domain: zone, zoneId: fields.zone.zoneId, accountId: fields.zone.accountId, plan: fields.zone.plan },
      canonical,
      hosts,
      redirects,
      tls: fields.tls,
      protect: fields.protect ?? fields.environment === "production",
      edge,
      email,
      waivers,
    },
  };
}

/** A declared, proxied host: only proxied traffic meets Cloudflare's rules. */
function proxiedHost(name: string, zone: string, hostByFqdn: Map<string, DeclaredHost>, at: PathSegment[], what: string, problems: ConfigProblem[]): DeclaredHost | undefined {
  const resolved = resolveHostInZone(name, zone);
  if (!resolved.ok) return void problems.push(problem(at, `"${name}" ${resolved.problem}`));
  const host = hostByFqdn.get(resolved.value);
  if (!host) return void problems.push(problem(at, `${resolved.value} is not a declared host; add it to launch-ready:hosts first`));
  if (!host.proxied) return void problems.push(problem(at, `${resolved.value} is DNS-only (proxied: false), so Cloudflare never sees its requests to ${what}`));
  return host;
}

function resolveEdge(fields: EdgeFields, zone: string, plan: CloudflarePlan, hostByFqdn: Map<string, DeclaredHost>, problems: ConfigProblem[]): EdgeConfig {
  const limits = PLAN_LIMITS[plan];
  // The cache rules name every API and admin host in one set; keep well inside one expression.
  const privateHosts = [...hostByFqdn.values()].filter((h) => h.purpose === "api" || h.purpose === "admin");
  const hostListLength = privateHosts.reduce((length, host) => length + host.fqdn.length + 3, 0);
  if (hostListLength > MAX_EXPRESSION_LENGTH / 2) {
    problems.push(
      problem(["hosts"], `declares ${privateHosts.length} api and admin hosts, whose names fill ${hostListLength} characters of the cache rules' host list; Cloudflare allows ${MAX_EXPRESSION_LENGTH} per expression. Serve APIs from fewer hosts (paths on one api host), or use purpose other for hosts the edge need not know`),
    );
  }
  const endpoints: DeclaredEndpoint[] = [];
  fields.endpoints.forEach((endpoint, index) => {
    const at = (...rest: PathSegment[]) => ["edge", "endpoints", index, ...rest];
    const host = proxiedHost(endpoint.host, zone, hostByFqdn, at("host"), "rate limit them", problems);
    if (endpoint.period > limits.rateLimit.maxPeriod) {
      problems.push(problem(at("period"), `is ${endpoint.period} s; the ${plan} plan counts over at most ${limits.rateLimit.maxPeriod} s`));
    }
    const timeout = endpoint.timeout ?? Math.min(endpoint.period, limits.rateLimit.maxTimeout);
    if (timeout > limits.rateLimit.maxTimeout) {
      problems.push(problem(at("timeout"), `is ${timeout} s; the ${plan} plan mitigates for at most ${limits.rateLimit.maxTimeout} s`));
    }
    if (host) endpoints.push({ index, kind: endpoint.kind, host: host.fqdn, path: endpoint.path, requests: endpoint.requests, period: endpoint.period, timeout, action: endpoint.action });
  });
  const groups = new Set(endpoints.map(rateLimitGroupKey));
  if (groups.size > limits.rateLimit.rules) {
    problems.push(
      problem(["edge", "endpoints"], `needs ${groups.size} rate-limit rules (one per distinct limit: ${[...groups].join("; ")}), but the ${plan} plan allows ${limits.rateLimit.rules}; give endpoints the same requests, period, timeout and action so they share a rule, or move the zone to a larger plan`),
    );
  }

  const admin: DeclaredAdminProtection[] = [];
  fields.admin.forEach((entry, index) => {
    const at = (...rest: PathSegment[]) => ["edge", "admin", index, ...rest];
    const host = proxiedHost(entry.host, zone, hostByFqdn, at("host"), "protect them", problems);
    if (entry.protection === "allowlist" && entry.allowIps.length === 0) problems.push(problem(at("allowIps"), "is empty, so the allowlist would let nobody in; list the office or VPN addresses"));
    if (entry.protection !== "allowlist" && entry.allowIps.length > 0) problems.push(problem(at("allowIps"), "only applies to protection: allowlist; remove it or switch the protection"));
    const people = entry.allowEmails.length + entry.allowEmailDomains.length;
    if (entry.protection === "access" && people === 0) problems.push(problem(at("allowEmails"), "is empty and so is allowEmailDomains, so Access would let nobody sign in; list who may"));
    if (entry.protection !== "access" && people > 0) problems.push(problem(at("allowEmails"), "and allowEmailDomains only apply to protection: access; remove them or switch the protection"));
    if (host) admin.push({ index, host: host.fqdn, path: entry.path, protection: entry.protection, allowIps: entry.allowIps, allowEmails: entry.allowEmails, allowEmailDomains: entry.allowEmailDomains });
  });
  for (const host of hostByFqdn.values()) {
    if (host.purpose === "admin" && host.proxied && !admin.some((a) => a.host === host.fqdn && a.path === undefined)) {
      admin.push({ host: host.fqdn, protection: "challenge", allowIps: [], allowEmails: [], allowEmailDomains: [] });
    }
  }
  fields.firewallRules.forEach((rule, index) => {
    if (!limits.regex && /\smatches\s|\s~\s/.test(rule.expression)) {
      problems.push(problem(["edge", "firewallRules", index, "expression"], `uses the regex operator, which the ${plan} plan does not have (Business and Enterprise do); use starts_with, ends_with, contains or in`));
    }
  });
  const customRules = admin.filter((a) => a.protection !== "access").length + fields.firewallRules.length;
  if (customRules > limits.customRules) {
    const parts = fields.firewallRules.length > 0 ? ` (${customRules - fields.firewallRules.length} for admin protection, ${fields.firewallRules.length} in edge.firewallRules)` : "";
    problems.push(problem(["edge", "admin"], `needs ${customRules} WAF custom rules${parts}, but the ${plan} plan allows ${limits.customRules}`));
  }

  const cors: EdgeConfig["cors"] = [];
  fields.cors.forEach((entry, index) => {
    const resolved = resolveHostInZone(entry.host, zone);
    const host = resolved.ok ? hostByFqdn.get(resolved.value) : undefined;
    if (!host) problems.push(problem(["edge", "cors", index, "host"], `${entry.host} is not a declared host; add it to launch-ready:hosts first`));
    else if (host.purpose !== "api") problems.push(problem(["edge", "cors", index, "host"], `${host.fqdn} is a ${host.purpose} host; CORS origins are declared for api hosts`));
    else cors.push({ host: host.fqdn, origins: entry.origins });
  });

  const headerHosts = fields.headers.hosts?.flatMap((name, index) => {
    const host = proxiedHost(name, zone, hostByFqdn, ["edge", "headers", "hosts", index], "add headers to their answers", problems);
    return host ? [host.fqdn] : [];
  });
  const headers = { ...fields.headers, hosts: headerHosts?.sort() };

  return { cache: fields.cache, endpoints, admin, firewallRules: fields.firewallRules, cors, headers, waf: fields.waf, ddos: fields.ddos };
}

/** Mail records (TXT, MX) cannot stand beside a CNAME at one name (RFC 1034 3.6.2). */
function cnameConflict(fqdn: string, hostByFqdn: Map<string, DeclaredHost>): string | undefined {
  const host = hostByFqdn.get(fqdn);
  return host?.records.some((r) => r.type === "CNAME")
    ? `${fqdn} is a CNAME (launch-ready:hosts[${host.index}]), and mail records cannot stand beside a CNAME (RFC 1034 3.6.2); use a name without one`
    : undefined;
}

function resolveEmail(fields: EmailFields, zone: string, hostByFqdn: Map<string, DeclaredHost>, problems: ConfigProblem[]): EmailConfig {
  const byDomain = new Map<string, SendingName>();
  fields.senders.forEach((sender, index) => {
    const at = (...rest: PathSegment[]) => ["email", "senders", index, ...rest];
    const name = resolveHostInZone(sender.domain, zone);
    if (!name.ok) return void problems.push(problem(at("domain"), `"${sender.domain}" ${name.problem}`));
    const conflict = cnameConflict(name.value, hostByFqdn);
    if (conflict) return void problems.push(problem(at("domain"), conflict));
    const preset = MAIL_PROVIDER_PRESETS[sender.provider];
    if (sender.provider === "custom" && !sender.include && sender.addresses.length === 0) {
      problems.push(problem(at("include"), "is missing; a custom sender needs its SPF include or its addresses"));
    }
    if (sender.provider !== "custom" && (sender.include || sender.addresses.length > 0)) {
      problems.push(problem(at("include"), `comes from the ${preset.title} preset (${preset.spfInclude}); remove include and addresses, or use provider: custom`));
    }
    const type: "TXT" | "CNAME" = preset.dkim === "cname" ? "CNAME" : "TXT";
    const dkim: SendingName["senders"][number]["dkim"] = [];
    sender.dkim.forEach((entry, position) => {
      if (type === "TXT") {
        const key = parseDkimKey(entry.value);
        if (key.errors.length > 0) return void problems.push(problem(at("dkim", position, "value"), `is not a usable DKIM key: ${key.errors.join("; ")}`));
      } else {
        const target = classifyTarget(entry.value);
        if (!target.ok || target.value.type !== "CNAME") {
          return void problems.push(problem(at("dkim", position, "value"), `must be the host name ${preset.title} gives for selector ${entry.selector} (a CNAME target)`));
        }
      }
      dkim.push({ selector: entry.selector.toLowerCase(), value: entry.value, type });
    });
    if (sender.ses && sender.provider !== "amazon-ses") problems.push(problem(at("ses"), "only applies to provider: amazon-ses"));
    const ses = sender.ses && sender.provider === "amazon-ses" ? { region: sender.ses.region, mailFromDomain: `${sender.ses.mailFrom}.${name.value}` } : undefined;
    const sending = byDomain.get(name.value) ?? { domain: name.value, senders: [], includes: [], addresses: [], lookups: 0 };
    sending.senders.push({ index, provider: sender.provider, dkim, ...(ses ? { ses } : {}) });
    const include = sender.include ?? preset.spfInclude;
    if (include && !sending.includes.includes(include)) sending.includes.push(include);
    sending.addresses.push(...sender.addresses.filter((a) => !sending.addresses.includes(a)));
    byDomain.set(name.value, sending);
  });
  for (const sending of byDomain.values()) {
    sending.lookups = sending.includes.reduce((total, include) => total + includeLookupCost(include).lookups, 0);
    if (sending.lookups > MAX_DNS_LOOKUPS) {
      problems.push(problem(["email", "senders"], `the SPF record of ${sending.domain} needs ${sending.lookups} DNS lookups (${sending.includes.join(", ")}); SPF allows ${MAX_DNS_LOOKUPS} (RFC 7208 4.6.4), so receivers would fail it: drop a sender or move one to its own subdomain`));
    }
  }

  const inboundPreset = fields.inbound ? MAIL_PROVIDER_PRESETS[fields.inbound.provider] : undefined;
  const inboundMx = fields.inbound ? (fields.inbound.mx ?? inboundPreset?.inboundMx?.(zone) ?? []) : [];
  if (fields.inbound && inboundMx.length === 0) problems.push(problem(["email", "inbound", "mx"], `is missing; ${inboundPreset?.title ?? "this provider"} has no preset MX, so list its MX hosts`));

  const parked = new Set<string>();
  fields.parked.forEach((name, index) => {
    const resolved = resolveHostInZone(name, zone);
    if (!resolved.ok) return void problems.push(problem(["email", "parked", index], `"${name}" ${resolved.problem}`));
    if (byDomain.has(resolved.value)) return void problems.push(problem(["email", "parked", index], `${resolved.value} sends mail (launch-ready:email.senders), so it cannot be parked`));
    const conflict = cnameConflict(resolved.value, hostByFqdn);
    if (conflict) return void problems.push(problem(["email", "parked", index], conflict));
    parked.add(resolved.value);
  });
  if (!byDomain.has(zone) && inboundMx.length === 0 && !cnameConflict(zone, hostByFqdn)) parked.add(zone);

  fields.dmarc?.ramp.forEach((step, index) => {
    const previous = fields.dmarc!.ramp[index - 1];
    if (previous && step.from <= previous.from) problems.push(problem(["email", "dmarc", "ramp", index, "from"], `is ${step.from}, not after the step before it (${previous.from}); list the steps in date order`));
  });

  return { sending: [...byDomain.values()].sort((a, b) => (a.domain < b.domain ? -1 : 1)), inboundMx, dmarc: fields.dmarc, parked: [...parked].sort() };
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

function resolveWaivers(fields: StackConfigFields, problems: ConfigProblem[]): Waiver[] {
  const seen = new Map<string, number>();
  fields.waivers.forEach((waiver, index) => {
    if (!isBarId(waiver.id)) {
      const upper = waiver.id.trim().toUpperCase();
      const hint = isBarId(upper) ? `; write it as ${upper}` : `; the IDs are: ${BAR_IDS.join(", ")}`;
      problems.push(problem(["waivers", index, "id"], `"${waiver.id}" is not an ID of the minimum bar${hint}`));
      return;
    }
    const earlier = seen.get(waiver.id);
    if (earlier !== undefined) problems.push(problem(["waivers", index, "id"], `waives ${waiver.id} again; ${formatConfigPath(["waivers", earlier])} already does, so keep one`));
    seen.set(waiver.id, index);
  });
  return fields.waivers;
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
      return void problems.push(problem(path, `"${entry}" ${classified.problem}`));
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
    problems.push(problem(at, "mixes a host name with other targets; a CNAME cannot stand beside other data at one name (RFC 1034 3.6.2), so give one host name or only IP addresses"));
    return undefined;
  }
  return valid ? records : undefined;
}

function resolveTtl(ttl: number | undefined, proxied: boolean, minimum: number, plan: CloudflarePlan, at: PathSegment[], problems: ConfigProblem[]): number {
  if (ttl === undefined) return proxied ? AUTOMATIC_TTL : DEFAULT_DNS_ONLY_TTL;
  if (proxied && ttl !== AUTOMATIC_TTL) {
    problems.push(problem(at, `is ${ttl}, but the host is proxied and Cloudflare answers proxied names with its own TTL; remove ttl (or set proxied: false)`));
  } else if (ttl !== AUTOMATIC_TTL && (ttl < minimum || ttl > MAXIMUM_RECORD_TTL)) {
    problems.push(problem(at, `is ${ttl}; on the ${plan} plan a TTL is ${minimum} to ${MAXIMUM_RECORD_TTL} seconds, or 1 for automatic`));
  }
  return ttl;
}

function resolveCanonical(fields: StackConfigFields, zone: string, hostByFqdn: Map<string, DeclaredHost>, problems: ConfigProblem[]): LaunchReadyConfig["canonical"] | undefined {
  const apex = zone;
  const www = `www.${zone}`;
  const [fqdn, alternateFqdn] = fields.canonical.host === "apex" ? [apex, www] : [www, apex];
  let valid = true;
  for (const [host, role] of [[fqdn, "canonical host"], [alternateFqdn, "host that redirects to it"]] as const) {
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
      problems.push(problem(["hosts", declared.index, "proxied"], `is false, but ${host} redirects to ${fqdn} and Cloudflare only answers redirects for proxied hosts; remove proxied: false`));
      valid = false;
    }
  }
  return valid ? { host: fields.canonical.host, fqdn, alternateFqdn, status: fields.canonical.status } : undefined;
}

function resolveRedirects(fields: StackConfigFields, zone: string, hostByFqdn: Map<string, DeclaredHost>, problems: ConfigProblem[]): DeclaredRedirect[] {
  const redirects: DeclaredRedirect[] = [];
  const seen = new Map<string, number>();
  fields.redirects.forEach((redirect, index) => {
    const at = (...rest: PathSegment[]) => ["redirects", index, ...rest];
    const host = resolveHostInZone(redirect.host, zone);
    if (!host.ok) return void problems.push(problem(at("host"), `"${redirect.host}" ${host.problem}`));
    const declared = hostByFqdn.get(host.value);
    if (!declared) {
      return void problems.push(problem(at("host"), `${host.value} is not a declared host; add it to launch-ready:hosts first so it resolves and reaches Cloudflare`));
    }
    if (!declared.proxied) {
      return void problems.push(problem(at("host"), `${host.value} is DNS-only (proxied: false); Cloudflare only answers redirects for proxied hosts`));
    }
    const key = `${host.value}${redirect.path ?? ""}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      return void problems.push(problem(at(), `redirects ${key} again; ${formatConfigPath(["redirects", earlier])} already does, and only the first would ever answer`));
    }
    const target = new URL(redirect.to);
    if (target.hostname === host.value && (redirect.path === undefined || target.pathname === redirect.path)) {
      return void problems.push(problem(at("to"), `sends ${key} back to itself, a redirect loop`));
    }
    seen.set(key, index);
    redirects.push({ index, host: host.value, path: redirect.path, to: redirect.to, status: redirect.status, preserveQueryString: redirect.preserveQueryString });
  });
  return redirects;
}
