import { PROXIED_BY_DEFAULT } from "../../stacks/schema/site";
import { declaredHost, fail, notApplicable, NOT_KNOWN_YET, pass, type BarRule } from "../bar";
import { DNS_RECORD } from "../../domain/resource-types";

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
