/**
 * The stack's `launch-ready:edge` section resolved against its hosts and its zone's plan: what the
 * edge components create, refused here when the plan cannot hold it.
 */
import { formatConfigPath, problem, type ConfigProblem, type PathSegment } from "./config-problems";
import {
  MAX_EXPRESSION_LENGTH,
  ZONE_PLAN_LIMITS,
  defaultMitigationTimeout,
  rateLimitProblems,
  type LimitingAction,
  type ZonePlan,
} from "../domain/cloudflare/zone-plans";
import { PRIVATE_PURPOSES } from "./schema/site";
import type { EdgeFields, EndpointKind } from "./schema/edge";
import { resolveHostInZone } from "../domain/hostnames";
import type { DeclaredHost } from "./declared-host";
import { shownValue } from "./shown-value";
import { BOT_PRODUCTS } from "../domain/cloudflare/bot-protection";
import { webhookSender, type WebhookSender } from "../domain/webhook-senders";

export interface DeclaredEndpoint {
  index: number;
  kind: EndpointKind;
  /** Fully qualified host. */
  host: string;
  path: string;
  requests: number;
  period: number;
  /** Mitigation timeout, seconds: as written, or the plan's default for the period and action. */
  timeout: number;
  action: LimitingAction;
  /** A webhook's sender, whose request verify imitates (EDGE-BOTS). */
  sender?: WebhookSender;
}

/** An endpoint another provider serves and limits: covered by that provider, not by a rule of the zone. */
export interface ExternalEndpoint {
  /** Position in `launch-ready:edge.endpoints`. */
  index: number;
  kind: EndpointKind;
  provider: string;
  url: string;
  /** What limits it and where a person checks that. */
  limits: string;
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
  /** Endpoints the zone's rate-limit rules limit. */
  endpoints: DeclaredEndpoint[];
  /** Endpoints another provider serves and limits. */
  externalEndpoints: ExternalEndpoint[];
  admin: DeclaredAdminProtection[];
  firewallRules: EdgeFields["firewallRules"];
  cors: Array<{ host: string; origins: string[] }>;
  headers: Omit<EdgeFields["headers"], "hosts"> & { hosts?: string[] };
  waf: EdgeFields["waf"];
  ddos?: EdgeFields["ddos"];
  /** The zone's bot posture; absent: the dashboard's setting stands. */
  bots?: EdgeFields["bots"];
}

/** The webhooks Cloudflare proxies for the stack: what bot protection must let through (EDGE-BOTS). */
export function webhookEndpoints(edge: Pick<EdgeConfig, "endpoints">): DeclaredEndpoint[] {
  return edge.endpoints.filter((endpoint) => endpoint.kind === "webhook");
}

/** Whether the zone needs a custom rule skipping Super Bot Fight Mode for these webhooks. */
export function needsWebhookSkip(edge: Pick<EdgeConfig, "bots" | "endpoints">): boolean {
  return edge.bots?.superBotFightMode !== undefined && webhookEndpoints(edge).length > 0;
}

function botProblems(bots: EdgeFields["bots"], plan: ZonePlan, problems: ConfigProblem[]): void {
  if (!bots) return;
  const products = BOT_PRODUCTS[plan];
  if (bots.fightMode && bots.superBotFightMode)
    problems.push(problem(["edge", "bots"], "turns on both Bot Fight Mode and Super Bot Fight Mode; a zone runs one of them: keep one", "fightMode: false"));
  if (bots.fightMode && !products.fightMode)
    problems.push(
      problem(
        ["edge", "bots", "fightMode"],
        `is true, but Bot Fight Mode is the Free plan's; the ${plan} plan has Super Bot Fight Mode`,
        "superBotFightMode: { definitelyAutomated: managed_challenge }",
      ),
    );
  if (bots.superBotFightMode && !products.superBotFightMode)
    problems.push(
      problem(
        ["edge", "bots", "superBotFightMode"],
        `is set, but Super Bot Fight Mode is Pro's and up; the ${plan} plan has Bot Fight Mode, which no rule can skip for webhooks`,
        "fightMode: false",
      ),
    );
  if (bots.superBotFightMode?.likelyAutomated !== undefined && !products.likelyAutomated)
    problems.push(
      problem(
        ["edge", "bots", "superBotFightMode", "likelyAutomated"],
        `is set, but the likely automated class is Business's and up, not the ${plan} plan's; remove it`,
      ),
    );
}

/** Endpoints with the same limit share one rate-limit rule; the plan caps the number of rules. */
export function rateLimitGroupKey(endpoint: Pick<DeclaredEndpoint, "requests" | "period" | "timeout" | "action">): string {
  return `${endpoint.requests}/${endpoint.period}s ${endpoint.action} ${endpoint.timeout}s`;
}

/** A declared, proxied host: only proxied traffic meets Cloudflare's rules. */
export function proxiedHost(
  name: string,
  zone: string,
  hostByFqdn: Map<string, DeclaredHost>,
  at: PathSegment[],
  what: string,
  problems: ConfigProblem[],
): DeclaredHost | undefined {
  const resolved = resolveHostInZone(name, zone);
  if (!resolved.ok) return void problems.push(problem(at, `${shownValue(name)} ${resolved.problem}`));
  const host = hostByFqdn.get(resolved.value);
  if (!host) return void problems.push(problem(at, `${resolved.value} is not a declared host; add it to launch-ready:hosts first`));
  if (!host.proxied) return void problems.push(problem(at, `${resolved.value} is DNS-only (proxied: false), so Cloudflare never sees its requests to ${what}`));
  return host;
}

export function resolveEdge(fields: EdgeFields, zone: string, plan: ZonePlan, hostByFqdn: Map<string, DeclaredHost>, problems: ConfigProblem[]): EdgeConfig {
  const limits = ZONE_PLAN_LIMITS[plan];
  // The cache rules name every API and admin host in one set; keep well inside one expression.
  const privateHosts = [...hostByFqdn.values()].filter((h) => PRIVATE_PURPOSES.has(h.purpose));
  const hostListLength = privateHosts.reduce((length, host) => length + host.fqdn.length + 3, 0);
  if (hostListLength > MAX_EXPRESSION_LENGTH / 2) {
    problems.push(
      problem(
        ["hosts"],
        `declares ${privateHosts.length} api and admin hosts, whose names fill ${hostListLength} characters of the cache rules' host list; Cloudflare allows ${MAX_EXPRESSION_LENGTH} per expression. Serve APIs from fewer hosts (paths on one api host), or use purpose other for hosts the edge need not know`,
      ),
    );
  }
  const endpoints: DeclaredEndpoint[] = [];
  const externalEndpoints: ExternalEndpoint[] = [];
  fields.endpoints.forEach((endpoint, index) => {
    const at = (...rest: PathSegment[]) => ["edge", "endpoints", index, ...rest];
    if ("external" in endpoint) {
      // What Cloudflare proxies for this stack, the zone limits: "external" is for another provider's host.
      const host = new URL(endpoint.external.url).hostname.replace(/\.$/, "").toLowerCase();
      if (host === zone || host.endsWith(`.${zone}`)) {
        return void problems.push(
          problem(
            at("external", "url"),
            `is on ${host}, inside ${zone}: its requests pass this zone, so limit them here (requests and period instead of external); external is for an endpoint another provider's host serves`,
            `- { kind: ${endpoint.kind}, host: ${host === zone ? '"@"' : host.slice(0, -zone.length - 1)}, path: ${new URL(endpoint.external.url).pathname}, requests: 10, period: ${Math.min(...limits.rateLimit.periods)} }`,
          ),
        );
      }
      return void externalEndpoints.push({ index, kind: endpoint.kind, ...endpoint.external });
    }
    const host = proxiedHost(endpoint.host, zone, hostByFqdn, at("host"), "rate limit them", problems);
    if (endpoint.sender !== undefined && endpoint.kind !== "webhook")
      problems.push(problem(at("sender"), `names who sends a webhook, but this endpoint is kind ${endpoint.kind}; remove it`));
    const actionRefused = rateLimitProblems.action(endpoint.action, plan);
    if (actionRefused) problems.push(problem(at("action"), `is ${endpoint.action}; ${actionRefused.clause}`, `action: ${actionRefused.instead}`));
    const periodRefused = rateLimitProblems.period(endpoint.period, plan);
    if (periodRefused)
      problems.push(problem(at("period"), `is ${endpoint.period} s; ${periodRefused.clause}`, `period: ${periodRefused.instead}   # on the ${plan} plan`));
    const timeout = endpoint.timeout ?? defaultMitigationTimeout(endpoint.period, endpoint.action, plan);
    const timeoutRefused = rateLimitProblems.timeout(timeout, endpoint.action, plan);
    if (timeoutRefused)
      problems.push(
        problem(
          at("timeout"),
          `is ${timeout} s; ${timeoutRefused.clause}`,
          `timeout: ${timeoutRefused.instead}   # on the ${plan} plan, for ${endpoint.action}`,
        ),
      );
    // One request path has one limit: a second entry would only add a rule that can never apply.
    const earlier = host ? endpoints.find((e) => e.host === host.fqdn && e.path === endpoint.path) : undefined;
    if (earlier) {
      return void problems.push(
        problem(at(), `declares ${host?.fqdn}${endpoint.path} again; ${formatConfigPath(["edge", "endpoints", earlier.index])} already limits it, so keep one`),
      );
    }
    if (host)
      endpoints.push({
        index,
        kind: endpoint.kind,
        host: host.fqdn,
        path: endpoint.path,
        requests: endpoint.requests,
        period: endpoint.period,
        timeout,
        action: endpoint.action,
        ...(endpoint.sender !== undefined ? { sender: webhookSender(endpoint.sender) } : {}),
      });
  });
  const groups = new Set(endpoints.map(rateLimitGroupKey));
  const rulesProblem = rateLimitProblems.rules(groups.size, plan);
  if (rulesProblem) {
    problems.push(
      problem(
        ["edge", "endpoints"],
        `needs ${groups.size} rate-limit rules (one per distinct limit: ${[...groups].join("; ")}), but ${rulesProblem}; give endpoints the same requests, period, timeout and action so they share a rule, or move the zone to a larger plan`,
      ),
    );
  }

  const admin: DeclaredAdminProtection[] = [];
  fields.admin.forEach((entry, index) => {
    const at = (...rest: PathSegment[]) => ["edge", "admin", index, ...rest];
    const host = proxiedHost(entry.host, zone, hostByFqdn, at("host"), "protect them", problems);
    if (entry.protection === "allowlist" && entry.allowIps.length === 0)
      problems.push(problem(at("allowIps"), "is empty, so the allowlist would let nobody in; list the office or VPN addresses"));
    if (entry.protection !== "allowlist" && entry.allowIps.length > 0)
      problems.push(problem(at("allowIps"), "only applies to protection: allowlist; remove it or switch the protection"));
    const people = entry.allowEmails.length + entry.allowEmailDomains.length;
    if (entry.protection === "access" && people === 0)
      problems.push(problem(at("allowEmails"), "is empty and so is allowEmailDomains, so Access would let nobody sign in; list who may"));
    if (entry.protection !== "access" && people > 0)
      problems.push(problem(at("allowEmails"), "and allowEmailDomains only apply to protection: access; remove them or switch the protection"));
    if (host)
      admin.push({
        index,
        host: host.fqdn,
        path: entry.path,
        protection: entry.protection,
        allowIps: entry.allowIps,
        allowEmails: entry.allowEmails,
        allowEmailDomains: entry.allowEmailDomains,
      });
  });
  for (const host of hostByFqdn.values()) {
    if (host.purpose === "admin" && host.proxied && !admin.some((a) => a.host === host.fqdn && a.path === undefined)) {
      admin.push({ host: host.fqdn, protection: "challenge", allowIps: [], allowEmails: [], allowEmailDomains: [] });
    }
  }
  fields.firewallRules.forEach((rule, index) => {
    if (!limits.regex && /\smatches\s|\s~\s/.test(rule.expression)) {
      problems.push(
        problem(
          ["edge", "firewallRules", index, "expression"],
          `uses the regex operator, which the ${plan} plan does not have (Business and Enterprise do); use starts_with, ends_with, contains or in`,
        ),
      );
    }
  });
  botProblems(fields.bots, plan, problems);
  const skipRules = needsWebhookSkip({ bots: fields.bots, endpoints }) ? 1 : 0;
  const customRules = admin.filter((a) => a.protection !== "access").length + fields.firewallRules.length + skipRules;
  if (customRules > limits.customRules) {
    const parts =
      fields.firewallRules.length > 0 || skipRules > 0
        ? ` (${customRules - fields.firewallRules.length - skipRules} for admin protection, ${fields.firewallRules.length} in edge.firewallRules${skipRules > 0 ? ", 1 letting webhooks past Super Bot Fight Mode" : ""})`
        : "";
    problems.push(problem(["edge", "admin"], `needs ${customRules} WAF custom rules${parts}, but the ${plan} plan allows ${limits.customRules}`));
  }

  const cors: EdgeConfig["cors"] = [];
  fields.cors.forEach((entry, index) => {
    const resolved = resolveHostInZone(entry.host, zone);
    const host = resolved.ok ? hostByFqdn.get(resolved.value) : undefined;
    if (!host) problems.push(problem(["edge", "cors", index, "host"], `${entry.host} is not a declared host; add it to launch-ready:hosts first`));
    else if (host.purpose !== "api")
      problems.push(problem(["edge", "cors", index, "host"], `${host.fqdn} is a ${host.purpose} host; CORS origins are declared for api hosts`));
    else cors.push({ host: host.fqdn, origins: entry.origins });
  });

  const headerHosts = fields.headers.hosts?.flatMap((name, index) => {
    const host = proxiedHost(name, zone, hostByFqdn, ["edge", "headers", "hosts", index], "add headers to their answers", problems);
    return host ? [host.fqdn] : [];
  });
  const headers = { ...fields.headers, hosts: headerHosts?.sort() };

  return {
    cache: fields.cache,
    endpoints,
    externalEndpoints,
    admin,
    firewallRules: fields.firewallRules,
    cors,
    headers,
    waf: fields.waf,
    ddos: fields.ddos,
    ...(fields.bots !== undefined ? { bots: fields.bots } : {}),
  };
}
