import { caaAllows, caaNameFor, caaRestricts, issuerDomainOf, relevantCaaSet, type CaaProperty } from "../../domain/caa";
import { authorityByCaa, CLOUDFLARE_EDGE_CAS } from "../../domain/cloudflare/certificate-authorities";
import { DNS_RECORD } from "../../domain/resource-types";
import { fail, notApplicable, pass, type BarRule, type DeclaredResource, type Verdict } from "../bar";

type PlannedCaa = CaaProperty & { urn: string };

/** The stack's CAA records by lower-case name; a value a preview does not know yet is left out. */
function caaSets(resources: readonly DeclaredResource[]): Map<string, PlannedCaa[]> {
  const sets = new Map<string, PlannedCaa[]>();
  for (const r of resources) {
    if (r.type !== DNS_RECORD || r.props.type !== "CAA" || typeof r.props.name !== "string") continue;
    const data = r.props.data as Partial<CaaProperty> | undefined;
    if (typeof data?.tag !== "string" || typeof data.value !== "string") continue;
    const name = r.props.name.toLowerCase();
    sets.set(name, [...(sets.get(name) ?? []), { flags: Number(data.flags ?? 0), tag: data.tag, value: data.value, urn: r.urn }]);
  }
  return sets;
}

const titled = (caa: string) => `${caa} (${authorityByCaa(caa)?.title ?? "unknown CA"})`;

/**
 * TLS-CAA: the CAA set every declared name falls under (RFC 8659 3) names exactly the CAs in use
 * (Cloudflare's edge CAs where a proxied host needs its edge certificate, and the CAs
 * launch-ready:tls.caa.authorities declares) and an iodef. Advisory outside production.
 */
export const tlsCaa: BarRule = {
  id: "TLS-CAA",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's hosts are unknown (no stack file found for it)")];
    if (config.zone.owner)
      return [notApplicable(`the zone's CAA set is stack ${config.zone.owner}'s (zone.owner), at the apex above this stack's names; its plan judges it`)];
    const zone = config.zone.domain;
    const sets = caaSets(resources);
    const declared = config.tls.caa?.authorities ?? [];
    const inUse = new Set<string>([...CLOUDFLARE_EDGE_CAS, ...declared]);
    const fixAll = `write launch-ready:tls.caa: { authorities: [<the CAA domain of each CA issuing for a DNS-only host or an origin, e.g. letsencrypt.org>], iodef: "mailto:security@${zone}" }; the kit then writes Cloudflare's edge CAs, those and the iodef at the apex`;
    // The names each CAA set governs (the apex and every declared host, certified by name by their
    // platforms), and the proxied hosts whose edge certificate it decides: Universal SSL and advanced
    // certificates certify a host below the apex by a wildcard, looked up at its parent.
    const governed = new Map<string, { properties: readonly PlannedCaa[]; names: string[]; proxied: Array<{ fqdn: string; wildcard: boolean }> }>();
    const none: string[] = [];
    const entryAt = (name: string) => {
      const set = relevantCaaSet(name, sets);
      if (!set) return undefined;
      const entry = governed.get(set.name) ?? { properties: set.properties, names: [], proxied: [] };
      governed.set(set.name, entry);
      return entry;
    };
    for (const { fqdn, proxied } of [{ fqdn: zone, proxied: false }, ...config.hosts]) {
      const own = entryAt(fqdn);
      if (!own) {
        if (!none.includes(fqdn)) none.push(fqdn);
      } else if (!own.names.includes(fqdn)) own.names.push(fqdn);
      const wildcard = fqdn !== zone;
      if (proxied) entryAt(caaNameFor(fqdn, wildcard))?.proxied.push({ fqdn, wildcard });
    }
    // A set reached only as a wildcard's base speaks for the hosts certified there.
    for (const entry of governed.values()) if (entry.names.length === 0) entry.names.push(...entry.proxied.map((host) => host.fqdn));
    const verdicts: Verdict[] = [];
    const relaxed = { relaxedOutsideProduction: true };
    if (none.length > 0)
      verdicts.push(
        fail(`no CAA record covers ${none.join(", ")}, so every CA may issue certificates for them (RFC 8659 3); ${fixAll}`, {
          configPath: "launch-ready:tls.caa",
          subjects: none,
          ...relaxed,
        }),
      );
    for (const [name, { properties, names, proxied }] of governed) {
      // Where the set comes from: the kit's at the apex, or a launch-ready:records entry.
      const record = config.records.find((r) => r.type === "CAA" && r.name === name);
      const configPath = record ? `launch-ready:records[${record.index}]` : "launch-ready:tls.caa";
      const at = `the CAA set at ${name}`;
      const fixFor = (setName: string, index?: number) =>
        index === undefined
          ? "let the kit write them: drop the transform that changes its CAA records"
          : setName === zone
            ? `move the apex's CAA records from launch-ready:records to launch-ready:tls.caa, which writes Cloudflare's edge CAs with them`
            : `add issue and issuewild records for them beside launch-ready:records[${index}], or remove it so the apex's set applies`;
      const say = (message: string, key = configPath) => verdicts.push(fail(message, { urn: properties[0].urn, configPath: key, subjects: names, ...relaxed }));
      const before = verdicts.length;
      if (!caaRestricts(properties)) say(`${at} has no issue record, so every CA may issue certificates for ${names.join(", ")} (RFC 8659 4.2); ${fixAll}`);
      else {
        const edgeMissing = CLOUDFLARE_EDGE_CAS.filter((ca) => proxied.some((host) => !caaAllows(properties, ca, host.wildcard)));
        if (edgeMissing.length > 0)
          say(
            `${at} does not allow Cloudflare's edge CA${edgeMissing.length > 1 ? "s" : ""} ${edgeMissing.map(titled).join(", ")} for issue and issuewild, so the renewal of the edge certificate of ${proxied
              .filter((host) => edgeMissing.some((ca) => !caaAllows(properties, ca, host.wildcard)))
              .map((host) => host.fqdn)
              .join(
                ", ",
              )} would fail (Cloudflare issues it from any of them, and adds their records only at the apex of a zone with Universal SSL); ${fixFor(name, record?.index)}`,
          );
        const declaredMissing = declared.filter((ca) => !caaAllows(properties, ca));
        if (declaredMissing.length > 0)
          say(
            `${at} does not allow ${declaredMissing.map(titled).join(", ")}, which launch-ready:tls.caa.authorities says issues certificates for the zone's names: its next certificate for ${names.join(", ")} would be refused; add an issue record for it there`,
          );
        const unused = [...new Set(properties.filter((p) => ["issue", "issuewild"].includes(p.tag)).map((p) => issuerDomainOf(p.value)))].filter(
          (ca) => ca !== "" && !inUse.has(ca),
        );
        if (unused.length > 0)
          say(
            `${at} names ${unused.map(titled).join(", ")}, which no host uses (neither one of Cloudflare's edge CAs nor in launch-ready:tls.caa.authorities): remove it, or list it in launch-ready:tls.caa.authorities if a host gets its certificates there`,
          );
      }
      if (!properties.some((p) => p.tag === "iodef"))
        say(
          `${at} has no iodef, so a CA refusing a request for ${names.join(", ")} has nowhere to report it (RFC 8659 4.4); write launch-ready:tls.caa.iodef: "mailto:security@${zone}"`,
          record ? configPath : "launch-ready:tls.caa.iodef",
        );
      if (verdicts.length === before) verdicts.push(pass(properties[0].urn));
    }
    return verdicts;
  },
};
