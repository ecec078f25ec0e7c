/**
 * A zone's records turned into a stack's `launch-ready:*` config: the mapping stages in order and
 * the config they add up to. Pure functions, no Pulumi and no file system: the verb reads the
 * files, plans the result and writes it. Every record of the zone ends in exactly one of three
 * lists: mapped (with the config path that now declares it), skipped (Cloudflare serves it itself)
 * or unmapped (with the reason), so nothing is dropped silently. A record mapped only in part (an
 * SPF term, a DMARC tag the schema cannot hold) is mapped and also listed as unmapped with that part.
 *
 * The stages, each in its own file: zone-file.ts reads the export, hosts.ts, mail.ts and
 * other-records.ts map it, waiver.ts dates the waiver a wildcard needs; this file triages the
 * records before them and orders the config after them.
 */
import { PROXIED_BY_DEFAULT } from "../../stacks/schema/site";
import { hostName, inZone } from "./config-names";
import {
  LEFT_AS_IS,
  unmap,
  type CanonicalChoice,
  type Draft,
  type HostDraft,
  type ImportOptions,
  type SenderDraft,
  type Target,
  type ZoneImport,
} from "./draft";
import { completeCanonicalPair, mapHosts } from "./hosts";
import { mapMail, takeMailCnames } from "./mail";
import { recognisePlatform } from "./platforms";
import { HOSTING_PLATFORM_FACTS } from "../../domain/hosting/platforms";
import { mapOtherRecords } from "./other-records";
import { zoneFields } from "./record-fields";
import { wildcardWaivers } from "./waiver";
import { servedByCloudflare, type ZoneRecord } from "./zone-file";

/**
 * Maps a zone's records to stack config. Throws ZoneImportError when the options cannot make a
 * valid stack of this zone (a wildcard without --owner, an apex nothing can be derived for).
 */
export function mapZone(records: readonly ZoneRecord[], options: ImportOptions): ZoneImport {
  const zone = options.domain;
  const draft: Draft = {
    zone,
    options,
    hosts: new Map(),
    senders: [],
    parked: [],
    records: [],
    mailCnames: [],
    mapped: [],
    result: { skipped: [], unmapped: [], added: [], notes: [] },
  };
  const pending = triage(draft, records);
  draft.mailCnames = takeMailCnames(pending);
  mapHosts(draft, pending);
  mapMail(draft, pending);
  mapOtherRecords(draft, pending, records);
  const canonical = completeCanonicalPair(draft, records);
  const waivers = wildcardWaivers(draft);
  const hosts = orderedHosts(draft);
  const positions = listPositions(draft, hosts);
  for (const host of hosts)
    if (host.added)
      draft.result.added.push({ to: pathOf({ kind: "host", host }, positions), what: `${host.fqdn} → ${host.targets.join(", ")}`, why: host.added });
  return {
    config: buildConfig(draft, canonical, hosts, waivers),
    canonical,
    mapped: draft.mapped.map(({ record, target }) => ({ record, to: pathOf(target, positions) })),
    ...draft.result,
  };
}

/** Skips what Cloudflare serves, refuses what cannot be read or is not in the zone, and returns the rest by type. */
function triage(draft: Draft, records: readonly ZoneRecord[]): ZoneRecord[] {
  const seen = new Set<string>();
  const pending: ZoneRecord[] = [];
  for (const record of records) {
    const key = `${record.name} ${record.type} ${record.content.replace(/\s+/g, " ")}`;
    const served = servedByCloudflare(record, draft.zone);
    if (served) draft.result.skipped.push({ record, reason: served });
    else if (!inZone(record.name, draft.zone)) unmap(draft, record, `is outside ${draft.zone}; ${LEFT_AS_IS} if it exists there at all`);
    else if (record.class.toUpperCase() !== "IN") unmap(draft, record, `is of class ${record.class}; Cloudflare serves class IN only`);
    else if (seen.has(key)) unmap(draft, record, "repeats a record above; a zone holds each record once");
    else if (!["A", "AAAA", "CNAME", "MX", "TXT", "CAA", "SRV", "NS"].includes(record.type)) {
      unmap(draft, record, `launch-ready declares A, AAAA, CNAME, MX, TXT, CAA, SRV and NS records, not ${record.type}; ${LEFT_AS_IS}`);
    } else if (!zoneFields(record)) unmap(draft, record, `its ${record.type} content cannot be read; ${LEFT_AS_IS}`);
    else pending.push(record);
    seen.add(key);
  }
  return pending;
}

function hostEntry(draft: Draft, host: HostDraft, canonical: CanonicalChoice): Record<string, unknown> {
  const byPurpose = PROXIED_BY_DEFAULT.has(host.purpose);
  const proxied = host.proxied ?? byPurpose;
  const alternate = host.fqdn === (canonical.host === "apex" ? `www.${draft.zone}` : draft.zone);
  const platform = recognisePlatform(draft, host, proxied, alternate);
  // The preset decides the proxy default of a host that names it; the canonical redirect's host is always proxied.
  const byDefault = platform ? alternate || (HOSTING_PLATFORM_FACTS[platform].proxy.default ?? byPurpose) : byPurpose;
  return {
    name: hostName(host.fqdn, draft.zone),
    target: host.targets.length === 1 ? host.targets[0] : host.targets,
    purpose: host.purpose,
    ...(platform ? { platform } : {}),
    ...((host.proxied !== undefined || platform) && proxied !== byDefault ? { proxied } : {}),
    ...(host.ttl === undefined ? {} : { ttl: host.ttl }),
  };
}

/** Apex and www first (the canonical pair), then the zone's order. */
function orderedHosts(draft: Draft): HostDraft[] {
  const pair = [draft.zone, `www.${draft.zone}`];
  return [...draft.hosts.values()].sort(
    (a, b) => (pair.includes(b.fqdn) ? 1 : 0) - (pair.includes(a.fqdn) ? 1 : 0) || pair.indexOf(a.fqdn) - pair.indexOf(b.fqdn),
  );
}

function senderEntry(draft: Draft, sender: SenderDraft): Record<string, unknown> {
  return {
    provider: sender.provider,
    ...(sender.domain === draft.zone ? {} : { domain: hostName(sender.domain, draft.zone) }),
    ...(sender.dkim.length > 0 ? { dkim: sender.dkim } : {}),
    ...(sender.include ? { include: sender.include } : {}),
    ...(sender.addresses.length > 0 ? { addresses: sender.addresses } : {}),
    ...(sender.region ? { region: sender.region } : {}),
    ...(sender.returnPath ? { returnPath: sender.returnPath } : {}),
    ...(sender.links.length > 0 ? { links: sender.links } : {}),
  };
}

function buildConfig(draft: Draft, canonical: CanonicalChoice, hosts: HostDraft[], waivers: Array<Record<string, unknown>>): Record<string, unknown> {
  const { options } = draft;
  const email = {
    ...(draft.senders.length > 0 ? { senders: draft.senders.map((sender) => senderEntry(draft, sender)) } : {}),
    ...(draft.inbound ? { inbound: draft.inbound } : {}),
    ...(draft.dmarc ? { dmarc: draft.dmarc } : {}),
    ...(draft.parked.length > 0 ? { parked: draft.parked.map((fqdn) => hostName(fqdn, draft.zone)) } : {}),
    ...(draft.spfAll === "-all" ? { spfAll: "-all" } : {}),
  };
  const key = (name: string) => `launch-ready:${name}`;
  return {
    [key("environment")]: options.environment,
    [key("zone")]: {
      domain: draft.zone,
      zoneId: options.zoneId,
      accountId: options.accountId,
      plan: options.plan,
      ...(options.recordQuota === undefined ? {} : { recordQuota: options.recordQuota }),
    },
    [key("canonical")]: { host: canonical.host },
    [key("hosts")]: hosts.map((host) => hostEntry(draft, host, canonical)),
    ...(Object.keys(email).length > 0 ? { [key("email")]: email } : {}),
    ...(draft.records.length > 0 ? { [key("records")]: draft.records } : {}),
    ...(waivers.length > 0 ? { [key("waivers")]: waivers } : {}),
  };
}

/** Where each entry of the config's lists is, looked up once per list: a zone of many records must not search them per record. */
interface ListPositions {
  hosts: ReadonlyMap<HostDraft, number>;
  senders: ReadonlyMap<SenderDraft, number>;
  parked: ReadonlyMap<string, number>;
  records: ReadonlyMap<Record<string, unknown>, number>;
}

/** The first position of each entry, as indexOf would find it. */
function positionsOf<T>(list: readonly T[]): Map<T, number> {
  const positions = new Map<T, number>();
  list.forEach((item, index) => {
    if (!positions.has(item)) positions.set(item, index);
  });
  return positions;
}

function listPositions(draft: Draft, hosts: readonly HostDraft[]): ListPositions {
  return { hosts: positionsOf(hosts), senders: positionsOf(draft.senders), parked: positionsOf(draft.parked), records: positionsOf(draft.records) };
}

function pathOf(target: Target, positions: ListPositions): string {
  switch (target.kind) {
    case "host":
      return `launch-ready:hosts[${positions.hosts.get(target.host)}]`;
    case "senders":
      return target.senders.map((sender) => `launch-ready:email.senders[${positions.senders.get(sender)}]`).join(", ");
    case "dkim":
      return `launch-ready:email.senders[${positions.senders.get(target.sender)}].dkim[${target.sender.dkim.findIndex((key) => key.selector === target.selector)}]`;
    case "inbound":
      return "launch-ready:email.inbound";
    case "dmarc":
      return "launch-ready:email.dmarc";
    case "parked":
      return `launch-ready:email.parked[${positions.parked.get(target.fqdn)}]`;
    case "record":
      return `launch-ready:records[${positions.records.get(target.record)}]`;
  }
}
