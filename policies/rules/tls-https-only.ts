import { ZONE_SETTINGS } from "../../domain/cloudflare/identifiers";
import { zoneSettingRule } from "../zone-setting-rule";

/** TLS-HTTPS-ONLY: every http:// request is redirected, and http:// links in HTML are rewritten. */
export const tlsHttpsOnly = zoneSettingRule("TLS-HTTPS-ONLY", [
  {
    settingId: ZONE_SETTINGS.alwaysUseHttps,
    configPath: "launch-ready:tls.alwaysUseHttps",
    judge: (value) => (value === "on" ? undefined : { message: `is ${String(value)}; write launch-ready:tls.alwaysUseHttps: true` }),
  },
  {
    settingId: ZONE_SETTINGS.automaticHttpsRewrites,
    configPath: "launch-ready:tls.automaticHttpsRewrites",
    judge: (value) =>
      value === "on" ? undefined : { message: `is ${String(value)}; write launch-ready:tls.automaticHttpsRewrites: true (mixed content otherwise)` },
  },
]);
