/** Pulumi type tokens of the resources the bar judges, so rules need no provider SDK. */
export const DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
export const RULESET = "cloudflare:index/ruleset:Ruleset";
export const ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting";
export const ACCESS_APPLICATION = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication";
export const ACCESS_POLICY = "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy";
