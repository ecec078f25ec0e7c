import { zoneSettingRule } from "./zone-setting-rule";

/** TLS-HTTPS-ONLY: every http:// request is redirected, and http:// links in HTML are rewritten. */
export const tlsHttpsOnly = zoneSettingRule("TLS-HTTPS-ONLY", [
  {
    settingId: "always_use_https",
    configPath: "launch-ready:tls.alwaysUseHttps",
    judge: (value) => (value === "on" ? undefined : { message: `is ${String(value)}; write launch-ready:tls.alwaysUseHttps: true` }),
  },
  {
    settingId: "automatic_https_rewrites",
    configPath: "launch-ready:tls.automaticHttpsRewrites",
    judge: (value) => (value === "on" ? undefined : { message: `is ${String(value)}; write launch-ready:tls.automaticHttpsRewrites: true (mixed content otherwise)` }),
  },
]);
