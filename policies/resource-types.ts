/** Pulumi type tokens of the resources the bar judges, so rules need no provider SDK. */
export const DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
export const RULESET = "cloudflare:index/ruleset:Ruleset";
export const ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting";
export const ACCESS_APPLICATION = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication";
export const ACCESS_POLICY = "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy";
export const SECRETS_MANAGER_SECRET = "aws:secretsmanager/secret:Secret";
export const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
export const SSM_PARAMETER = "aws:ssm/parameter:Parameter";
