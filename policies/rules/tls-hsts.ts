import { ZONE_SETTINGS } from "../../domain/cloudflare/identifiers";
import { HSTS_MIN_MAX_AGE } from "../../domain/http-security";
import { zoneSettingRule } from "../zone-setting-rule";

/**
 * TLS-HSTS: browsers remember HTTPS-only for the zone and its subdomains. The one-year max-age is
 * the production bar; staging may use a shorter one, reported as advisory there.
 */
export const tlsHsts = zoneSettingRule("TLS-HSTS", [
  {
    settingId: ZONE_SETTINGS.securityHeader,
    configPath: "launch-ready:tls.hsts",
    judge: (value) => {
      const hsts = (value as { strict_transport_security?: Record<string, unknown> } | null)?.strict_transport_security;
      if (hsts?.enabled !== true) return { message: "HSTS is off; write launch-ready:tls.hsts.enabled: true", configPath: "launch-ready:tls.hsts.enabled" };
      if (hsts.include_subdomains !== true)
        return {
          message: "HSTS leaves subdomains out; write launch-ready:tls.hsts.includeSubdomains: true",
          configPath: "launch-ready:tls.hsts.includeSubdomains",
        };
      if (typeof hsts.max_age === "number" && hsts.max_age < HSTS_MIN_MAX_AGE) {
        return {
          message: `HSTS max-age is ${hsts.max_age} s; write launch-ready:tls.hsts.maxAge: ${HSTS_MIN_MAX_AGE} (one year)`,
          relaxedOutsideProduction: true,
          configPath: "launch-ready:tls.hsts.maxAge",
        };
      }
      return undefined;
    },
  },
]);
