/**
 * The stack's `launch-ready:email` section resolved against its zone and hosts: sending names
 * with their merged SPF, inbound MX, DMARC and parked names, refused here when receivers would fail it.
 */
import { parseDkimKey } from "../domain/mail/dkim";
import { MAIL_PROVIDER_PRESETS, offlineSpfLookups, type MailProvider } from "../domain/mail/providers";
import { MAX_DNS_LOOKUPS } from "../domain/mail/spf";
import { problem, type ConfigProblem, type PathSegment } from "./config-problems";
import type { EmailFields } from "./schema/email";
import { classifyTarget, resolveHostInZone } from "../domain/hostnames";
import type { DeclaredHost } from "./declared-host";

export interface SendingName {
  /** Fully qualified sending name (the apex or a subdomain such as send.example.com). */
  domain: string;
  senders: Array<{
    index: number;
    provider: MailProvider;
    dkim: Array<{ selector: string; value: string; type: "TXT" | "CNAME" }>;
    /** Amazon SES managed by the kit: Easy DKIM and a custom MAIL FROM domain. */
    ses?: { region: string; mailFromDomain: string };
  }>;
  /** SPF includes, in the order the senders were declared, without repeats. */
  includes: string[];
  addresses: string[];
  /** Offline SPF lookup count: documented costs, 1 for an include without one. */
  lookups: number;
}

export interface EmailConfig {
  sending: SendingName[];
  /** MX hosts for the apex; empty when nobody receives mail there. */
  inboundMx: Array<{ host: string; priority: number }>;
  dmarc?: EmailFields["dmarc"];
  /** Fully qualified names that send no mail; the apex is one when it neither sends nor receives. */
  parked: string[];
  /** How every sending name's SPF record ends. */
  spfAll: "~all" | "-all";
}

/** Mail records (TXT, MX) cannot stand beside a CNAME at one name (RFC 1034 3.6.2). */
function cnameConflict(fqdn: string, hostByFqdn: Map<string, DeclaredHost>): string | undefined {
  const host = hostByFqdn.get(fqdn);
  return host?.records.some((r) => r.type === "CNAME")
    ? `${fqdn} is a CNAME (launch-ready:hosts[${host.index}]), and mail records cannot stand beside a CNAME (RFC 1034 3.6.2); use a name without one`
    : undefined;
}

export function resolveEmail(fields: EmailFields, zone: string, hostByFqdn: Map<string, DeclaredHost>, problems: ConfigProblem[]): EmailConfig {
  const byDomain = new Map<string, SendingName>();
  fields.senders.forEach((sender, index) => {
    const at = (...rest: PathSegment[]) => ["email", "senders", index, ...rest];
    const name = resolveHostInZone(sender.domain, zone);
    if (!name.ok) return void problems.push(problem(at("domain"), `"${sender.domain}" ${name.problem}`));
    const conflict = cnameConflict(name.value, hostByFqdn);
    if (conflict) return void problems.push(problem(at("domain"), conflict));
    const preset = MAIL_PROVIDER_PRESETS[sender.provider];
    if (sender.provider === "custom" && !sender.include && sender.addresses.length === 0) {
      problems.push(problem(at("include"), "is missing; a custom sender needs its SPF include or its addresses"));
    }
    if (sender.provider !== "custom" && (sender.include || sender.addresses.length > 0)) {
      problems.push(
        problem(at("include"), `comes from the ${preset.title} preset (${preset.spfInclude}); remove include and addresses, or use provider: custom`),
      );
    }
    const type: "TXT" | "CNAME" = preset.dkim === "cname" ? "CNAME" : "TXT";
    const dkim: SendingName["senders"][number]["dkim"] = [];
    sender.dkim.forEach((entry, position) => {
      if (type === "TXT") {
        const key = parseDkimKey(entry.value);
        if (key.errors.length > 0) return void problems.push(problem(at("dkim", position, "value"), `is not a usable DKIM key: ${key.errors.join("; ")}`));
      } else {
        const target = classifyTarget(entry.value);
        if (!target.ok || target.value.type !== "CNAME") {
          return void problems.push(
            problem(at("dkim", position, "value"), `must be the host name ${preset.title} gives for selector ${entry.selector} (a CNAME target)`),
          );
        }
      }
      dkim.push({ selector: entry.selector.toLowerCase(), value: entry.value, type });
    });
    if (sender.ses && sender.provider !== "amazon-ses") problems.push(problem(at("ses"), "only applies to provider: amazon-ses"));
    const ses =
      sender.ses && sender.provider === "amazon-ses" ? { region: sender.ses.region, mailFromDomain: `${sender.ses.mailFrom}.${name.value}` } : undefined;
    const sending = byDomain.get(name.value) ?? { domain: name.value, senders: [], includes: [], addresses: [], lookups: 0 };
    sending.senders.push({ index, provider: sender.provider, dkim, ...(ses ? { ses } : {}) });
    const include = sender.include ?? preset.spfInclude;
    if (include && !sending.includes.includes(include)) sending.includes.push(include);
    sending.addresses.push(...sender.addresses.filter((a) => !sending.addresses.includes(a)));
    byDomain.set(name.value, sending);
  });
  for (const sending of byDomain.values()) {
    sending.lookups = offlineSpfLookups(sending.includes.map((include) => ({ name: "include", value: include })));
    if (sending.lookups > MAX_DNS_LOOKUPS) {
      problems.push(
        problem(
          ["email", "senders"],
          `the SPF record of ${sending.domain} needs ${sending.lookups} DNS lookups (${sending.includes.join(", ")}); SPF allows ${MAX_DNS_LOOKUPS} (RFC 7208 4.6.4), so receivers would fail it: drop a sender or move one to its own subdomain`,
        ),
      );
    }
  }

  const inboundPreset = fields.inbound ? MAIL_PROVIDER_PRESETS[fields.inbound.provider] : undefined;
  const inboundMx = fields.inbound ? (fields.inbound.mx ?? inboundPreset?.inboundMx?.(zone) ?? []) : [];
  if (fields.inbound && inboundMx.length === 0)
    problems.push(problem(["email", "inbound", "mx"], `is missing; ${inboundPreset?.title ?? "this provider"} has no preset MX, so list its MX hosts`));

  const parked = new Set<string>();
  fields.parked.forEach((name, index) => {
    const resolved = resolveHostInZone(name, zone);
    if (!resolved.ok) return void problems.push(problem(["email", "parked", index], `"${name}" ${resolved.problem}`));
    if (byDomain.has(resolved.value))
      return void problems.push(problem(["email", "parked", index], `${resolved.value} sends mail (launch-ready:email.senders), so it cannot be parked`));
    const conflict = cnameConflict(resolved.value, hostByFqdn);
    if (conflict) return void problems.push(problem(["email", "parked", index], conflict));
    parked.add(resolved.value);
  });
  if (!byDomain.has(zone) && inboundMx.length === 0 && !cnameConflict(zone, hostByFqdn)) parked.add(zone);

  fields.dmarc?.ramp.forEach((step, index) => {
    const previous = fields.dmarc!.ramp[index - 1];
    if (previous && step.from <= previous.from)
      problems.push(
        problem(["email", "dmarc", "ramp", index, "from"], `is ${step.from}, not after the step before it (${previous.from}); list the steps in date order`),
      );
  });

  return {
    sending: [...byDomain.values()].sort((a, b) => (a.domain < b.domain ? -1 : 1)),
    inboundMx,
    dmarc: fields.dmarc,
    parked: [...parked].sort(),
    spfAll: fields.spfAll,
  };
}
