/**
 * The zone's edge rules as plain data: cache, managed WAF, WAF custom rules, rate limits,
 * security headers and DDoS overrides, one entrypoint ruleset per phase. No Pulumi here: the
 * components create exactly these, and the policies judge what is declared.
 */
import { PHASES } from "../domain/cloudflare/identifiers";
import { MANAGED_RULESETS, ZONE_PLAN_LIMITS, plannedMitigationTimeout } from "../domain/cloudflare/zone-plans";
import { PRIVATE_PURPOSES } from "../stacks/schema/site";
import { ACME_CHALLENGE_PATH } from "../domain/hosting/platforms";
import { acmePassThroughHosts } from "./site-records";
import { needsWebhookSkip, rateLimitGroupKey, webhookEndpoints, type DeclaredEndpoint, type LaunchReadyConfig } from "../stacks/stack-config";
import { SUPER_BOT_FIGHT_MODE_PHASE } from "../domain/cloudflare/bot-protection";
import {
  allOf,
  anyOf,
  extensionIn,
  hasCookie,
  hasHeader,
  hostIn,
  hostIs,
  HTML_RESPONSE,
  not,
  pathIn,
  pathIs,
  pathStartsWithAny,
  responseLacksHeader,
  sourceIpIn,
} from "../domain/cloudflare/rule-expressions";

/** A ruleset rule in the provider's input shape (camelCase), without Pulumi types. */
export interface RulesetRuleSpec {
  /**
   * Stable rule reference, so Cloudflare keeps the rule's identity across updates; unique in the ruleset.
   * @example "admin-challenge-admin-example-com"
   */
  ref: string;
  /**
   * Shown in the Cloudflare dashboard beside the rule; the kit's own name the bar ID they serve.
   * @example "Challenge every visitor to admin.example.com (EDGE-ADMIN)"
   */
  description: string;
  /**
   * Which requests (or responses) the rule matches, in Cloudflare's Rules language. The kit builds
   * its own from typed values, quoted, so a path with quotes stays a literal.
   * @example 'http.host eq "admin.example.com"'
   */
  expression: string;
  /**
   * What a match does; the phase decides which actions it takes.
   * @example "managed_challenge"
   */
  action: string;
  /**
   * Always true: the kit declares no disabled rule, so a rule in the plan is a rule in force.
   * @example true
   */
  enabled: true;
  /**
   * The action's parameters, as the provider's `RulesetRuleActionParameters` spells them: the
   * managed ruleset's `id` for `execute`, `cache` and TTLs for `set_cache_settings`, `headers` for
   * `rewrite`.
   * @example { id: "77454fe2d30c4220b5701f6fdfb893ba" }
   */
  actionParameters?: Record<string, unknown>;
  /**
   * `http_ratelimit` rules only: requests are counted per `characteristics` over `period` seconds;
   * past `requestsPerPeriod`, the action applies for `mitigationTimeout` seconds. The zone's plan
   * caps the period and the timeout (Free: 10 seconds each).
   * @example { characteristics: ["cf.colo.id", "ip.src"], period: 60, requestsPerPeriod: 10, mitigationTimeout: 600 }
   */
  ratelimit?: { characteristics: string[]; period: number; requestsPerPeriod: number; mitigationTimeout: number };
}

/** One phase's entrypoint ruleset of a zone, as EdgeCache, EdgeFirewall or SecurityHeaders creates it. */
export interface RulesetSpec {
  /**
   * The Cloudflare phase the ruleset is the zone's entrypoint for. It names the resource
   * (`<zone>-<phase>`), so the ruleset keeps its identity whatever else changes.
   * @example "http_request_firewall_custom"
   */
  phase: string;
  /**
   * Short name of what the ruleset is for; Cloudflare shows it as `launch-ready <purpose> for <zone>`.
   * @example "custom-waf"
   */
  purpose: string;
  /**
   * Stored with the ruleset in Cloudflare.
   * @example "Admin protection and hand-written rules (launch-ready)"
   */
  description: string;
  /**
   * The rules, in the order Cloudflare evaluates them.
   * @example [{ ref: "admin-challenge", description: "Challenge every visitor to admin.example.com", expression: 'http.host eq "admin.example.com"', action: "managed_challenge", enabled: true }]
   */
  rules: RulesetRuleSpec[];
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 50);
}

function privateHosts(config: LaunchReadyConfig): string[] {
  return config.hosts
    .filter((h) => PRIVATE_PURPOSES.has(h.purpose))
    .map((h) => h.fqdn)
    .sort();
}

/**
 * Static assets are cached at the edge (EDGE-CACHE-STATIC); API, auth and admin traffic and any
 * signed-in request never are (EDGE-CACHE-PRIVATE). Cache rules all apply in order and a later
 * rule's setting wins, so the bypass comes last and always wins.
 */
export function cacheRulesetSpec(config: LaunchReadyConfig): RulesetSpec {
  const { cache } = config.edge;
  const privateHostNames = privateHosts(config);
  const staticAsset = anyOf(extensionIn(cache.staticExtensions), pathStartsWithAny(cache.staticPathPrefixes));
  const signedIn = [hasHeader("authorization"), ...cache.sessionCookies.map(hasCookie)];
  const privateTraffic = anyOf(...(privateHostNames.length > 0 ? [hostIn(privateHostNames)] : []), pathStartsWithAny(cache.privatePathPrefixes), ...signedIn);
  return {
    phase: PHASES.cache,
    purpose: "cache",
    description: "Static assets cached at the edge; API, auth, admin and signed-in requests never (launch-ready)",
    rules: [
      {
        ref: "cache-static-assets",
        description: "Cache static assets (EDGE-CACHE-STATIC)",
        expression: privateHostNames.length > 0 ? allOf(not(hostIn(privateHostNames)), staticAsset) : staticAsset,
        action: "set_cache_settings",
        enabled: true,
        actionParameters: {
          cache: true,
          edgeTtl: { mode: "override_origin", default: cache.edgeTtl },
          browserTtl: { mode: "override_origin", default: cache.browserTtl },
        },
      },
      ...acmeBypass(config),
      {
        ref: "cache-bypass-private",
        description: "Never cache API, auth, admin or signed-in requests (EDGE-CACHE-PRIVATE); last, so it wins",
        expression: privateTraffic,
        action: "set_cache_settings",
        enabled: true,
        actionParameters: { cache: false },
      },
    ],
  };
}

/**
 * Platforms that issue certificates over HTTP-01 through the proxy must answer the challenge
 * themselves: a cached or stale token fails issuance and renewal (domain/hosting/platforms.ts).
 */
function acmeBypass(config: LaunchReadyConfig): RulesetRuleSpec[] {
  const hosts = acmePassThroughHosts(config);
  if (hosts.length === 0) return [];
  return [
    {
      ref: "cache-bypass-acme-challenge",
      description: `Never cache ${ACME_CHALLENGE_PATH} on hosts whose platform issues certificates through the proxy`,
      expression: allOf(hostIn(hosts), pathStartsWithAny([ACME_CHALLENGE_PATH])),
      action: "set_cache_settings",
      enabled: true,
      actionParameters: { cache: false },
    },
  ];
}

/** Cloudflare's managed WAF rulesets the zone's plan includes (EDGE-WAF). */
export function managedWafRulesetSpec(config: LaunchReadyConfig): RulesetSpec | undefined {
  if (!config.edge.waf.managed) return undefined;
  return {
    phase: PHASES.managedWaf,
    purpose: "managed-waf",
    description: "Cloudflare managed WAF rulesets (launch-ready)",
    rules: ZONE_PLAN_LIMITS[config.zone.plan].managedRulesets.map((ruleset) => ({
      ref: `execute-${slug(ruleset.name)}`,
      description: `Execute ${ruleset.name} (EDGE-WAF)`,
      expression: "true",
      action: "execute",
      enabled: true,
      actionParameters: { id: ruleset.id },
    })),
  };
}

/**
 * Admin surfaces behind a managed challenge or an IP allowlist (EDGE-ADMIN), then the stack's
 * hand-written rules (the documented escape hatch), which come after the kit's own.
 */
export function customWafRulesetSpec(config: LaunchReadyConfig): RulesetSpec | undefined {
  const skip = webhookSkipRules(config);
  if (!config.edge.admin.some((entry) => entry.protection !== "access") && config.edge.firewallRules.length === 0 && skip.length === 0) return undefined;
  const rules = config.edge.admin
    .filter((entry) => entry.protection !== "access")
    .sort((a, b) => (`${a.host}${a.path ?? ""}` < `${b.host}${b.path ?? ""}` ? -1 : 1))
    .map((entry): RulesetRuleSpec => {
      const surface = entry.path ? allOf(hostIs(entry.host), pathStartsWithAny([entry.path])) : hostIs(entry.host);
      const where = `${entry.host}${entry.path ?? ""}`;
      return entry.protection === "allowlist"
        ? {
            ref: `admin-allowlist-${slug(where)}`,
            description: `Only listed addresses reach ${where} (EDGE-ADMIN)`,
            expression: allOf(surface, not(sourceIpIn(entry.allowIps))),
            action: "block",
            enabled: true,
          }
        : {
            ref: `admin-challenge-${slug(where)}`,
            description: `Challenge every visitor to ${where} (EDGE-ADMIN)`,
            expression: surface,
            action: "managed_challenge",
            enabled: true,
          };
    });
  const raw = config.edge.firewallRules.map(
    (rule): RulesetRuleSpec => ({
      ref: `raw-${slug(rule.description)}`,
      description: `${rule.description} (hand-written expression: ${rule.reason})`,
      expression: rule.expression,
      action: rule.action,
      enabled: true,
    }),
  );
  return {
    phase: PHASES.customWaf,
    purpose: "custom-waf",
    description: "Admin protection and hand-written rules (launch-ready)",
    rules: [...skip, ...rules, ...raw],
  };
}

/**
 * Webhook senders are servers, which Super Bot Fight Mode takes for bots: one skip rule lets each
 * declared webhook past it (EDGE-BOTS), and only it, so rate limits and the managed WAF still
 * apply there. First in the ruleset; skipping a phase does not stop the rules after it.
 */
function webhookSkipRules(config: LaunchReadyConfig): RulesetRuleSpec[] {
  if (!needsWebhookSkip(config.edge)) return [];
  const webhooks = webhookEndpoints(config.edge).sort((a, b) => (`${a.host}${a.path}` < `${b.host}${b.path}` ? -1 : 1));
  return [
    {
      ref: "skip-sbfm-webhooks",
      description: "Let webhook senders past Super Bot Fight Mode (EDGE-BOTS)",
      expression: anyOf(...webhooks.map((webhook) => allOf(hostIs(webhook.host), pathIs(webhook.path)))),
      action: "skip",
      enabled: true,
      actionParameters: { phases: [SUPER_BOT_FIGHT_MODE_PHASE] },
    },
  ];
}

/**
 * Per-IP rate limits on login, signup, password reset and webhooks (EDGE-RATE-LIMIT). Endpoints
 * with the same limit share one rule, since plans allow few. The Free plan's rules may test only
 * the path, so there the rule matches that path on every host of the zone. `endpoints` are the
 * config's own unless the zone's owner passes every stack's, which share the zone's few rules.
 */
export function rateLimitRulesetSpec(config: LaunchReadyConfig, endpoints: readonly DeclaredEndpoint[] = config.edge.endpoints): RulesetSpec | undefined {
  if (endpoints.length === 0) return undefined;
  const hostField = ZONE_PLAN_LIMITS[config.zone.plan].rateLimit.hostField;
  const groups = new Map<string, DeclaredEndpoint[]>();
  for (const endpoint of endpoints) groups.set(rateLimitGroupKey(endpoint), [...(groups.get(rateLimitGroupKey(endpoint)) ?? []), endpoint]);
  const rules = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, endpoints]): RulesetRuleSpec => {
      const paths = [...new Set(endpoints.map((e) => e.path))].sort();
      const hosts = [...new Set(endpoints.map((e) => e.host))].sort();
      const [first] = endpoints;
      return {
        ref: `rate-limit-${slug(key)}`,
        description: `${first.requests} requests per ${first.period} s per IP on ${[...new Set(endpoints.map((e) => e.kind))].sort().join(", ")} (EDGE-RATE-LIMIT)`,
        expression: hostField ? allOf(hostIn(hosts), pathIn(paths)) : pathIn(paths),
        action: first.action,
        enabled: true,
        ratelimit: {
          characteristics: ["cf.colo.id", "ip.src"],
          period: first.period,
          requestsPerPeriod: first.requests,
          // A challenge below Enterprise only throttles: Cloudflare takes mitigation timeout 0 for it.
          mitigationTimeout: plannedMitigationTimeout(first.timeout, first.action, config.zone.plan),
        },
      };
    });
  return { phase: PHASES.rateLimit, purpose: "rate-limit", description: "Rate limits on abuse-prone endpoints (launch-ready)", rules };
}

export const SECURITY_HEADERS = ["X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"] as const;

/**
 * Security headers on HTML answers, each only where the app did not set its own (EDGE-HEADERS),
 * on every proxied host or only the listed ones.
 */
export function securityHeadersRulesetSpec(config: LaunchReadyConfig): RulesetSpec {
  const values: Record<(typeof SECURITY_HEADERS)[number], string> = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": config.edge.headers.frameOptions,
    "Referrer-Policy": config.edge.headers.referrerPolicy,
  };
  const hosts = config.edge.headers.hosts;
  return {
    phase: PHASES.responseHeaders,
    purpose: "security-headers",
    description: "Security headers on HTML answers (launch-ready)",
    rules: SECURITY_HEADERS.map((header) => ({
      ref: `set-${slug(header)}`,
      description: `Set ${header}: ${values[header]} where the app does not (EDGE-HEADERS)`,
      expression: hosts ? allOf(hostIn(hosts), HTML_RESPONSE, responseLacksHeader(header)) : allOf(HTML_RESPONSE, responseLacksHeader(header)),
      action: "rewrite",
      enabled: true,
      actionParameters: { headers: { [header]: { operation: "set", value: values[header] } } },
    })),
  };
}

/** An HTTP DDoS override, only when the stack asks for one (EDGE-DDOS judges it). */
export function ddosRulesetSpec(config: LaunchReadyConfig): RulesetSpec | undefined {
  const ddos = config.edge.ddos;
  if (!ddos) return undefined;
  return {
    phase: PHASES.ddos,
    purpose: "ddos",
    description: "HTTP DDoS protection override (launch-ready)",
    rules: [
      {
        ref: "http-ddos-sensitivity",
        description: `HTTP DDoS sensitivity ${ddos.sensitivity} (EDGE-DDOS)`,
        expression: "true",
        action: "execute",
        enabled: true,
        actionParameters: { id: MANAGED_RULESETS.httpDdos.id, overrides: { sensitivityLevel: ddos.sensitivity } },
      },
    ],
  };
}

/** Every edge ruleset the stack declares, one per phase. */
export function edgeRulesetSpecs(config: LaunchReadyConfig): RulesetSpec[] {
  return [
    cacheRulesetSpec(config),
    managedWafRulesetSpec(config),
    customWafRulesetSpec(config),
    rateLimitRulesetSpec(config),
    securityHeadersRulesetSpec(config),
    ddosRulesetSpec(config),
  ].filter((ruleset): ruleset is RulesetSpec => ruleset !== undefined);
}

/** An admin surface behind Cloudflare Access: a self-hosted application and who may sign in. */
export interface AccessApplicationSpec {
  /**
   * Names the application's resource, and its policy's (`<logicalName>-allow`): what it protects.
   * @example "access-admin-example-com"
   */
  logicalName: string;
  /**
   * What the application protects, as Access writes an application's domain: a host, or a host
   * and path prefix.
   * @example "admin.example.com"
   */
  domain: string;
  /**
   * People who may sign in, by email address.
   * @example ["founder@example.com"]
   */
  allowEmails: string[];
  /**
   * Email domains whose every address may sign in. With no emails and no domains, nobody can.
   * @example ["example.com"]
   */
  allowEmailDomains: string[];
}

export function accessApplicationSpecs(config: LaunchReadyConfig): AccessApplicationSpec[] {
  return config.edge.admin
    .filter((entry) => entry.protection === "access")
    .map((entry) => {
      const domain = `${entry.host}${entry.path ?? ""}`;
      return { logicalName: `access-${slug(domain)}`, domain, allowEmails: entry.allowEmails, allowEmailDomains: entry.allowEmailDomains };
    })
    .sort((a, b) => (a.logicalName < b.logicalName ? -1 : 1));
}
