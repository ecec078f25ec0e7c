/**
 * What each Cloudflare plan allows, in one table, so config that a plan cannot hold is refused
 * when the stack file is read instead of failing halfway through `pulumi up`.
 */
export const ZONE_PLANS = ["free", "pro", "business", "enterprise"] as const;
export type ZonePlan = (typeof ZONE_PLANS)[number];

export interface RateLimitLimits {
  /** Rules in the zone's `http_ratelimit` entrypoint. */
  rules: number;
  /** Longest counting period, seconds. */
  maxPeriod: number;
  /** Longest mitigation timeout, seconds. */
  maxTimeout: number;
  /** Whether a rule's expression may test the host (Free: path and verified bot only). */
  hostField: boolean;
}

export interface ZonePlanLimits {
  /** Rules in the zone's `http_request_dynamic_redirect` entrypoint (Single Redirects). */
  singleRedirectRules: number;
  /** Lowest TTL a DNS-only record may have, in seconds (1 stays "automatic"). */
  minimumRecordTtl: number;
  /** Rules in `http_request_firewall_custom` (WAF custom rules). */
  customRules: number;
  /** Rules in `http_request_cache_settings` (cache rules). */
  cacheRules: number;
  /** Rules in `http_response_headers_transform` (response header transform rules). */
  responseHeaderRules: number;
  rateLimit: RateLimitLimits;
  /**
   * The managed WAF ruleset the kit deploys in `http_request_firewall_managed` (EDGE-WAF). The OWASP
   * Core Ruleset (Pro and up) is left to the user: Cloudflare warns it needs tuning against false
   * positives, and a launch should not start by blocking real users.
   */
  managedRulesets: readonly ManagedRuleset[];
  /** Every managed WAF ruleset the plan may deploy (a zone deploys each at most once). */
  availableManagedRulesets: readonly ManagedRuleset[];
  /** Whether rule expressions may use the regex operator `matches` (Business and Enterprise). */
  regex: boolean;
  /** Standalone Health Checks: how many per zone and the shortest interval, seconds; absent where the plan has none. */
  healthChecks?: { checks: number; minimumInterval: number };
}

export interface ManagedRuleset {
  name: string;
  id: string;
}

/** Cloudflare's managed rulesets; their IDs are the same for every zone. */
export const MANAGED_RULESETS = {
  cloudflareManaged: { name: "Cloudflare Managed Ruleset", id: "efb7b8c949ac4650a09736fc376e9aee" },
  owaspCore: { name: "Cloudflare OWASP Core Ruleset", id: "4814384a9e5d4991b9815dcfc25d2f1f" },
  freeManaged: { name: "Cloudflare Free Managed Ruleset", id: "77454fe2d30c4220b5701f6fdfb893ba" },
  httpDdos: { name: "HTTP DDoS Attack Protection", id: "4d21379b4f9f4bb088e0729962c8b3cf" },
} as const satisfies Record<string, ManagedRuleset>;

/**
 * Checked on 2026-11-25 against Cloudflare's own documentation sources (cloudflare/cloudflare-docs;
 * Cloudflare changes plans, so re-check them when upgrading):
 * - Rule counts per plan (custom rules, cache rules, transform rules, Single Redirects, regex, managed
 *   rulesets): src/content/plans/index.json @0188ca2f50e3f50c3cc67cbc095989ebabe9e062
 * - Rate limiting by plan: src/content/partials/waf/rate-limiting-availability-by-plan.mdx @8bce8c0d
 *   (https://developers.cloudflare.com/waf/rate-limiting-rules/#availability)
 * - Managed ruleset IDs: src/content/docs/waf/managed-rules/index.mdx @07acbb66; HTTP DDoS ruleset ID:
 *   src/content/docs/terraform/additional-configurations/ddos-managed-rulesets.mdx @0d09680d
 * - DNS record TTL: https://developers.cloudflare.com/dns/manage-dns-records/reference/ttl/
 * - Standalone Health Checks per plan (none on Free): src/content/plans/index.json @0188ca2f
 *   (traffic.health_checks). Shortest interval: Cloudflare documents 60/15/10 s per plan for Load
 *   Balancing monitors (src/content/partials/load-balancing/monitor-settings-advanced.mdx @398302a4),
 *   the same checkers; it does not state them for standalone checks, so the kit holds them to it.
 */
/** Pro and up may run every managed ruleset; the kit deploys the Cloudflare Managed Ruleset. */
const PAID_PLAN_WAF = {
  managedRulesets: [MANAGED_RULESETS.cloudflareManaged],
  availableManagedRulesets: [MANAGED_RULESETS.freeManaged, MANAGED_RULESETS.cloudflareManaged, MANAGED_RULESETS.owaspCore],
};

export const ZONE_PLAN_LIMITS: Record<ZonePlan, ZonePlanLimits> = {
  free: {
    singleRedirectRules: 10,
    minimumRecordTtl: 60,
    customRules: 5,
    cacheRules: 10,
    responseHeaderRules: 10,
    rateLimit: { rules: 1, maxPeriod: 10, maxTimeout: 10, hostField: false },
    managedRulesets: [MANAGED_RULESETS.freeManaged],
    availableManagedRulesets: [MANAGED_RULESETS.freeManaged],
    regex: false,
  },
  pro: {
    singleRedirectRules: 25,
    minimumRecordTtl: 60,
    customRules: 20,
    cacheRules: 25,
    responseHeaderRules: 25,
    rateLimit: { rules: 2, maxPeriod: 60, maxTimeout: 3600, hostField: true },
    ...PAID_PLAN_WAF,
    regex: false,
    healthChecks: { checks: 10, minimumInterval: 60 },
  },
  business: {
    singleRedirectRules: 50,
    minimumRecordTtl: 60,
    customRules: 100,
    cacheRules: 50,
    responseHeaderRules: 50,
    rateLimit: { rules: 5, maxPeriod: 600, maxTimeout: 86400, hostField: true },
    ...PAID_PLAN_WAF,
    regex: true,
    healthChecks: { checks: 50, minimumInterval: 15 },
  },
  enterprise: {
    singleRedirectRules: 300,
    minimumRecordTtl: 30,
    customRules: 1000,
    cacheRules: 300,
    responseHeaderRules: 300,
    rateLimit: { rules: 100, maxPeriod: 65535, maxTimeout: 86400, hostField: true },
    ...PAID_PLAN_WAF,
    regex: true,
    healthChecks: { checks: 1000, minimumInterval: 10 },
  },
};

/** Longest rule expression Cloudflare accepts, in characters (Rules language reference). */
export const MAX_EXPRESSION_LENGTH = 4096;

/** Cloudflare's upper bound for a DNS record TTL, in seconds, on every plan. */
export const MAXIMUM_RECORD_TTL = 86400;

/** Whether Cloudflare takes this TTL for a DNS-only record on the plan (1 is automatic). */
export function isRecordTtlAllowed(ttl: unknown, plan: ZonePlan): boolean {
  const minimum = ZONE_PLAN_LIMITS[plan].minimumRecordTtl;
  return ttl === 1 || (typeof ttl === "number" && Number.isInteger(ttl) && ttl >= minimum && ttl <= MAXIMUM_RECORD_TTL);
}

/** The TTLs a plan takes, as a clause for messages. */
export function recordTtlRange(plan: ZonePlan): string {
  return `on the ${plan} plan a TTL is ${ZONE_PLAN_LIMITS[plan].minimumRecordTtl} to ${MAXIMUM_RECORD_TTL} seconds, or 1 for automatic`;
}

/** Why a DNS-only record's TTL is refused on a plan ("is 30; ..."), or undefined when Cloudflare takes it. */
export function recordTtlProblem(ttl: unknown, plan: ZonePlan): string | undefined {
  return isRecordTtlAllowed(ttl, plan) ? undefined : `is ${String(ttl)}; ${recordTtlRange(plan)}`;
}

/**
 * What a plan's rate limiting cannot hold, each as the clause that follows the offending value
 * ("is 60 s; <clause>"), or undefined. The stack file is refused with these when read, and the
 * bar judges declared rulesets with the same ones, so the two can never disagree.
 */
export const rateLimitProblems = {
  period(period: number, plan: ZonePlan): string | undefined {
    const max = ZONE_PLAN_LIMITS[plan].rateLimit.maxPeriod;
    return period > max ? `the ${plan} plan counts over at most ${max} s` : undefined;
  },
  timeout(timeout: number, plan: ZonePlan): string | undefined {
    const max = ZONE_PLAN_LIMITS[plan].rateLimit.maxTimeout;
    return timeout > max ? `the ${plan} plan mitigates for at most ${max} s` : undefined;
  },
  rules(count: number, plan: ZonePlan): string | undefined {
    const max = ZONE_PLAN_LIMITS[plan].rateLimit.rules;
    return count > max ? `the ${plan} plan allows ${max}` : undefined;
  },
};
