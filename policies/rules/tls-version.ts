import { ZONE_SETTINGS } from "../../domain/cloudflare/identifiers";
import { zoneSettingRule } from "../zone-setting-rule";

/** TLS-VERSION: TLS 1.0 and 1.1 are refused; TLS 1.3 is offered. */
export const tlsVersion = zoneSettingRule("TLS-VERSION", [
  {
    settingId: ZONE_SETTINGS.minTlsVersion,
    configPath: "launch-ready:tls.minTlsVersion",
    judge: (value) =>
      value === "1.2" || value === "1.3"
        ? undefined
        : { message: `is ${String(value)}; write launch-ready:tls.minTlsVersion: "1.2" (1.0 and 1.1 are broken and deprecated, RFC 8996)` },
  },
  {
    settingId: ZONE_SETTINGS.tls13,
    configPath: "launch-ready:tls.tls13",
    judge: (value) => (value === "on" || value === "zrt" ? undefined : { message: `is ${String(value)}; write launch-ready:tls.tls13: on` }),
  },
]);
