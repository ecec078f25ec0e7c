import { PROXIED_BY_DEFAULT } from "../../stacks/schema/site";
import { declaredHost, fail, notApplicable, NOT_KNOWN_YET, pass, type BarRule } from "../bar";
import { DNS_RECORD } from "../../domain/resource-types";
import { HOSTING_PLATFORM_FACTS, type HostingPlatform } from "../../domain/hosting/platforms";

/** Why a host on `platform` is DNS-only by default, in the platform's words; undefined when it may be proxied as the bar wants. */
function dnsOnlyReason(platform: HostingPlatform | undefined): string | undefined {
  if (platform === undefined) return undefined;
  const { proxy } = HOSTING_PLATFORM_FACTS[platform];
  return proxy.default === false ? (proxy.refused ?? proxy.sslMode?.why) : undefined;
}

/** DNS-PROXIED: web, api and admin traffic passes Cloudflare (cache, WAF, DDoS); mail hosts never do. */
export const dnsProxied: BarRule = {
  id: "DNS-PROXIED",
  resourceTypes: [DNS_RECORD],
  checkResource(resource, context) {
    const { name, proxied, type } = resource.props;
    if (!["A", "AAAA", "CNAME"].includes(String(type))) return notApplicable(`${String(type)} records are never proxied`, resource.urn);
    if (proxied === undefined || name === undefined) return notApplicable(`proxied: ${NOT_KNOWN_YET}`, resource.urn);
    const host = declaredHost(context.config, name);
    if (!host) return notApplicable(`${String(name)} is not a declared host (DNS-SUBDOMAINS judges that)`, resource.urn);
    const at = `launch-ready:hosts[${host.index}].proxied`;
    const platformReason = dnsOnlyReason(host.platform);
    if (PROXIED_BY_DEFAULT.has(host.purpose) && proxied !== true && platformReason) {
      // The platform is why, so no proxied: true fixes it here: only a written waiver accepts it.
      return fail(
        `${host.fqdn} is a ${host.purpose} host but DNS-only, because ${platformReason}; its traffic bypasses Cloudflare's cache, WAF and DDoS protection, so waive DNS-PROXIED with target hosts[${host.index}] and that reason, or serve it from a platform that runs behind the proxy`,
        { urn: resource.urn, configPath: at },
      );
    }
    if (PROXIED_BY_DEFAULT.has(host.purpose) && proxied !== true) {
      return fail(`${host.fqdn} is a ${host.purpose} host but DNS-only, so it bypasses Cloudflare's cache, WAF and DDoS protection; remove proxied: false`, {
        urn: resource.urn,
        configPath: at,
      });
    }
    if (host.purpose === "mail" && proxied !== false) {
      return fail(`${host.fqdn} is a mail host but proxied; Cloudflare proxies only HTTP, so mail to it would fail; write proxied: false`, {
        urn: resource.urn,
        configPath: at,
      });
    }
    return pass(resource.urn);
  },
};
