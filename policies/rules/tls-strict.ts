import { ZONE_SETTINGS } from "../../domain/cloudflare/identifiers";
import { zoneSettingRule } from "../zone-setting-rule";

/** TLS-STRICT: Cloudflare verifies the origin's certificate; flexible sends visitors' data to the origin in plain HTTP. */
export const tlsStrict = zoneSettingRule("TLS-STRICT", [
  {
    settingId: ZONE_SETTINGS.ssl,
    configPath: "launch-ready:tls.ssl",
    judge: (value) =>
      value === "strict"
        ? undefined
        : {
            message: `is ${String(value)}; write launch-ready:tls.ssl: strict (off and flexible reach the origin unencrypted, full accepts any origin certificate)`,
          },
  },
]);
