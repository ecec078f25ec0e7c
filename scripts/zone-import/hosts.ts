/**
 * Hosts: the zone's A, AAAA and CNAME records at host names become `launch-ready:hosts`, with the
 * proxy status Cloudflare's export gives and a purpose guessed from the name; then the canonical
 * pair (apex and www) is completed, since the stack cannot plan without it. One stage because the
 * pair is completed from the hosts just mapped, and every later stage only reads them.
 */
import { PROXIED_BY_DEFAULT, type HostPurpose } from "../../stacks/schema/site";
import { isServiceName, relativeLabels } from "./config-names";
import { keptTtl, LEFT_AS_IS, take, unmap, type Draft, type HostDraft } from "./draft";
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
  return first === undefined ? "web" : (PURPOSE_BY_LABEL[first] ?? "other");
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

/**
 * DNS-CANONICAL needs both the apex and www, and the one that redirects must be proxied (Cloudflare
 * answers redirects only for proxied names). What is missing is added and reported.
 */
export function completeCanonicalPair(draft: Draft, records: readonly ZoneRecord[]): void {
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
  const otherDataAt = (fqdn: string) =>
    records.some((r) => r.name === fqdn && !["A", "AAAA", "CNAME", "SOA", "NS"].includes(r.type)) ||
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
    const redirects = (draft.options.canonical === "apex") === (fqdn === www);
    if (redirects && host.proxied === false) {
      host.proxied = undefined;
      host.ttl = undefined;
      draft.result.notes.push({
        record: host.records[0],
        note: `is DNS only in the zone, but ${fqdn} redirects to the canonical host (--canonical ${draft.options.canonical}) and Cloudflare redirects only proxied names: it will be proxied`,
      });
    }
  }
}

function addressesOf(host: HostDraft): string[] | undefined {
  return host.records.some((r) => r.type === "CNAME") ? undefined : [...host.targets];
}
