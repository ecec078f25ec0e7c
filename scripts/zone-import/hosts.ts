/**
 * Hosts: the zone's A, AAAA and CNAME records at host names become `launch-ready:hosts`, with the
 * proxy status Cloudflare's export gives and a purpose guessed from the name; then the canonical
 * host is chosen and the pair (apex and www) completed, since the stack cannot plan without it. One stage because the
 * pair is completed from the hosts just mapped, and every later stage only reads them.
 */
import { REDIRECT_ONLY_ADDRESSES } from "../../domain/cloudflare/edge-ips";
import { PROXIED_BY_DEFAULT, type HostPurpose } from "../../stacks/schema/site";
import { isServiceName, relativeLabels } from "./config-names";
import { keptTtl, LEFT_AS_IS, take, unmap, type CanonicalChoice, type Draft, type HostDraft } from "./draft";
import { zoneFields } from "./record-fields";
import { cfProxied, ZoneImportError, type ZoneRecord } from "./zone-file";

const PURPOSE_BY_LABEL: Record<string, HostPurpose> = {
  www: "web",
  app: "web",
  api: "api",
  admin: "admin",
  docs: "docs",
  status: "status",
  mail: "mail",
  smtp: "mail",
  imap: "mail",
};

/** A zone file says nothing of what a host is for; its first label is the best guess, to be checked. */
function guessPurpose(fqdn: string, zone: string): HostPurpose {
  const first = relativeLabels(fqdn, zone)[0];
  // Own keys only: a host named constructor is no purpose the table knows.
  return first === undefined ? "web" : Object.hasOwn(PURPOSE_BY_LABEL, first) ? PURPOSE_BY_LABEL[first] : "other";
}

/** A, AAAA and CNAME records at host names, one host per name; service names' address records are listed as not kept. */
export function mapHosts(draft: Draft, pending: ZoneRecord[]): void {
  const { zone } = draft;
  const hostRecords = take(pending, (r) => ["A", "AAAA", "CNAME"].includes(r.type) && !isServiceName(r.name, zone));
  for (const record of hostRecords) {
    const value = zoneFields(record)!.content!;
    const host = draft.hosts.get(record.name) ?? { fqdn: record.name, purpose: guessPurpose(record.name, zone), targets: [], records: [] };
    const hasCname = host.records.some((r) => r.type === "CNAME");
    if (host.records.length > 0 && (hasCname || record.type === "CNAME")) {
      unmap(
        draft,
        record,
        `${record.name} already has ${hasCname ? "a CNAME" : "address records"}; a CNAME cannot stand beside other records (RFC 1034 3.6.2)`,
      );
      continue;
    }
    host.targets.push(value);
    host.records.push(record);
    draft.hosts.set(record.name, host);
    draft.mapped.push({ record, target: { kind: "host", host } });
  }
  for (const host of draft.hosts.values()) settleProxyAndTtl(draft, host);
  // Service names (`_foo`) cannot be hosts, and `launch-ready:records` holds no A/AAAA records.
  for (const record of take(pending, (r) => r.type === "A" || r.type === "AAAA")) {
    unmap(
      draft,
      record,
      `${record.name} is a service name (a label starts with "_"), which launch-ready:hosts does not take, and launch-ready:records holds no ${record.type} records; ${LEFT_AS_IS}`,
    );
  }
}

/** Proxy status from Cloudflare's cf_tags, TTL kept only for DNS-only hosts: proxied names always answer with automatic TTL. */
function settleProxyAndTtl(draft: Draft, host: HostDraft): void {
  const tags = host.records.map(cfProxied);
  const known = tags.filter((tag): tag is boolean => tag !== undefined);
  const byDefault = PROXIED_BY_DEFAULT.has(host.purpose);
  if (known.length === 0) {
    draft.result.notes.push({
      record: host.records[0],
      note: `the zone file does not say whether it is proxied (no cf_tags); the kit's default for a ${host.purpose} host applies: ${byDefault ? "proxied" : "DNS only"}`,
    });
  } else {
    host.proxied = known.includes(true);
    host.records.forEach((record, position) => {
      if (tags[position] !== undefined && tags[position] !== host.proxied)
        draft.result.notes.push({
          record,
          note: `is ${tags[position] ? "proxied" : "DNS only"} in the zone, but a host has one proxy setting: it will be ${host.proxied ? "proxied" : "DNS only"}`,
        });
    });
  }
  if (host.proxied ?? byDefault) return;
  const ttls = [...new Set(host.records.map((record) => record.ttl))];
  const ttl = ttls[0];
  if (ttls.length > 1) draft.result.notes.push({ record: host.records[0], note: `its records have TTLs ${ttls.join(", ")}; a host has one TTL: ${ttl}` });
  host.ttl = keptTtl(draft, host.records[0], ttl);
}

/** Record types registrars' exports write for their web forwarding (Namecheap's URL, URL301 and FRAME; DNSimple's URL): the name only redirects. */
const FORWARDING_TYPES = new Set(["URL", "URL301", "FRAME"]);

/**
 * Which of the pair is canonical: --canonical when given, else what the zone shows. A name that
 * only redirects (Cloudflare's placeholder address; a registrar's forwarding record) is not where
 * the site is served, and a CNAME from one of the pair to the other makes the other the site; a
 * pair with only one member in the zone has that one as the site. When the zone does not tell,
 * the kit's default, www. Read before the pair is completed: what the import adds tells nothing.
 */
function chooseCanonical(draft: Draft, records: readonly ZoneRecord[]): CanonicalChoice {
  const { zone, options } = draft;
  const www = `www.${zone}`;
  if (options.canonical) return { host: options.canonical, by: "flag", why: `given by --canonical ${options.canonical}` };
  const apexHost = draft.hosts.get(zone);
  const wwwHost = draft.hosts.get(www);
  const redirectOnly = (fqdn: string, host: HostDraft | undefined): string | undefined => {
    const forwarding = records.find((record) => record.name === fqdn && FORWARDING_TYPES.has(record.type));
    if (forwarding) return `${fqdn} has ${forwarding.type} ${forwarding.content}, a registrar's web forwarding`;
    if (host && host.records.length > 0 && host.targets.every((target) => REDIRECT_ONLY_ADDRESSES.includes(target)))
      return `${fqdn} holds only ${host.targets.join(", ")}, Cloudflare's placeholder for a name that only redirects`;
    return undefined;
  };
  const cnameTo = (host: HostDraft | undefined, target: string) => host?.records.some((record) => record.type === "CNAME") && host.targets[0] === target;
  const fromZone = (host: "apex" | "www", why: string): CanonicalChoice => ({ host, by: "zone", why });
  const apexRedirects = redirectOnly(zone, apexHost);
  const wwwRedirects = redirectOnly(www, wwwHost);
  if (apexRedirects && wwwHost && !wwwRedirects) return fromZone("www", `${apexRedirects}, and ${www} serves the site`);
  if (wwwRedirects && apexHost && !apexRedirects) return fromZone("apex", `${wwwRedirects}, and ${zone} serves the site`);
  if (cnameTo(wwwHost, zone)) return fromZone("apex", `${www} is a CNAME to ${zone}, which serves the site`);
  if (cnameTo(apexHost, www)) return fromZone("www", `${zone} is a CNAME to ${www}, which serves the site`);
  if (apexHost && !wwwHost && !apexRedirects) return fromZone("apex", `the zone has no ${www}, and ${zone} serves the site`);
  if (wwwHost && !apexHost && !wwwRedirects) return fromZone("www", `the zone has no record for ${zone}, and ${www} serves the site`);
  return {
    host: "www",
    by: "default",
    why: `the zone does not show which of ${zone} and ${www} the other redirects to, so the kit's default applies; give --canonical apex if it is ${zone}`,
  };
}

/**
 * DNS-CANONICAL needs both the apex and www, and the one that redirects must be proxied (Cloudflare
 * answers redirects only for proxied names). What is missing is added and reported. Returns the
 * canonical host, chosen from the zone as it was.
 */
export function completeCanonicalPair(draft: Draft, records: readonly ZoneRecord[]): CanonicalChoice {
  const { zone } = draft;
  const www = `www.${zone}`;
  const apexHost = draft.hosts.get(zone);
  const wwwHost = draft.hosts.get(www);
  if (!apexHost && !wwwHost) {
    throw new ZoneImportError(
      "--zone-file",
      `has no A, AAAA or CNAME record for ${zone} or ${www}; the stack needs the canonical host (DNS-CANONICAL), so add the site's record to the zone file first`,
    );
  }
  const canonical = chooseCanonical(draft, records);
  // A registrar's forwarding record is the registrar's service, not DNS data Cloudflare will hold beside a CNAME.
  const otherDataAt = (fqdn: string) =>
    records.some((r) => r.name === fqdn && !["A", "AAAA", "CNAME", "SOA", "NS"].includes(r.type) && !FORWARDING_TYPES.has(r.type)) ||
    draft.senders.some((s) => s.domain === fqdn) ||
    draft.parked.includes(fqdn) ||
    (fqdn === zone && draft.inbound !== undefined);
  if (!wwwHost) {
    // A CNAME to the apex follows whatever the apex points at; only other data at www forbids it.
    const targets = otherDataAt(www) ? addressesOf(apexHost!) : [zone];
    if (!targets)
      throw new ZoneImportError(
        "--zone-file",
        `has no record for ${www}, and ${zone} is a CNAME while ${www} holds other records; add an A/AAAA record for ${www} to the zone file`,
      );
    draft.hosts.set(www, {
      fqdn: www,
      purpose: "web",
      targets,
      records: [],
      added: `the zone has no ${www}; DNS-CANONICAL needs it so one of the pair can redirect to the other`,
    });
  }
  if (!apexHost) {
    // A CNAME at the apex is flattened by Cloudflare, but cannot stand beside the apex's mail and other records.
    const targets = addressesOf(wwwHost!) ?? (otherDataAt(zone) ? undefined : [www]);
    if (!targets)
      throw new ZoneImportError(
        "--zone-file",
        `has no A/AAAA record for ${zone}, and ${www} is a CNAME while the apex holds other records; add the apex's A/AAAA record to the zone file`,
      );
    draft.hosts.set(zone, {
      fqdn: zone,
      purpose: "web",
      targets,
      records: [],
      added: `the zone has no record for ${zone}; DNS-CANONICAL needs it so one of the pair can redirect to the other`,
    });
  }
  for (const fqdn of [zone, www]) {
    const host = draft.hosts.get(fqdn)!;
    const redirects = (canonical.host === "apex") === (fqdn === www);
    if (redirects && host.proxied === false) {
      host.proxied = undefined;
      host.ttl = undefined;
      draft.result.notes.push({
        record: host.records[0],
        note: `is DNS only in the zone, but ${fqdn} redirects to the canonical host (${canonical.host === "apex" ? zone : www}) and Cloudflare redirects only proxied names: it will be proxied`,
      });
    }
  }
  return canonical;
}

function addressesOf(host: HostDraft): string[] | undefined {
  return host.records.some((r) => r.type === "CNAME") ? undefined : [...host.targets];
}
