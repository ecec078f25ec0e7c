/**
 * What each Cloudflare plan allows, in one table, so config that a plan cannot hold is refused
 * when the stack file is read instead of failing halfway through `pulumi up`.
 */
export const ZONE_PLANS = ["free", "pro", "business", "enterprise"] as const;
export type ZonePlan = (typeof ZONE_PLANS)[number];

/**
 * What Cloudflare's Rulesets API takes in an `http_ratelimit` rule, on any plan: the counting
 * periods and mitigation timeouts it documents (seconds), and the actions of a rate-limit rule.
 * Each plan takes some of them (ZONE_PLAN_LIMITS[plan].rateLimit).
 */
export const RATE_LIMIT_PERIODS = [10, 60, 120, 300, 600, 3600] as const;
export type RateLimitPeriod = (typeof RATE_LIMIT_PERIODS)[number];
export const RATE_LIMIT_TIMEOUTS = [0, 10, 60, 120, 300, 600, 3600, 86400] as const;
export type RateLimitTimeout = (typeof RATE_LIMIT_TIMEOUTS)[number];
/** Actions that challenge the client instead of blocking it; below Enterprise they only throttle (timeout 0). */
export const CHALLENGE_ACTIONS = ["managed_challenge", "js_challenge", "challenge"] as const;
/** Actions that stop a client over the limit (log only records it). */
export const LIMITING_ACTIONS = ["block", ...CHALLENGE_ACTIONS] as const;
export type LimitingAction = (typeof LIMITING_ACTIONS)[number];
export const RATE_LIMIT_ACTIONS = [...LIMITING_ACTIONS, "log"] as const;
export type RateLimitAction = (typeof RATE_LIMIT_ACTIONS)[number];

export interface RateLimitLimits {
  /** Rules in the zone's `http_ratelimit` entrypoint. */
  rules: number;
  /** Counting periods the plan takes, seconds. */
  periods: readonly RateLimitPeriod[];
  /**
   * Mitigation timeouts the plan takes for block and log, seconds: the action lasts this long.
   * 0 (throttle only what is over the rate) is Enterprise's alone for these actions.
   */
  timeouts: readonly RateLimitTimeout[];
  /** Mitigation timeouts the plan takes for a challenge action: only 0 below Enterprise (the rule throttles). */
  challengeTimeouts: readonly RateLimitTimeout[];
  /** Rule actions the plan takes (log: Enterprise only). */
  actions: readonly RateLimitAction[];
  /** Whether a rule's expression may test the host (Free: path and verified bot only). */
  hostField: boolean;
}

export interface ZonePlanLimits {
  /** Rules in the zone's `http_request_dynamic_redirect` entrypoint (Single Redirects). */
  singleRedirectRules: number;
  /** Lowest TTL a DNS-only record may have, in seconds (1 stays "automatic"). */
  minimumRecordTtl: number;
  /**
   * DNS records a zone of the plan holds by default (the stack's `zone.recordQuota` says when
   * Cloudflare gave it another): a Free zone created on or after 2024-09-01 holds 200, one created
   * before 1,000; an Enterprise zone falls under its account's quota, 1,000,000 by default.
   */
  dnsRecords: number;
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
 * - Rate limiting by plan (rules, each plan's longest counting period and mitigation timeout, Free's
 *   path-only expressions), checked on 2026-12-02: src/content/partials/waf/rate-limiting-availability-by-plan.mdx @07acbb66
 *   (https://developers.cloudflare.com/waf/rate-limiting-rules/#availability): Free 10 s / 10 s, Pro
 *   up to 1 min / 1 h, Business up to 10 min / 1 day, Enterprise up to 65,535 s / 1 day. An older
 *   version of that table (@8bce8c0d) listed fewer values per paid plan (Pro: periods 10 s and
 *   1 min, timeouts 10 s, 1 min and 1 h); the newer one supersedes it.
 * - The values the API takes (RATE_LIMIT_PERIODS, RATE_LIMIT_TIMEOUTS, RATE_LIMIT_ACTIONS), and that
 *   Free, Pro and Business must set mitigation_timeout 0 for managed_challenge, js_challenge and
 *   challenge while Enterprise may set any, and that only Enterprise throttles with block:
 *   src/content/docs/waf/rate-limiting-rules/parameters.mdx @12dd7ce4 (the same lists @5d2cc64b;
 *   https://developers.cloudflare.com/waf/rate-limiting-rules/parameters/). The availability table's
 *   footnote lists more values (15, 20, 30 s...); the API values are these, so the kit plans only these.
 *   The Rulesets API schema types period and mitigation_timeout as plain integers
 *   (cloudflare/terraform-provider-cloudflare internal/services/ruleset/schema.go, @pulumi/cloudflare
 *   6.22.1 RulesetRuleRatelimit), so the documented lists are the ones to hold to.
 * - Log is an Enterprise-only action: src/content/docs/ruleset-engine/rules-language/actions.mdx @0309c8be.
 * - Managed ruleset IDs: src/content/docs/waf/managed-rules/index.mdx @07acbb66; HTTP DDoS ruleset ID:
 *   src/content/docs/terraform/additional-configurations/ddos-managed-rulesets.mdx @0d09680d
 * - DNS record TTL: https://developers.cloudflare.com/dns/manage-dns-records/reference/ttl/
 * - DNS record quotas, checked on 2026-12-03: https://developers.cloudflare.com/dns/manage-dns-records/
 *   ("DNS records quota", modified 2026-08-14): per zone, Free 200 (1,000 for a zone created before
 *   2024-09-01), Pro and Business 3,500; Enterprise per account, 1,000,000 public records by default.
 * - Standalone Health Checks per plan (none on Free): src/content/plans/index.json @0188ca2f
 *   (traffic.health_checks). Shortest interval: Cloudflare documents 60/15/10 s per plan for Load
 *   Balancing monitors (src/content/partials/load-balancing/monitor-settings-advanced.mdx @398302a4),
 *   the same checkers; it does not state them for standalone checks, so the kit holds them to it.
 */
const upTo = <T extends number>(values: readonly T[], max: number, min = 0): T[] => values.filter((value) => value >= min && value <= max);

/** Rate limiting on a plan below Enterprise: challenge actions only throttle, block and log last at least 10 s. */
function rateLimitBelowEnterprise(rules: number, maxPeriod: number, maxTimeout: number, hostField: boolean): RateLimitLimits {
  return {
    rules,
    periods: upTo(RATE_LIMIT_PERIODS, maxPeriod),
    timeouts: upTo(RATE_LIMIT_TIMEOUTS, maxTimeout, 1),
    challengeTimeouts: [0],
    actions: LIMITING_ACTIONS,
    hostField,
  };
}

/** Pro and up may run every managed ruleset; the kit deploys the Cloudflare Managed Ruleset. */
const PAID_PLAN_WAF = {
  managedRulesets: [MANAGED_RULESETS.cloudflareManaged],
  availableManagedRulesets: [MANAGED_RULESETS.freeManaged, MANAGED_RULESETS.cloudflareManaged, MANAGED_RULESETS.owaspCore],
};

export const ZONE_PLAN_LIMITS: Record<ZonePlan, ZonePlanLimits> = {
  free: {
    singleRedirectRules: 10,
    minimumRecordTtl: 60,
    dnsRecords: 200,
    customRules: 5,
    cacheRules: 10,
    responseHeaderRules: 10,
    rateLimit: rateLimitBelowEnterprise(1, 10, 10, false),
    managedRulesets: [MANAGED_RULESETS.freeManaged],
    availableManagedRulesets: [MANAGED_RULESETS.freeManaged],
    regex: false,
  },
  pro: {
    singleRedirectRules: 25,
    minimumRecordTtl: 60,
    dnsRecords: 3500,
    customRules: 20,
    cacheRules: 25,
    responseHeaderRules: 25,
    rateLimit: rateLimitBelowEnterprise(2, 60, 3600, true),
    ...PAID_PLAN_WAF,
    regex: false,
    healthChecks: { checks: 10, minimumInterval: 60 },
  },
  business: {
    singleRedirectRules: 50,
    minimumRecordTtl: 60,
    dnsRecords: 3500,
    customRules: 100,
    cacheRules: 50,
    responseHeaderRules: 50,
    rateLimit: rateLimitBelowEnterprise(5, 600, 86400, true),
    ...PAID_PLAN_WAF,
    regex: true,
    healthChecks: { checks: 50, minimumInterval: 15 },
  },
  enterprise: {
    singleRedirectRules: 300,
    minimumRecordTtl: 30,
    dnsRecords: 1_000_000,
    customRules: 1000,
    cacheRules: 300,
    responseHeaderRules: 300,
    rateLimit: {
      rules: 100,
      periods: upTo(RATE_LIMIT_PERIODS, 65535),
      timeouts: RATE_LIMIT_TIMEOUTS,
      challengeTimeouts: RATE_LIMIT_TIMEOUTS,
      actions: RATE_LIMIT_ACTIONS,
      hostField: true,
    },
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

/** The values a plan takes for a rule's mitigation timeout, which depend on its action. */
export function rateLimitTimeouts(action: string, plan: ZonePlan): readonly RateLimitTimeout[] {
  const limits = ZONE_PLAN_LIMITS[plan].rateLimit;
  return (CHALLENGE_ACTIONS as readonly string[]).includes(action) ? limits.challengeTimeouts : limits.timeouts;
}

/** The allowed value nearest below `value` (the longest that does not exceed it), or the smallest when none is below. */
function nearest<T extends number>(value: number, allowed: readonly T[]): T {
  const below = allowed.filter((candidate) => candidate <= value);
  return below.length > 0 ? below[below.length - 1] : allowed[0];
}

/** How a list of values reads in a message: "10, 60 or 3600". */
function either(values: readonly (number | string)[]): string {
  return values.length === 1 ? String(values[0]) : `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}

/** What a plan cannot hold, as the clause that follows the offending value ("is 60 s; <clause>"), and the value to write instead. */
export interface RateLimitRefusal {
  clause: string;
  instead: number | string;
}

/**
 * What a plan's rate limiting cannot hold, or undefined. The stack file is refused with these when
 * read, the ruleset is built with the same values, and the bar judges declared rulesets with them,
 * so the three can never disagree.
 */
export const rateLimitProblems = {
  period(period: number, plan: ZonePlan): RateLimitRefusal | undefined {
    const periods = ZONE_PLAN_LIMITS[plan].rateLimit.periods;
    if ((periods as readonly number[]).includes(period)) return undefined;
    const api = (RATE_LIMIT_PERIODS as readonly number[]).includes(period) ? "" : `Cloudflare counts over ${either(RATE_LIMIT_PERIODS)} s, and `;
    return { clause: `${api}the ${plan} plan counts over ${either(periods)} s`, instead: nearest(period, periods) };
  },
  timeout(timeout: number, action: string, plan: ZonePlan): RateLimitRefusal | undefined {
    const timeouts = rateLimitTimeouts(action, plan);
    if ((timeouts as readonly number[]).includes(timeout)) return undefined;
    if (timeouts.length === 1 && timeouts[0] === 0)
      return {
        clause: `on the ${plan} plan a ${action} rule only throttles requests over the rate, so Cloudflare takes only mitigation timeout 0 for it (Enterprise may set a duration)`,
        instead: 0,
      };
    const api = (RATE_LIMIT_TIMEOUTS as readonly number[]).includes(timeout) ? "" : `Cloudflare mitigates for ${either(RATE_LIMIT_TIMEOUTS)} s, and `;
    return { clause: `${api}the ${plan} plan mitigates a ${action} rule for ${either(timeouts)} s`, instead: nearest(timeout, timeouts) };
  },
  action(action: string, plan: ZonePlan): RateLimitRefusal | undefined {
    const actions = ZONE_PLAN_LIMITS[plan].rateLimit.actions;
    if ((actions as readonly string[]).includes(action)) return undefined;
    return { clause: `the ${plan} plan's rate-limit rules take ${either(actions)}`, instead: "block" };
  },
  rules(count: number, plan: ZonePlan): string | undefined {
    const max = ZONE_PLAN_LIMITS[plan].rateLimit.rules;
    return count > max ? `the ${plan} plan allows ${max}` : undefined;
  },
};

/**
 * The mitigation timeout a rule is planned with when the stack file gives none: the period, which
 * every plan takes for block as long as it takes the period; for a challenge action below
 * Enterprise, 0 (the rule throttles). Always a value the plan takes.
 */
export function defaultMitigationTimeout(period: number, action: string, plan: ZonePlan): RateLimitTimeout {
  return nearest(period, rateLimitTimeouts(action, plan));
}

/**
 * The mitigation timeout to send for a rule: the one given, except that where the plan takes only 0
 * for the action (a challenge below Enterprise), 0.
 */
export function plannedMitigationTimeout(timeout: number, action: string, plan: ZonePlan): number {
  const allowed = rateLimitTimeouts(action, plan);
  return allowed.length === 1 ? allowed[0] : timeout;
}
