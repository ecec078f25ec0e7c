/**
 * Cloudflare's ruleset phases and zone settings the kit writes to, and the alert it subscribes
 * to: the provider's exact strings, named once for the components that create them and the bar that looks for them.
 * Each zone has one entrypoint ruleset per phase.
 */
export const PHASES = {
  redirect: "http_request_dynamic_redirect",
  cache: "http_request_cache_settings",
  managedWaf: "http_request_firewall_managed",
  customWaf: "http_request_firewall_custom",
  rateLimit: "http_ratelimit",
  responseHeaders: "http_response_headers_transform",
  ddos: "ddos_l7",
} as const;

/** The notification Cloudflare sends when a standalone health check changes state (Pro plan and above). */
export const HEALTH_CHECK_ALERT_TYPE = "health_check_status_notification";

/** The zone settings the kit declares (ZoneSetting's settingId): one resource each. */
export const ZONE_SETTINGS = {
  ssl: "ssl",
  alwaysUseHttps: "always_use_https",
  automaticHttpsRewrites: "automatic_https_rewrites",
  minTlsVersion: "min_tls_version",
  tls13: "tls_1_3",
  securityHeader: "security_header",
} as const;
