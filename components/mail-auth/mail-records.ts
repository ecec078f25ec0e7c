/**
 * The zone's mail records as plain data: MX, one merged SPF record per sending name, DKIM, DMARC
 * (with its dated ramp) and the records that keep parked names from being spoofed.
 */
import { returnPaths } from "../../stacks/email-config";
import { DEFAULT_DNS_ONLY_TTL, type LaunchReadyConfig } from "../../stacks/stack-config";
import { recordComment, type RecordSpec } from "../site-records";
import { valueOnDay } from "../../domain/dated-ramp";
import { mtaStsPolicyText, mtaStsRecord, mtaStsRecordName, tlsRptRecord, tlsRptRecordName, type MtaStsPolicy } from "../../domain/mail/mta-sts";

type DmarcPolicy = "none" | "quarantine" | "reject";

/** A day before any DMARC ramp step: records as declared, whatever today's date (names, the handover). */
export const BEFORE_ANY_RAMP = "0000-01-01";

/** The DMARC policy in force on `day` (YYYY-MM-DD): the last ramp step that has started, else the base policy. */
export function effectiveDmarcPolicy(dmarc: NonNullable<LaunchReadyConfig["email"]["dmarc"]>, day: string): DmarcPolicy {
  return valueOnDay(
    dmarc.policy,
    dmarc.ramp.map((step) => ({ from: step.from, value: step.policy })),
    day,
  );
}

/**
 * The MTA-STS policy in force on `day` and its text, for the apex when it receives mail: its mx
 * lines are exactly the inbound MX hosts (sorted, so reordering the config changes neither the text nor its id), its mode the last started step of email.mtaSts.ramp.
 */
export function mtaStsPolicyOnDay(config: LaunchReadyConfig, day: string): { domain: string; host: string; policy: MtaStsPolicy; text: string } | undefined {
  const sts = config.email.mtaSts;
  if (!sts) return undefined;
  const mode = valueOnDay(
    sts.mode,
    sts.ramp.map((step) => ({ from: step.from, value: step.mode })),
    day,
  );
  const policy: MtaStsPolicy = { mode, mx: [...new Set(config.email.inboundMx.map((mx) => mx.host))].sort(), maxAge: sts.maxAge };
  return { domain: sts.domain, host: sts.host, policy, text: mtaStsPolicyText(policy) };
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
  const sts = mtaStsPolicyOnDay(config, day);
  if (sts && email.mtaSts) {
    // The id follows the policy text, so a ramp step or a new MX makes senders fetch the policy again.
    records.push(mailRecord(config, mtaStsRecordName(sts.domain), "TXT", mtaStsRecord(sts.text), "mta-sts"));
    records.push(mailRecord(config, tlsRptRecordName(sts.domain), "TXT", tlsRptRecord(email.mtaSts.reports), "tls-rpt"));
  }
  for (const name of email.parked) {
    records.push(mailRecord(config, name, "TXT", "v=spf1 -all", "spf"));
    // RFC 7505: a null MX says the name accepts no mail.
    records.push(mailRecord(config, name, "MX", ".", "null", 0));
    if (!(name === zone.domain && email.dmarc)) records.push(mailRecord(config, `_dmarc.${name}`, "TXT", "v=DMARC1; p=reject", "dmarc"));
  }
  return records.sort((a, b) => (a.logicalName < b.logicalName ? -1 : a.logicalName > b.logicalName ? 1 : 0));
}

/**
 * Every name the mail config puts records at, including SES MAIL FROM domains the SesSender
 * creates and the MTA-STS policy host the Worker's custom domain answers at.
 */
export function mailNames(config: LaunchReadyConfig): Set<string> {
  const names = new Set(mailRecordSpecs(config, BEFORE_ANY_RAMP).map((record) => record.name));
  if (config.email.mtaSts) names.add(config.email.mtaSts.host);
  for (const sending of config.email.sending) for (const sender of sending.senders) if (sender.ses) names.add(sender.ses.mailFromDomain);
  return names;
}
