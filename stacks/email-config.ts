/**
 * The stack's `launch-ready:email` section resolved against its zone and hosts: sending names
 * with their merged SPF, inbound MX, DMARC and parked names, refused here when receivers would fail it.
 */
import { parseDkimKey } from "../domain/mail/dkim";
import {
  MAIL_PROVIDER_PRESETS,
  includeLookupCost,
  type MailProvider,
  type MailProviderPreset,
  type ReturnPathPreset,
  type TargetShape,
} from "../domain/mail/providers";
import { MAX_DNS_LOOKUPS } from "../domain/mail/spf";
import { mtaStsHost } from "../domain/mail/mta-sts";
import { stepsOutOfOrder } from "../domain/dated-ramp";
import { problem, type ConfigProblem, type PathSegment } from "./config-problems";
import type { EmailFields } from "./schema/email";
import { classifyTarget, normalizeTargetHost, resolveHostInZone } from "../domain/hostnames";
import type { DeclaredHost } from "./declared-host";
import { shownValue } from "./shown-value";

/** Where one sender's bounces go: a name with its own SPF record, or a CNAME to the provider's bounce host. */
export type ReturnPath = { domain: string; kind: "spf" } | { domain: string; kind: "cname"; target: string };

export interface SendingName {
  /** Fully qualified sending name (the apex or a subdomain such as send.example.com). */
  domain: string;
  senders: Array<{
    index: number;
    provider: MailProvider;
    dkim: Array<{ selector: string; value: string; type: "TXT" | "CNAME" }>;
    /** Amazon SES managed by the kit: Easy DKIM and a custom MAIL FROM domain. */
    ses?: { region: string; mailFromDomain: string };
    returnPath: ReturnPath;
    /** Click-tracking or link-branding CNAMEs, fully qualified. */
    links: Array<{ name: string; target: string }>;
  }>;
}

/** One SPF record the kit publishes: the senders whose bounces go to the name, merged. */
export interface SpfName {
  domain: string;
  /** SPF includes, in the order the senders were declared, without repeats. */
  includes: string[];
  addresses: string[];
  /** Offline SPF lookup count: documented costs, 1 for an include without one. */
  lookups: number;
  /** The MX that takes the provider's bounce feedback at a bounce subdomain (Resend, SES). */
  feedbackMx: Array<{ host: string; priority: number }>;
}

export interface EmailConfig {
  sending: SendingName[];
  /** The SPF records the kit writes, one per name; SES MAIL FROM domains the kit creates are the SesSender's. */
  spf: SpfName[];
  /** MX hosts for the apex; empty when nobody receives mail there. */
  inboundMx: Array<{ host: string; priority: number }>;
  /** The autodiscover CNAME target of the inbound provider (Microsoft 365). */
  autodiscover?: string;
  dmarc?: EmailFields["dmarc"];
  /**
   * MTA-STS for the apex, present only when the apex receives mail (inboundMx): the policy names
   * those MX hosts, and its `mta-sts.` host is the Worker's custom domain.
   */
  mtaSts?: EmailFields["mtaSts"] & { domain: string; host: string };
  /** Fully qualified names that send no mail; the apex is one when it neither sends nor receives. */
  parked: string[];
  /** How every sending name's SPF record ends. */
  spfAll: "~all" | "-all";
}

/** Every name receivers check SPF at for the stack's senders: MAIL-SPF wants a record (or the provider's CNAME) at each. */
export function returnPaths(email: Pick<EmailConfig, "sending">): ReturnPath[] {
  const seen = new Map<string, ReturnPath>();
  for (const sending of email.sending) for (const sender of sending.senders) seen.set(sender.returnPath.domain, sender.returnPath);
  return [...seen.values()];
}

/**
 * Mail records (TXT, MX) cannot stand beside a CNAME at one name (RFC 1034 3.6.2), except at a
 * zone's apex, where Cloudflare flattens the CNAME into the target's addresses (a Pages or Railway
 * apex); a stack in another stack's zone has no apex of its own, so `flattenedApex` is undefined there.
 */
function cnameConflict(fqdn: string, hostByFqdn: Map<string, DeclaredHost>, flattenedApex: string | undefined): string | undefined {
  if (fqdn === flattenedApex) return undefined;
  const host = hostByFqdn.get(fqdn);
  return host?.records.some((r) => r.type === "CNAME")
    ? `${fqdn} is a CNAME (launch-ready:hosts[${host.index}]), and mail records cannot stand beside a CNAME (RFC 1034 3.6.2); use a name without one`
    : undefined;
}

/** Resolves one label below a sending name, refusing what cannot carry mail records there. */
function nameBelow(label: string, domain: string, hostByFqdn: Map<string, DeclaredHost>): { ok: true; value: string } | { ok: false; problem: string } {
  const name = resolveHostInZone(label, domain);
  if (!name.ok) return { ok: false, problem: `${shownValue(label)} ${name.problem}` };
  const host = hostByFqdn.get(name.value);
  if (host) return { ok: false, problem: `${name.value} is declared at launch-ready:hosts[${host.index}]; the provider's record needs the name to itself` };
  return name;
}

/** A CNAME target the provider gave, checked against the shape it documents. */
function providerTarget(value: string, shape: TargetShape | undefined, what: string): { ok: true; value: string } | { ok: false; problem: string } {
  // Provider targets may hold service labels (selector1-example-com._domainkey.contoso.onmicrosoft.com).
  const target = classifyTarget(value).ok ? classifyTarget(value) : undefined;
  const host = normalizeTargetHost(value);
  if ((target?.ok && target.value.type !== "CNAME") || !host.ok || !host.value.includes("."))
    return { ok: false, problem: `must be the host name ${what} (a CNAME target)` };
  if (shape && !shape.pattern.test(host.value)) return { ok: false, problem: `is ${host.value}, which is not ${what}: it looks like ${shape.shape}` };
  return { ok: true, value: host.value };
}

/**
 * `ownsZone`: the stack's domain is its zone's apex (no zone.owner), where Cloudflare flattens a
 * CNAME so mail records may stand beside it.
 */
export function resolveEmail(
  fields: EmailFields,
  zone: string,
  ownsZone: boolean,
  hostByFqdn: Map<string, DeclaredHost>,
  problems: ConfigProblem[],
): EmailConfig {
  const apex = ownsZone ? zone : undefined;
  const byDomain = new Map<string, SendingName>();
  const spfByName = new Map<string, SpfName & { senders: number[] }>();
  const spfAt = (domain: string): SpfName & { senders: number[] } => {
    const existing = spfByName.get(domain) ?? { domain, includes: [], addresses: [], lookups: 0, feedbackMx: [], senders: [] };
    spfByName.set(domain, existing);
    return existing;
  };
  // Each provider once per sending name, and each DKIM selector once per name: a second of either
  // would write the same records twice, which the components refuse as a duplicate resource.
  const senderByProviderAt = new Map<string, number>();
  const dkimKeyAt = new Map<string, { index: number; position: number }>();
  fields.senders.forEach((sender, index) => {
    const at = (...rest: PathSegment[]) => ["email", "senders", index, ...rest];
    const name = resolveHostInZone(sender.domain, zone);
    if (!name.ok) return void problems.push(problem(at("domain"), `${shownValue(sender.domain)} ${name.problem}`));
    const conflict = cnameConflict(name.value, hostByFqdn, apex);
    if (conflict) return void problems.push(problem(at("domain"), conflict));
    const preset = MAIL_PROVIDER_PRESETS[sender.provider];
    if (!preset.sends)
      return void problems.push(problem(at("provider"), `is ${sender.provider}, which receives mail but sends none; declare it as launch-ready:email.inbound`));
    // Custom senders are different providers each (their includes and selectors tell them apart).
    const providerAt = `${sender.provider} ${name.value}`;
    const earlier = senderByProviderAt.get(providerAt);
    if (earlier !== undefined && sender.provider !== "custom")
      return void problems.push(
        problem(
          at(),
          `sends as ${name.value} through ${preset.title} again; launch-ready:email.senders[${earlier}] already does, and its records would be written twice. Declare each provider once per sending name: remove this entry, and list all its DKIM keys in the dkim of the first`,
        ),
      );
    senderByProviderAt.set(providerAt, index);
    const before = problems.length;
    if (sender.provider === "custom" && !sender.include && sender.addresses.length === 0) {
      problems.push(problem(at("include"), "is missing; a custom sender needs its SPF include or its addresses"));
    }
    if (sender.provider !== "custom" && (sender.include || sender.addresses.length > 0)) {
      const spf = preset.spfInclude ? `its SPF include is ${preset.spfInclude}` : "it keeps the SPF record of its bounce host itself";
      problems.push(problem(at("include"), `comes from the ${preset.title} preset (${spf}); remove include and addresses, or use provider: custom`));
    }
    const type: "TXT" | "CNAME" = preset.dkim === "cname" ? "CNAME" : "TXT";
    const dkim: SendingName["senders"][number]["dkim"] = [];
    sender.dkim.forEach((entry, position) => {
      const selector = entry.selector.toLowerCase();
      const keyName = `${selector}._domainkey.${name.value}`;
      const earlierKey = dkimKeyAt.get(keyName);
      if (earlierKey)
        return void problems.push(
          problem(
            at("dkim", position, "selector"),
            `puts a second DKIM key at ${keyName}, where launch-ready:email.senders[${earlierKey.index}].dkim[${earlierKey.position}] already has one; a selector names one key, so write the selector the provider's console gives for this key`,
          ),
        );
      dkimKeyAt.set(keyName, { index, position });
      const asTarget = classifyTarget(entry.value);
      if (preset.dkimCnameTarget && asTarget.ok && asTarget.value.type === "CNAME") {
        const target = providerTarget(
          entry.value,
          preset.dkimCnameTarget,
          `the DKIM host ${preset.title} gives for selector ${shownValue(entry.selector, { quoted: false })}`,
        );
        if (!target.ok) return void problems.push(problem(at("dkim", position, "value"), target.problem));
        return void dkim.push({ selector, value: target.value, type: "CNAME" });
      }
      if (preset.dkimSelectors && !preset.dkimSelectors.includes(selector)) {
        return void problems.push(
          problem(
            at("dkim", position, "selector"),
            `is ${shownValue(entry.selector, { quoted: false })}, but ${preset.title} publishes its keys at ${preset.dkimSelectors.join(" and ")}`,
          ),
        );
      }
      if (type === "TXT") {
        const key = parseDkimKey(entry.value);
        if (key.errors.length > 0) return void problems.push(problem(at("dkim", position, "value"), `is not a usable DKIM key: ${key.errors.join("; ")}`));
        return void dkim.push({ selector, value: entry.value, type });
      }
      const target = providerTarget(entry.value, preset.dkimTarget, `${preset.title} gives for selector ${shownValue(entry.selector, { quoted: false })}`);
      if (!target.ok) return void problems.push(problem(at("dkim", position, "value"), target.problem));
      dkim.push({ selector, value: target.value, type });
    });
    if (sender.ses && sender.provider !== "amazon-ses") problems.push(problem(at("ses"), "only applies to provider: amazon-ses"));
    const needsRegion = preset.returnPath.kind === "subdomain" && preset.returnPath.feedbackMx !== undefined && !sender.ses;
    if (sender.region && !needsRegion)
      problems.push(
        problem(at("region"), `only applies to ${sender.provider === "amazon-ses" ? "amazon-ses without the ses block" : "resend and amazon-ses"}`),
      );
    const region = sender.region ?? preset.regions?.[0];
    if (needsRegion && !region)
      problems.push(problem(at("region"), "is missing; give the SES region the identity is in, or the ses block to let the kit create the identity"));
    if (sender.region && preset.regions && !preset.regions.includes(sender.region))
      problems.push(problem(at("region"), `is ${sender.region}; ${preset.title} sends from ${preset.regions.join(", ")}`));

    const returnPath = resolveReturnPath(sender, name.value, preset, hostByFqdn, (key, message) => problems.push(problem(at("returnPath", key), message)));
    const links: SendingName["senders"][number]["links"] = [];
    sender.links.forEach((link, position) => {
      if (!preset.linkTarget && sender.provider !== "custom")
        return void problems.push(
          problem(at("links"), `${preset.title} has no click-tracking CNAMEs; remove links, or declare the name in launch-ready:hosts`),
        );
      const linkName = nameBelow(link.name, name.value, hostByFqdn);
      if (!linkName.ok) return void problems.push(problem(at("links", position, "name"), linkName.problem));
      const target = providerTarget(link.target, preset.linkTarget, `the tracking host ${preset.title} gives`);
      if (!target.ok) return void problems.push(problem(at("links", position, "target"), target.problem));
      links.push({ name: linkName.value, target: target.value });
    });
    if (problems.length > before || !returnPath) return;

    const ses =
      sender.ses && sender.provider === "amazon-ses" ? { region: sender.ses.region, mailFromDomain: `${sender.ses.mailFrom}.${name.value}` } : undefined;
    const sending = byDomain.get(name.value) ?? { domain: name.value, senders: [] };
    sending.senders.push({
      index,
      provider: sender.provider,
      dkim,
      ...(ses ? { ses } : {}),
      returnPath: ses ? { domain: ses.mailFromDomain, kind: "spf" } : returnPath,
      links,
    });
    byDomain.set(name.value, sending);
    // The SesSender writes the MAIL FROM records of a kit-managed identity itself.
    if (ses || returnPath.kind !== "spf") return;
    const spf = spfAt(returnPath.domain);
    spf.senders.push(index);
    const include = sender.include ?? preset.spfInclude;
    if (include && !spf.includes.includes(include)) spf.includes.push(include);
    spf.addresses.push(...sender.addresses.filter((a) => !spf.addresses.includes(a)));
    const feedback = preset.returnPath.kind === "subdomain" && region ? preset.returnPath.feedbackMx?.(region) : undefined;
    if (feedback && !spf.feedbackMx.some((mx) => mx.host === feedback.host)) spf.feedbackMx.push(feedback);
  });

  const inboundPreset = fields.inbound ? MAIL_PROVIDER_PRESETS[fields.inbound.provider] : undefined;
  const inboundMx = fields.inbound ? (fields.inbound.mx ?? inboundPreset?.inboundMx?.(zone) ?? []) : [];
  if (fields.inbound && inboundMx.length === 0)
    problems.push(problem(["email", "inbound", "mx"], `is missing; ${inboundPreset?.title ?? "this provider"} has no preset MX, so list its MX hosts`));
  if (inboundPreset?.inboundSpfInclude) {
    const apex = spfAt(zone);
    if (!apex.includes.includes(inboundPreset.inboundSpfInclude)) apex.includes.push(inboundPreset.inboundSpfInclude);
  }
  const autodiscover = inboundPreset?.autodiscover;
  if (autodiscover) {
    const conflict = hostByFqdn.get(`autodiscover.${zone}`);
    // The apex SPF record the inbound include makes is one more claim below; autodiscover is another.
    if (conflict)
      problems.push(
        problem(
          ["email", "inbound", "provider"],
          `is ${fields.inbound!.provider}, whose autodiscover CNAME needs autodiscover.${zone}, declared at launch-ready:hosts[${conflict.index}]; remove that host`,
        ),
      );
  }

  for (const spf of spfByName.values()) {
    spf.lookups = spf.includes.reduce((total, include) => total + includeLookupCost(include), 0);
    if (spf.lookups > MAX_DNS_LOOKUPS) {
      problems.push(
        problem(
          ["email", "senders"],
          `the SPF record of ${spf.domain} needs ${spf.lookups} DNS lookups (${spf.includes.join(", ")}); SPF allows ${MAX_DNS_LOOKUPS} (RFC 7208 4.6.4), so receivers would fail it: drop a sender or move one to its own subdomain`,
        ),
      );
    }
  }

  const parked = new Set<string>();
  fields.parked.forEach((name, index) => {
    const resolved = resolveHostInZone(name, zone);
    if (!resolved.ok) return void problems.push(problem(["email", "parked", index], `${shownValue(name)} ${resolved.problem}`));
    if (byDomain.has(resolved.value) || spfByName.has(resolved.value))
      return void problems.push(problem(["email", "parked", index], `${resolved.value} sends mail (launch-ready:email.senders), so it cannot be parked`));
    const conflict = cnameConflict(resolved.value, hostByFqdn, apex);
    if (conflict) return void problems.push(problem(["email", "parked", index], conflict));
    parked.add(resolved.value);
  });
  if (!byDomain.has(zone) && !spfByName.has(zone) && inboundMx.length === 0 && !cnameConflict(zone, hostByFqdn, apex)) parked.add(zone);

  claimNames(
    [...byDomain.values()],
    [...spfByName.keys()],
    [
      ...(autodiscover ? [{ name: `autodiscover.${zone}`, what: "the autodiscover CNAME (launch-ready:email.inbound)" }] : []),
      ...[...parked].map((name) => ({ name, what: "a parked name's records (launch-ready:email.parked)" })),
    ],
    problems,
  );

  // Strict SPF alignment wants the bounce name to be the From name, which a return path below it never is.
  if (fields.dmarc?.aspf === "s") {
    const below = [...byDomain.values()].flatMap((name) =>
      name.senders.filter((s) => s.returnPath.domain !== name.domain).map((s) => `${s.provider} (${s.returnPath.domain})`),
    );
    if (below.length > 0)
      problems.push(
        problem(
          ["email", "dmarc", "aspf"],
          `is s, but ${below.join(", ")} take bounces at a name below the sending name, so SPF never aligns strictly and DMARC would rest on DKIM alone; use aspf: r`,
          "aspf: r",
        ),
      );
  }

  for (const [key, ramp] of [
    ["dmarc", fields.dmarc?.ramp ?? []],
    ["mtaSts", fields.mtaSts?.ramp ?? []],
  ] as const)
    for (const { index, previous } of stepsOutOfOrder(ramp))
      problems.push(
        problem(["email", key, "ramp", index, "from"], `is ${ramp[index].from}, not after the step before it (${previous}); list the steps in date order`),
      );

  // The policy's host is the Worker's custom domain, which makes its own DNS record and certificate.
  const stsHost = mtaStsHost(zone);
  if (fields.mtaSts && inboundMx.length === 0)
    problems.push(
      problem(
        ["email", "mtaSts"],
        `is set, but nobody receives mail at ${zone} (no launch-ready:email.inbound); remove mtaSts, or declare the inbound provider`,
      ),
    );
  const stsConflict = hostByFqdn.get(stsHost);
  if (fields.mtaSts && stsConflict)
    problems.push(
      problem(
        ["email", "mtaSts"],
        `serves the policy at ${stsHost}, declared at launch-ready:hosts[${stsConflict.index}]; the Worker's custom domain needs the name to itself, so remove that host`,
      ),
    );

  return {
    sending: [...byDomain.values()].sort((a, b) => (a.domain < b.domain ? -1 : 1)),
    spf: [...spfByName.values()].map(({ senders: _, ...spf }) => spf).sort((a, b) => (a.domain < b.domain ? -1 : 1)),
    inboundMx,
    ...(autodiscover ? { autodiscover } : {}),
    dmarc: fields.dmarc,
    ...(fields.mtaSts && inboundMx.length > 0 ? { mtaSts: { ...fields.mtaSts, domain: zone, host: stsHost } } : {}),
    parked: [...parked].sort(),
    spfAll: fields.spfAll,
  };
}

/** A sender's return path: the preset's, with the name and target the user gave where the provider numbers them. */
function resolveReturnPath(
  sender: EmailFields["senders"][number],
  domain: string,
  preset: MailProviderPreset,
  hostByFqdn: Map<string, DeclaredHost>,
  report: (key: "name" | "target", message: string) => void,
): ReturnPath | undefined {
  const given = sender.returnPath;
  const kind = sender.provider === "custom" && given?.name ? "subdomain" : preset.returnPath.kind;
  if (kind === "sending-domain") {
    if (given) report("name", `${preset.title} takes bounces at the sending name itself; remove returnPath`);
    return given ? undefined : { domain, kind: "spf" };
  }
  const presetPath = preset.returnPath.kind === "sending-domain" ? undefined : preset.returnPath;
  const label = given?.name ?? (presetPath && "label" in presetPath ? presetPath.label : undefined);
  if (!label) return void report("name", `is missing; copy the ${preset.title} return-path name from its console (such as em1234)`);
  const name = nameBelow(label, domain, hostByFqdn);
  if (!name.ok) return void report("name", name.problem);
  if (kind === "subdomain") {
    if (given?.target) report("target", `${preset.title} bounces to a subdomain with its own SPF record, not a CNAME; remove target`);
    return given?.target ? undefined : { domain: name.value, kind: "spf" };
  }
  const cname = presetPath as Extract<ReturnPathPreset, { kind: "cname" }>;
  const targetText = given?.target ?? cname.target;
  if (!targetText) return void report("target", `is missing; copy the CNAME target of ${name.value} from the ${preset.title} console`);
  const target = providerTarget(targetText, cname.targetShape, `the bounce host ${preset.title} gives`);
  if (!target.ok) return void report("target", target.problem);
  return { domain: name.value, kind: "cname", target: target.value };
}

/**
 * A CNAME stands alone at its name (RFC 1034 3.6.2): a return-path or link CNAME may not share its
 * name with another sender's SPF, DKIM or CNAME, the autodiscover CNAME or a parked name, except
 * the one return path two senders of a provider share.
 */
function claimNames(
  sending: readonly SendingName[],
  spfNames: readonly string[],
  others: ReadonlyArray<{ name: string; what: string }>,
  problems: ConfigProblem[],
): void {
  const claims = new Map<string, { what: string; index: number; target?: string }>();
  for (const name of spfNames) claims.set(name, { what: "an SPF record", index: -1 });
  for (const other of others) claims.set(other.name, { what: other.what, index: -1 });
  for (const name of sending)
    for (const sender of name.senders)
      for (const key of sender.dkim) claims.set(`${key.selector}._domainkey.${name.domain}`, { what: "a DKIM key", index: sender.index });
  for (const name of sending) {
    for (const sender of name.senders) {
      const cnames = [
        ...(sender.returnPath.kind === "cname" ? [{ name: sender.returnPath.domain, target: sender.returnPath.target, key: "returnPath" }] : []),
        ...sender.links.map((link, position) => ({ name: link.name, target: link.target, key: `links[${position}]` })),
      ];
      for (const cname of cnames) {
        const claim = claims.get(cname.name);
        if (claim && !(claim.target === cname.target && claim.what === "a return path")) {
          const owner = claim.index < 0 ? "" : ` (launch-ready:email.senders[${claim.index}])`;
          problems.push(
            problem(
              [
                "email",
                "senders",
                sender.index,
                ...cname.key
                  .split(/[[\]]/)
                  .filter(Boolean)
                  .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
              ],
              `puts a CNAME at ${cname.name}, which already holds ${claim.what}${owner}; a CNAME cannot stand beside other records (RFC 1034 3.6.2)`,
            ),
          );
          continue;
        }
        claims.set(cname.name, { what: cname.key === "returnPath" ? "a return path" : "a link CNAME", index: sender.index, target: cname.target });
      }
    }
  }
}
