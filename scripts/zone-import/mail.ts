/**
 * Mail: the zone's MX, SPF, DKIM and DMARC records become `launch-ready:email` (inbound, senders,
 * DKIM keys, dmarc, parked names, spfAll). The kit writes these records' text itself, so this
 * stage maps meaning, not text, and lists every term or tag it cannot keep; the coverage check
 * (zone-coverage.ts) compares by the same meaning.
 */
import { parseDkimKey } from "../../domain/mail/dkim";
import { isDmarcRecord, parseDmarc } from "../../domain/mail/dmarc";
import { MAIL_PROVIDER_PRESETS, MAIL_PROVIDERS, SES_FEEDBACK_HOST, type MailProvider } from "../../domain/mail/providers";
import { isSpfRecord, parseSpf, type SpfMechanism, type SpfTerm } from "../../domain/mail/spf";
import { DEFAULT_DNS_ONLY_TTL } from "../../stacks/stack-config";
import { isServiceName, isWildcard } from "./config-names";
import { LEFT_AS_IS, take, unmap, type Draft, type SenderDraft, type ZoneImport } from "./draft";
import { zoneFields } from "./record-fields";
import type { ZoneRecord } from "./zone-file";

/** The ending the kit writes on every sender's SPF record when email.spfAll is not set (config-schema's default). */
export const KIT_SPF_ALL = "~all";

/** The ending every sender's SPF record gets in the imported stack: email.spfAll, or the kit's default. */
export function importedSpfAll(imported: Pick<ZoneImport, "config">): "-all" | "~all" {
  const email = imported.config["launch-ready:email"] as { spfAll?: "-all" | "~all" } | undefined;
  return email?.spfAll ?? KIT_SPF_ALL;
}

/** The provider whose return-path or click-tracking CNAME a target is, if any. */
function mailCnameProvider(target: string): { provider: MailProvider; use: "returnPath" | "link" } | undefined {
  for (const provider of MAIL_PROVIDERS) {
    const preset = MAIL_PROVIDER_PRESETS[provider];
    if (preset.returnPath.kind === "cname" && preset.returnPath.targetShape.pattern.test(target)) return { provider, use: "returnPath" };
    if (preset.linkTarget?.pattern.test(target)) return { provider, use: "link" };
  }
  return undefined;
}

/**
 * Mail providers' CNAMEs at host names (Postmark's pm-bounces, SendGrid's em1234 and link
 * branding, Resend's and Mailgun's click tracking): taken before the hosts stage, which would
 * read them as sites; the mail stage gives each to its provider's sender.
 */
export function takeMailCnames(pending: ZoneRecord[]): ZoneRecord[] {
  return take(pending, (r) => r.type === "CNAME" && mailCnameProvider(zoneFields(r)!.content!) !== undefined);
}

/** `send.mail.example.com` → `{ label: "send", parent: "mail.example.com" }`. */
function splitFirstLabel(fqdn: string): { label: string; parent: string } {
  const dot = fqdn.indexOf(".");
  return { label: fqdn.slice(0, dot), parent: fqdn.slice(dot + 1) };
}

/**
 * Bounce subdomains that send through Amazon SES: an SPF record that is exactly
 * `include:amazonses.com` beside an MX to SES's feedback host. They are Resend's (its `send.` label,
 * or a `resend._domainkey` key at the parent) or SES's own MAIL FROM, and become one sender at the
 * parent name, not a sender at the bounce name.
 */
function mapSesReturnPaths(draft: Draft, spf: ZoneRecord[], mx: ZoneRecord[], all: readonly ZoneRecord[]): void {
  for (const record of [...spf]) {
    const parsed = parseSpf(zoneFields(record)!.content!);
    const includes = parsed.ok ? parsed.record.terms.filter((t) => t.name !== "all") : [];
    if (!parsed.ok || includes.length !== 1 || includes[0].name !== "include" || includes[0].value?.toLowerCase() !== "amazonses.com") continue;
    const feedback = mx.filter((r) => r.name === record.name && SES_FEEDBACK_HOST.test(zoneFields(r)!.content!));
    if (feedback.length !== 1 || mx.some((r) => r.name === record.name && !feedback.includes(r))) continue;
    const { label, parent } = splitFirstLabel(record.name);
    if (parent !== draft.zone && !parent.endsWith(`.${draft.zone}`)) continue;
    const region = SES_FEEDBACK_HOST.exec(zoneFields(feedback[0])!.content!)![1];
    const resendKey = all.some((r) => r.name === `resend._domainkey.${parent}`);
    const provider: MailProvider = label === "send" || resendKey ? "resend" : "amazon-ses";
    const preset = MAIL_PROVIDER_PRESETS[provider];
    const defaultLabel = preset.returnPath.kind === "subdomain" ? preset.returnPath.label : undefined;
    const sender: SenderDraft = {
      provider,
      domain: parent,
      addresses: [],
      dkim: [],
      ...(region === preset.regions?.[0] ? {} : { region }),
      ...(label === defaultLabel ? {} : { returnPath: { name: label } }),
      links: [],
    };
    draft.senders.push(sender);
    spf.splice(spf.indexOf(record), 1);
    mx.splice(mx.indexOf(feedback[0]), 1);
    for (const taken of [record, feedback[0]]) {
      draft.mapped.push({ record: taken, target: { kind: "senders", senders: [sender] } });
      mailTtlNote(draft, taken);
    }
    draft.result.notes.push({
      record,
      note: `is the bounce name of a ${preset.title} sender at ${parent} (${provider === "resend" ? (resendKey ? `${parent} has a resend._domainkey key` : "Resend's send. label") : "Amazon SES's MAIL FROM, with no Resend key beside it"}), so it becomes that sender, region ${region}`,
    });
  }
}

/** Return-path CNAMEs become their provider's sender at the parent name; click-tracking CNAMEs join a sender of their provider there. */
function mapMailCnames(draft: Draft): void {
  const links: ZoneRecord[] = [];
  for (const record of draft.mailCnames) {
    const target = zoneFields(record)!.content!;
    const { provider, use } = mailCnameProvider(target)!;
    const { label, parent } = splitFirstLabel(record.name);
    const returnPath = MAIL_PROVIDER_PRESETS[provider].returnPath;
    if (use === "link" || returnPath.kind !== "cname") {
      links.push(record);
      continue;
    }
    const given = {
      ...(label === returnPath.label ? {} : { name: label }),
      ...(target === returnPath.target ? {} : { target }),
    };
    const sender: SenderDraft = {
      provider,
      domain: parent,
      addresses: [],
      dkim: [],
      ...(Object.keys(given).length > 0 ? { returnPath: given } : {}),
      links: [],
    };
    draft.senders.push(sender);
    draft.mapped.push({ record, target: { kind: "senders", senders: [sender] } });
    mailTtlNote(draft, record);
  }
  for (const record of links) {
    const target = zoneFields(record)!.content!;
    const { label, parent } = splitFirstLabel(record.name);
    const providers = MAIL_PROVIDERS.filter((p) => MAIL_PROVIDER_PRESETS[p].linkTarget?.pattern.test(target));
    const sender = draft.senders.find((s) => s.domain === parent && providers.includes(s.provider));
    if (!sender) {
      const titles = providers.map((p) => MAIL_PROVIDER_PRESETS[p].title).join(" or ");
      unmap(draft, record, `is a ${titles} click-tracking CNAME, but the zone has no ${titles} sender at ${parent} to give it to; ${LEFT_AS_IS}`);
      continue;
    }
    sender.links.push({ name: label, target });
    draft.mapped.push({ record, target: { kind: "senders", senders: [sender] } });
    mailTtlNote(draft, record);
  }
}

/** Inbound MX, SPF senders and parked names, then DKIM keys (which join the senders) and DMARC; what they cannot take stays pending. */
export function mapMail(draft: Draft, pending: ZoneRecord[]): void {
  const { zone } = draft;
  const everything = [...pending, ...draft.mailCnames];
  const mx = take(pending, (r) => r.type === "MX");
  const spf = take(pending, (r) => r.type === "TXT" && isSpfRecord(zoneFields(r)!.content!));
  mapSesReturnPaths(draft, spf, mx, everything);
  const apexMx = mx.filter((r) => r.name === zone && zoneFields(r)!.content !== ".");
  if (apexMx.length > 0) mapInbound(draft, apexMx);
  const nullMx = mx.filter((r) => zoneFields(r)!.content === ".");
  const receiving = new Set(mx.filter((r) => zoneFields(r)!.content !== ".").map((r) => r.name));
  mapSpf(draft, spf, receiving);
  mapMailCnames(draft);
  for (const record of nullMx) {
    const sends = draft.senders.some((sender) => sender.domain === record.name);
    // The kit parks the apex by itself when it neither sends nor receives; saying so keeps the file explicit.
    if (record.name === zone && !sends && !receiving.has(zone) && !draft.parked.includes(zone)) draft.parked.push(zone);
    if (draft.parked.includes(record.name)) draft.mapped.push({ record, target: { kind: "parked", fqdn: record.name } });
    else if (record.name === zone)
      unmap(
        draft,
        record,
        `launch-ready publishes a null MX only at parked names (names that neither send nor receive), and ${zone} ${sends ? "sends" : "receives"} mail; ${LEFT_AS_IS}`,
      );
    else pending.push(record);
  }
  // Subdomain MX records (a sending subdomain's bounce handling, a subdomain's own mail) are plain records.
  for (const record of mx) if (record.name !== zone && zoneFields(record)!.content !== ".") pending.push(record);
  mapDkim(
    draft,
    take(pending, (r) => (r.type === "TXT" || r.type === "CNAME") && dkimName(r.name) !== undefined),
    pending,
  );
  mapDmarc(
    draft,
    take(pending, (r) => r.type === "TXT" && r.name.startsWith("_dmarc.") && isDmarcRecord(zoneFields(r)!.content!)),
  );
}

/** The apex MX set: a provider preset when it is exactly the preset's, otherwise the hosts as listed. */
function mapInbound(draft: Draft, records: ZoneRecord[]): void {
  const mx = records.map((record) => ({ host: zoneFields(record)!.content!, priority: zoneFields(record)!.priority! }));
  const key = (list: Array<{ host: string; priority: number }>) =>
    list
      .map((entry) => `${entry.priority} ${entry.host}`)
      .sort()
      .join(",");
  const hostsOf = (list: Array<{ host: string }>) =>
    list
      .map((entry) => entry.host)
      .sort()
      .join(",");
  const preset = MAIL_PROVIDERS.find((provider) => {
    const hosts = MAIL_PROVIDER_PRESETS[provider].inboundMx?.(draft.zone);
    return hosts !== undefined && key(hosts) === key(mx);
  });
  // Cloudflare picks Email Routing's three priorities at random per zone: its hosts say whose the set is.
  const routing = MAIL_PROVIDER_PRESETS["cloudflare-email-routing"].inboundMx!(draft.zone);
  draft.inbound = preset ? { provider: preset } : hostsOf(routing) === hostsOf(mx) ? { provider: "cloudflare-email-routing", mx } : { provider: "custom", mx };
  for (const record of records) {
    draft.mapped.push({ record, target: { kind: "inbound" } });
    mailTtlNote(draft, record);
  }
}

/** The kit writes every mail record with one TTL; a different one in the zone, Cloudflare's automatic 1 included, changes. */
function mailTtlNote(draft: Draft, record: ZoneRecord): void {
  if (record.ttl !== DEFAULT_DNS_ONLY_TTL)
    draft.result.notes.push({
      record,
      note: `its TTL ${record.ttl === 1 ? "1 (Cloudflare's automatic)" : record.ttl} becomes ${DEFAULT_DNS_ONLY_TTL}, the TTL of every mail record the kit writes`,
    });
}

const SPF_TERM_REASONS: Record<string, string> = {
  a: "launch-ready:email.senders holds includes and ip4/ip6 addresses; list the addresses this name's A/AAAA records hold as a custom sender's addresses instead",
  mx: "launch-ready:email.senders holds includes and ip4/ip6 addresses; list the addresses of the MX hosts as a custom sender's addresses instead",
  ptr: "ptr is deprecated (RFC 7208 5.5) and fails MAIL-SPF; list the senders' addresses instead",
  exists: "exists: (usually with macros) cannot be written in launch-ready:email.senders",
  redirect: "a redirect cannot be written in launch-ready:email.senders; declare the senders it names instead",
  exp: "an explanation string is not kept; receivers use their own text",
};

/** An SPF mechanism as written, the qualifier only when not "+": how a term not kept is named in `unmapped`. */
export function spfTermText(term: SpfMechanism): string {
  return `${term.qualifier === "+" ? "" : term.qualifier}${term.name}${term.value ? `:${term.value}` : ""}${term.cidr ?? ""}`;
}

/**
 * SPF records: each include becomes a sender (a preset where the include is a provider's, custom
 * otherwise), ip4/ip6 terms a custom sender's addresses, `v=spf1 -all` on a name that neither sends
 * nor receives a parked name. The kit writes one `all` for every name (email.spfAll): the apex's,
 * or the kit's default `~all` when the apex's record has none; every other ending is listed as not kept.
 */
function mapSpf(draft: Draft, records: ZoneRecord[], receiving: ReadonlySet<string>): void {
  const parsed = records.flatMap((record) => {
    const spf = parseSpf(zoneFields(record)!.content!);
    if (!spf.ok) {
      unmap(draft, record, `the SPF record ${spf.problem}; ${LEFT_AS_IS}`);
      return [];
    }
    return [{ record, spf: spf.record }];
  });
  const byName = new Map<string, typeof parsed>();
  for (const entry of parsed) byName.set(entry.record.name, [...(byName.get(entry.record.name) ?? []), entry]);
  const sending = [...byName.values()].map((entries) => {
    for (const extra of entries.slice(1))
      unmap(draft, extra.record, "is a second SPF record at its name; receivers fail a name with two (RFC 7208 3.2), so only the first is imported");
    return entries[0];
  });
  const isParking = (entry: (typeof parsed)[number]) => entry.spf.all === "-" && entry.spf.terms.length === 1;
  // Only the apex's own sending record decides: a subdomain's ending is not the zone's, and a parked
  // apex's `v=spf1 -all` is the kit's parking record, not how senders' records end.
  const apex = sending.find((entry) => entry.record.name === draft.zone && !isParking(entry));
  const apexAll = apex?.spf.all === "-" || apex?.spf.all === "~" ? (`${apex.spf.all}all` as "-all" | "~all") : undefined;
  draft.spfAll = apexAll;
  draft.spfAllWhy = apexAll
    ? `the apex's SPF record ends ${apexAll}`
    : `the apex has no SPF record ending -all or ~all, so the kit's default ${KIT_SPF_ALL} applies`;
  for (const entry of sending) {
    if (isParking(entry)) mapParkedSpf(draft, entry.record, receiving);
    else mapSenderSpf(draft, entry.record, entry.spf.terms);
  }
}

function mapParkedSpf(draft: Draft, record: ZoneRecord, receiving: ReadonlySet<string>): void {
  if (receiving.has(record.name) || isServiceName(record.name, draft.zone) || isWildcard(record.name)) {
    const why = receiving.has(record.name) ? "it receives mail (MX)" : "it is not a host name";
    unmap(draft, record, `launch-ready publishes v=spf1 -all only at parked names (no mail sent or received), and ${why}; ${LEFT_AS_IS}`);
    return;
  }
  draft.parked.push(record.name);
  draft.mapped.push({ record, target: { kind: "parked", fqdn: record.name } });
  mailTtlNote(draft, record);
}

function mapSenderSpf(draft: Draft, record: ZoneRecord, terms: SpfTerm[]): void {
  const domain = record.name;
  if (isServiceName(domain, draft.zone) || isWildcard(domain)) {
    unmap(
      draft,
      record,
      `${domain} cannot be a sending name in launch-ready:email.senders (it takes host names), and launch-ready:records refuses SPF records; ${LEFT_AS_IS}, but anything that includes it keeps working only while it does`,
    );
    return;
  }
  const senders: SenderDraft[] = [];
  const addresses: string[] = [];
  const dropped: Array<{ part: string; reason: string }> = [];
  let inboundInclude = false;
  for (const term of terms) {
    if (term.kind === "modifier") {
      dropped.push({ part: `${term.name}=${term.value}`, reason: SPF_TERM_REASONS[term.name] ?? "an unknown modifier is not kept" });
    } else if (term.name === "all") {
      const written = draft.spfAll ?? KIT_SPF_ALL;
      if (spfTermText(term) !== written)
        dropped.push({
          part: spfTermText(term),
          reason: `launch-ready:email.spfAll is one ending for every SPF record (-all or ~all, MAIL-SPF) and ${draft.spfAllWhy}; this record will end ${written}`,
        });
    } else if (term.qualifier !== "+") {
      dropped.push({ part: spfTermText(term), reason: "only passing (+) includes and addresses can be written in launch-ready:email.senders" });
    } else if (term.name === "include") {
      if (!senderFor(draft, domain, term.value!, senders)) inboundInclude = true;
    } else if (term.name === "ip4" || term.name === "ip6") {
      addresses.push(`${term.value}${term.cidr ?? ""}`);
    } else {
      dropped.push({ part: spfTermText(term), reason: SPF_TERM_REASONS[term.name] });
    }
  }
  if (addresses.length > 0) {
    const custom = senders.find((sender) => sender.provider === "custom") ?? senderFor(draft, domain, undefined, senders)!;
    custom.addresses.push(...addresses);
  }
  if (senders.length === 0 && inboundInclude) {
    // Only the inbound provider's include: the kit writes this record from email.inbound.
    draft.mapped.push({ record, target: { kind: "inbound" } });
    for (const { part, reason } of dropped) unmap(draft, record, reason, part);
    mailTtlNote(draft, record);
    return;
  }
  if (senders.length === 0) {
    unmap(draft, record, `has no include or ip4/ip6 term the kit can write (${dropped.map((d) => d.part).join(", ")}); ${LEFT_AS_IS}`);
    return;
  }
  draft.mapped.push({ record, target: { kind: "senders", senders } });
  if (!terms.some((term) => term.name === "all"))
    draft.result.notes.push({ record, note: `has no all term; the kit ends every SPF record with ${draft.spfAll ?? KIT_SPF_ALL}` });
  for (const { part, reason } of dropped) unmap(draft, record, reason, part);
  mailTtlNote(draft, record);
}

/** The sender an include names: the provider whose preset uses it, or a custom sender. */
function senderFor(draft: Draft, domain: string, include: string | undefined, already: SenderDraft[]): SenderDraft | undefined {
  // Only a preset that puts its include at the sending name itself takes this record as it is; an
  // include of a provider that bounces elsewhere (amazonses.com at the apex) stays a custom sender's.
  const provider =
    include === undefined
      ? undefined
      : MAIL_PROVIDERS.find(
          (p) => MAIL_PROVIDER_PRESETS[p].spfInclude === include.toLowerCase() && MAIL_PROVIDER_PRESETS[p].returnPath.kind === "sending-domain",
        );
  // Cloudflare Email Routing's include comes with its inbound preset, not with a sender.
  const inbound = draft.inbound && MAIL_PROVIDER_PRESETS[draft.inbound.provider].inboundSpfInclude;
  if (include !== undefined && domain === draft.zone && inbound === include.toLowerCase()) return undefined;
  const sender: SenderDraft = provider
    ? { provider, domain, addresses: [], dkim: [], links: [] }
    : { provider: "custom", domain, ...(include ? { include } : {}), addresses: [], dkim: [], links: [] };
  const same = already.find((s) => s.provider === sender.provider && s.include === sender.include);
  if (same) return same;
  already.push(sender);
  draft.senders.push(sender);
  return sender;
}

function dkimName(fqdn: string): { selector: string; domain: string } | undefined {
  const [, selector, domain] = /^(.+?)\._domainkey\.(.+)$/.exec(fqdn) ?? [];
  return selector === undefined ? undefined : { selector, domain };
}

/** DKIM keys join their sender; a key with no sender of its kind at its name stays a plain record. */
function mapDkim(draft: Draft, records: ZoneRecord[], pending: ZoneRecord[]): void {
  for (const record of records) {
    const { selector, domain } = dkimName(record.name)!;
    const value = zoneFields(record)!.content!;
    const kind = record.type === "CNAME" ? "cname" : "txt";
    const usable = kind === "cname" || parseDkimKey(value).errors.length === 0;
    const takes = (provider: MailProvider) => {
      const preset = MAIL_PROVIDER_PRESETS[provider];
      if (kind === "cname" && preset.dkimCnameTarget?.pattern.test(value.toLowerCase())) return true;
      return preset.dkim === kind && (!preset.dkimSelectors || preset.dkimSelectors.includes(selector.toLowerCase()));
    };
    const candidates = draft.senders.filter((s) => s.domain === domain && takes(s.provider));
    // A key that names its provider belongs to that provider's sender only (Resend's SES-style keys name SES).
    const named = MAIL_PROVIDERS.find((provider) => MAIL_PROVIDER_PRESETS[provider].dkimHint?.test(`${selector} ${value}`));
    const sender = named
      ? (candidates.find((s) => s.provider === named) ??
        candidates.find((s) => MAIL_PROVIDER_PRESETS[s.provider].dkimCnameTarget?.pattern.test(value.toLowerCase())))
      : (candidates.find((s) => s.provider !== "custom") ?? candidates[0]);
    if (!usable || !sender || !/^[a-z0-9][a-z0-9._-]*$/i.test(selector)) {
      pending.push(record);
      continue;
    }
    sender.dkim.push({ selector, value });
    draft.mapped.push({ record, target: { kind: "dkim", sender, selector } });
    mailTtlNote(draft, record);
  }
}

const DMARC_TAG_REASONS: Record<string, string> = {
  pct: "RFC 9989 removes pct and receivers ignore it (the kit writes none, the same as pct=100)",
  ri: "RFC 9989 removes ri; receivers send aggregate reports daily",
  rf: "RFC 9989 removes rf; failure reports use the only format there is",
  fo: "launch-ready:email.dmarc has no fo; receivers use fo=0 (report when both SPF and DKIM fail)",
  np: "launch-ready:email.dmarc has no np; names that do not exist follow sp (or p)",
  psd: "launch-ready:email.dmarc has no psd; it is for public suffix operators",
  t: "launch-ready:email.dmarc has no t (testing mode); use ramp to tighten the policy on dates",
};

const DMARC_KEPT_TAGS = new Set(["v", "p", "sp", "rua", "ruf", "adkim", "aspf"]);

/** The apex's DMARC record becomes email.dmarc; a parked name's `p=reject` is the kit's own; others stay. */
function mapDmarc(draft: Draft, records: ZoneRecord[]): void {
  for (const record of records) {
    const owner = record.name.slice("_dmarc.".length);
    const parsed = parseDmarc(zoneFields(record)!.content!);
    if (!parsed.record) {
      unmap(draft, record, `the DMARC record is invalid (${parsed.errors.join("; ")}); ${LEFT_AS_IS}`);
      continue;
    }
    const dmarc = parsed.record;
    // What receivers discard is not kept either; its problem says what receivers do instead.
    const dropped = parsed.discarded.map(({ part, problem }) => ({ part, reason: problem }));
    for (const [tag, value] of Object.entries(dmarc.tags)) {
      if (DMARC_KEPT_TAGS.has(tag) || dropped.some((d) => d.part === `${tag}=${value}`)) continue;
      const reason =
        tag === "pct" && dmarc.pct < 100
          ? `RFC 9989 removes pct, and the kit writes none: receivers that applied p=${dmarc.p} to ${dmarc.pct}% of failing mail will apply it to all; use email.dmarc.ramp to phase it in`
          : tag === "t" && dmarc.testing
            ? `launch-ready:email.dmarc has no t (testing mode), so receivers apply p=${dmarc.p} once the stack is deployed; use ramp to tighten the policy on dates`
            : (DMARC_TAG_REASONS[tag] ?? `launch-ready:email.dmarc has no ${tag}`);
      dropped.push({ part: `${tag}=${value}`, reason });
    }
    for (const tag of ["rua", "ruf"]) {
      if (dmarc.tags[tag]?.includes("!"))
        dropped.push({ part: `${tag}=${dmarc.tags[tag]}`, reason: "report size limits (!10m) are not kept; receivers send reports of any size" });
    }
    if (owner === draft.zone && dmarc.rua.length > 0) {
      draft.dmarc = {
        policy: dmarc.p,
        ...(dmarc.sp ? { subdomainPolicy: dmarc.sp } : {}),
        rua: dmarc.rua,
        ...(dmarc.ruf.length > 0 ? { ruf: dmarc.ruf } : {}),
        ...(dmarc.adkim === "s" ? { adkim: "s" } : {}),
        ...(dmarc.aspf === "s" ? { aspf: "s" } : {}),
      };
      draft.mapped.push({ record, target: { kind: "dmarc" } });
    } else if (draft.parked.includes(owner)) {
      if (dmarc.p !== "reject") {
        unmap(
          draft,
          record,
          `${owner} is parked and the kit publishes p=reject at its _dmarc (MAIL-PARKED), but receivers apply p=${dmarc.p} from this record; ${LEFT_AS_IS} until the stack replaces it`,
        );
        continue;
      }
      for (const tag of ["sp", "rua", "ruf", "adkim", "aspf"])
        if (dmarc.tags[tag] !== undefined && !dropped.some((d) => d.part.startsWith(`${tag}=`)))
          dropped.push({ part: `${tag}=${dmarc.tags[tag]}`, reason: "a parked name's DMARC record is the kit's v=DMARC1; p=reject" });
      draft.mapped.push({ record, target: { kind: "parked", fqdn: owner } });
    } else if (owner === draft.zone) {
      unmap(
        draft,
        record,
        `has no rua= report address, which launch-ready:email.dmarc requires (MAIL-DMARC); add email.dmarc with rua by hand; until then ${LEFT_AS_IS}`,
      );
      continue;
    } else {
      unmap(draft, record, `launch-ready:email.dmarc is the apex's policy; subdomains follow its sp= (or p=), so ${record.name} ${LEFT_AS_IS}`);
      continue;
    }
    for (const { part, reason } of dropped) unmap(draft, record, reason, part);
    mailTtlNote(draft, record);
  }
}
