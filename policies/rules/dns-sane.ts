import { isRecordTtlAllowed, recordTtlRange } from "../../domain/cloudflare/zone-plans";
import { isPublicAddress } from "../../domain/hostnames";
import { declaredHost, fail, notApplicable, NOT_KNOWN_YET, pass, type BarContext, type BarRule, type DeclaredResource, type Verdict } from "../bar";
import { DNS_RECORD } from "../../domain/resource-types";

const ADDRESS_TYPES = new Set(["A", "AAAA", "CNAME"]);

function hostPath(resource: DeclaredResource, context: BarContext, key: string): string | undefined {
  const host = declaredHost(context.config, resource.props.name);
  return host ? `launch-ready:hosts[${host.index}].${key}` : undefined;
}

/**
 * DNS-SANE: no record points at a private or reserved address, no CNAME shares its name with
 * other data (RFC 1034 3.6.2), no record is declared twice, and every TTL is one Cloudflare takes.
 */
export const dnsSane: BarRule = {
  id: "DNS-SANE",
  resourceTypes: [DNS_RECORD],
  checkResource(resource, context) {
    const { type, content, ttl } = resource.props;
    if ((type === "A" || type === "AAAA") && content !== undefined && !isPublicAddress(String(content))) {
      return fail(
        `${String(resource.props.name)} points at ${String(content)}, a private or reserved address nobody on the internet can reach; use the origin's public address`,
        {
          urn: resource.urn,
          configPath: hostPath(resource, context, "target"),
        },
      );
    }
    if (ttl === undefined) return notApplicable(`ttl: ${NOT_KNOWN_YET}`, resource.urn);
    const plan = context.config?.zone.plan ?? "free";
    if (!isRecordTtlAllowed(ttl, plan))
      return fail(`${String(resource.props.name)} has TTL ${String(ttl)}; ${recordTtlRange(plan)}`, {
        urn: resource.urn,
        configPath: hostPath(resource, context, "ttl"),
      });
    return pass(resource.urn);
  },
  checkStack(resources, context) {
    const records = resources.filter((r) => r.type === DNS_RECORD && r.props.name !== undefined && r.props.type !== undefined);
    const byName = new Map<string, DeclaredResource[]>();
    for (const record of records) byName.set(String(record.props.name), [...(byName.get(String(record.props.name)) ?? []), record]);
    const verdicts: Verdict[] = [];
    for (const [name, atName] of byName) {
      const seen = new Set<string>();
      for (const record of atName) {
        // CAA and SRV records carry their value in data, not content.
        const key = `${String(record.props.type)} ${record.props.content === undefined ? JSON.stringify(record.props.data) : String(record.props.content)}`;
        if (seen.has(key)) verdicts.push(fail(`${name} declares the record ${key} twice; keep one`, { urn: record.urn, configPath: "launch-ready:hosts" }));
        seen.add(key);
      }
      // Cloudflare flattens a CNAME at the apex into the target's addresses, so mail and other
      // records may stand beside it there; only other address records may not.
      const apex = context.config && !context.config.zone.owner ? context.config.zone.domain : undefined;
      const besides = name === apex ? atName.filter((r) => ADDRESS_TYPES.has(String(r.props.type))) : atName;
      if (atName.some((r) => r.props.type === "CNAME") && besides.length > 1) {
        verdicts.push(
          fail(
            `${name} has a CNAME beside other records (${besides.map((r) => r.props.type).join(", ")}); a CNAME must stand alone at its name (RFC 1034 3.6.2)`,
            { urn: atName[0].urn, configPath: "launch-ready:hosts" },
          ),
        );
      }
    }
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
