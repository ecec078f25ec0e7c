import { ZONE_SETTINGS } from "../../domain/cloudflare/identifiers";
import { HSTS_MIN_MAX_AGE, HSTS_PRELOAD_MIN_MAX_AGE } from "../../domain/http-security";
import { ZONE_SETTING } from "../../domain/resource-types";
import { fail, pass, type BarRule, type DeclaredResource, type Verdict } from "../bar";
import { zoneSettingRule } from "../zone-setting-rule";

/** The zone's HSTS setting as Cloudflare's security_header value holds it. */
type HstsSetting = { enabled?: unknown; include_subdomains?: unknown; max_age?: unknown; preload?: unknown };
const hstsOf = (value: unknown) => (value as { strict_transport_security?: HstsSetting } | null)?.strict_transport_security;

/**
 * TLS-HSTS: browsers remember HTTPS-only for the zone and its subdomains. The one-year max-age is
 * the production bar; staging may use a shorter one, reported as advisory there.
 */
const settings = zoneSettingRule("TLS-HSTS", [
  {
    settingId: ZONE_SETTINGS.securityHeader,
    configPath: "launch-ready:tls.hsts",
    judge: (value) => {
      const hsts = hstsOf(value);
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

/**
 * With `preload: true` the zone asks browsers to hard-code it as HTTPS-only, which the preload
 * list accepts only under its submission requirements (hstspreload.org, read 2026-12-03): a
 * max-age of at least one year, includeSubDomains and preload on the base domain's HTTPS answers
 * (Cloudflare's security_header sends all three), and http:// redirected to https:// on the same
 * host (always_use_https). Serving every subdomain over HTTPS is a live fact: verify checks each
 * declared host's certificate (TLS-STRICT) and the base domain's header.
 */
function preloadVerdicts(resources: readonly DeclaredResource[]): Verdict[] {
  const setting = (id: string) => resources.find((r) => r.type === ZONE_SETTING && r.props.settingId === id);
  const header = setting(ZONE_SETTINGS.securityHeader);
  const hsts = hstsOf(header?.props.value);
  if (!header || hsts?.preload !== true) return [];
  const verdicts: Verdict[] = [];
  const asked = "launch-ready:tls.hsts.preload: true asks for the HSTS preload list";
  if (typeof hsts.max_age === "number" && hsts.max_age < HSTS_PRELOAD_MIN_MAX_AGE)
    verdicts.push(
      fail(
        `${asked}, which takes a max-age of at least ${HSTS_PRELOAD_MIN_MAX_AGE} s (one year) in every environment, and this is ${hsts.max_age}; write launch-ready:tls.hsts.maxAge: ${HSTS_PRELOAD_MIN_MAX_AGE}, or preload: false`,
        { urn: header.urn, configPath: "launch-ready:tls.hsts.maxAge" },
      ),
    );
  const upgrade = setting(ZONE_SETTINGS.alwaysUseHttps);
  if (upgrade && upgrade.props.value !== undefined && upgrade.props.value !== "on")
    verdicts.push(
      fail(`${asked}, which requires http:// to redirect to https:// on the same host; write launch-ready:tls.alwaysUseHttps: true, or preload: false`, {
        urn: upgrade.urn,
        configPath: "launch-ready:tls.alwaysUseHttps",
      }),
    );
  return verdicts.length > 0 ? verdicts : [pass(header.urn)];
}

export const tlsHsts: BarRule = {
  ...settings,
  checkStack: (resources, context) => [...(settings.checkStack?.(resources, context) ?? []), ...preloadVerdicts(resources)],
};
