/** Pulumi type tokens of the resources the bar judges, so rules need no provider SDK. */
export const DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
export const RULESET = "cloudflare:index/ruleset:Ruleset";
export const ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting";
export const ACCESS_APPLICATION = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication";
export const ACCESS_POLICY = "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy";
export const SECRETS_MANAGER_SECRET = "aws:secretsmanager/secret:Secret";
export const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
export const SSM_PARAMETER = "aws:ssm/parameter:Parameter";
export const ROUTE53_HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
export const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const CLOUDWATCH_DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
export const SNS_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
export const CLOUDFLARE_HEALTH_CHECK = "cloudflare:index/healthcheck:Healthcheck";
export const NOTIFICATION_POLICY = "cloudflare:index/notificationPolicy:NotificationPolicy";
export const CHECKLY_CHECK = "checkly:index/check:Check";
export const CHECKLY_ALERT_CHANNEL = "checkly:index/alertChannel:AlertChannel";
export const VERCEL_ENV_VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable";
