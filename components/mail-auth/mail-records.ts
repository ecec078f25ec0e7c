/**
 * The zone's mail records as plain data: MX, one merged SPF record per sending name, DKIM, DMARC
 * (with its dated ramp) and the records that keep parked names from being spoofed.
 */
import { returnPaths } from "../../stacks/email-config";
import { DEFAULT_DNS_ONLY_TTL, type LaunchReadyConfig } from "../../stacks/stack-config";
import { recordComment, type RecordSpec } from "../site-records";

type DmarcPolicy = "none" | "quarantine" | "reject";

/** A day before any DMARC ramp step: records as declared, whatever today's date (names, the handover). */
export const BEFORE_ANY_RAMP = "0000-01-01";

/** The DMARC policy in force on `day` (YYYY-MM-DD): the last ramp step that has started, else the base policy. */
export function effectiveDmarcPolicy(dmarc: NonNullable<LaunchReadyConfig["email"]["dmarc"]>, day: string): DmarcPolicy {
  const started = dmarc.ramp.filter((step) => step.from <= day);
  return started.length > 0 ? started[started.length - 1].policy : dmarc.policy;
}

export function spfRecord(includes: readonly string[], addresses: readonly string[], all: "-all" | "~all"): string {
  const addressTerms = addresses.map((address) => `${address.includes(":") ? "ip6" : "ip4"}:${address}`);
  return ["v=spf1", ...addressTerms, ...includes.map((include) => `include:${include}`), all].join(" ");
}

function mailRecord(config: LaunchReadyConfig, name: string, type: RecordSpec["type"], content: string, label: string, priority?: number): RecordSpec {
  return {
    logicalName: `${name}-${type}-${label}`,
    name,
    type,
    content,
    ...(priority === undefined ? {} : { priority }),
    proxied: false,
    ttl: DEFAULT_DNS_ONLY_TTL,
    comment: recordComment(config.environment),
  };
}

export function mailRecordSpecs(config: LaunchReadyConfig, day: string): RecordSpec[] {
  const { email, zone } = config;
  const records: RecordSpec[] = [];
  for (const mx of email.inboundMx) records.push(mailRecord(config, zone.domain, "MX", mx.host, mx.host, mx.priority));
  if (email.autodiscover) records.push(mailRecord(config, `autodiscover.${zone.domain}`, "CNAME", email.autodiscover, "autodiscover"));
  for (const spf of email.spf) {
    records.push(mailRecord(config, spf.domain, "TXT", spfRecord(spf.includes, spf.addresses, email.spfAll), "spf"));
    for (const mx of spf.feedbackMx) records.push(mailRecord(config, spf.domain, "MX", mx.host, mx.host, mx.priority));
  }
  // One CNAME per return path, however many senders of its provider share it.
  for (const path of returnPaths(email)) if (path.kind === "cname") records.push(mailRecord(config, path.domain, "CNAME", path.target, "return-path"));
  for (const sending of email.sending) {
    for (const sender of sending.senders) {
      for (const key of sender.dkim) records.push(mailRecord(config, `${key.selector}._domainkey.${sending.domain}`, key.type, key.value, "dkim"));
      for (const link of sender.links) records.push(mailRecord(config, link.name, "CNAME", link.target, "link"));
    }
  }
  if (email.dmarc) {
    const dmarc = email.dmarc;
    const tags = [
      "v=DMARC1",
      `p=${effectiveDmarcPolicy(dmarc, day)}`,
      ...(dmarc.subdomainPolicy ? [`sp=${dmarc.subdomainPolicy}`] : []),
      `rua=${dmarc.rua.map((address) => `mailto:${address}`).join(",")}`,
      ...(dmarc.ruf.length > 0 ? [`ruf=${dmarc.ruf.map((address) => `mailto:${address}`).join(",")}`] : []),
      `adkim=${dmarc.adkim}`,
      `aspf=${dmarc.aspf}`,
    ];
    records.push(mailRecord(config, `_dmarc.${zone.domain}`, "TXT", tags.join("; "), "dmarc"));
  }
  for (const name of email.parked) {
    records.push(mailRecord(config, name, "TXT", "v=spf1 -all", "spf"));
    // RFC 7505: a null MX says the name accepts no mail.
    records.push(mailRecord(config, name, "MX", ".", "null", 0));
    if (!(name === zone.domain && email.dmarc)) records.push(mailRecord(config, `_dmarc.${name}`, "TXT", "v=DMARC1; p=reject", "dmarc"));
  }
  return records.sort((a, b) => (a.logicalName < b.logicalName ? -1 : a.logicalName > b.logicalName ? 1 : 0));
}

/** Every name the mail config puts records at, including SES MAIL FROM domains the SesSender creates. */
export function mailNames(config: LaunchReadyConfig): Set<string> {
  const names = new Set(mailRecordSpecs(config, BEFORE_ANY_RAMP).map((record) => record.name));
  for (const sending of config.email.sending) for (const sender of sending.senders) if (sender.ses) names.add(sender.ses.mailFromDomain);
  return names;
}
