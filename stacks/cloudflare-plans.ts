/**
 * What each Cloudflare plan allows, in one table, so config that a plan cannot hold is refused
 * when the stack file is read instead of failing halfway through `pulumi up`.
 */
export const CLOUDFLARE_PLANS = ["free", "pro", "business", "enterprise"] as const;
export type CloudflarePlan = (typeof CLOUDFLARE_PLANS)[number];

export interface PlanLimits {
  /** Rules in the zone's `http_request_dynamic_redirect` entrypoint (Single Redirects). */
  singleRedirectRules: number;
  /** Lowest TTL a DNS-only record may have, in seconds (1 stays "automatic"). */
  minimumRecordTtl: number;
}

/**
 * Sources, as read on 2026-11-25 from the kit's knowledge of Cloudflare's published tables
 * (the figures are not fetched at run time; re-check them when Cloudflare changes its plans):
 * - Single Redirects availability: https://developers.cloudflare.com/rules/url-forwarding/single-redirects/#availability
 * - DNS record TTL: https://developers.cloudflare.com/dns/manage-dns-records/reference/ttl/
 */
export const PLAN_LIMITS: Record<CloudflarePlan, PlanLimits> = {
  free: { singleRedirectRules: 10, minimumRecordTtl: 60 },
  pro: { singleRedirectRules: 25, minimumRecordTtl: 60 },
  business: { singleRedirectRules: 50, minimumRecordTtl: 60 },
  enterprise: { singleRedirectRules: 300, minimumRecordTtl: 30 },
};

/** Cloudflare's upper bound for a DNS record TTL, in seconds, on every plan. */
export const MAXIMUM_RECORD_TTL = 86400;
