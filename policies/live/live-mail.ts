/**
 * The live column of MAIL-*: the records the internet publishes for the stack's mail names,
 * read through a DNS view, judged with the same parsers and lookup counter the email component
 * and the policies use, against the records the stack declares today.
 */
import { parseDkimKey } from "../../domain/mail/dkim";
import { isDmarcRecord, parseDmarc } from "../../domain/mail/dmarc";
import { mailRecordSpecs } from "../../components/mail-auth/mail-records";
import { countSpfLookups, isSpfRecord, MAX_DNS_LOOKUPS, MAX_VOID_LOOKUPS, type SpfResolver } from "../../domain/mail/spf";
import type { LaunchReadyConfig } from "../../stacks/stack-config";
import type { LiveCheck } from "./live-checks";

/** What DNS answers for mail names: TXT (strings joined), MX hosts, and the CNAME target if any. */
export interface MailDnsView extends SpfResolver {
  cname(name: string): Promise<string | undefined>;
}

const normalized = (record: string) => record.trim().replace(/\s+/g, " ").replace(/;\s*/g, "; ").replace(/;\s*$/, "").toLowerCase();

export async function judgeMail(config: LaunchReadyConfig, day: string, view: MailDnsView): Promise<LiveCheck[]> {
  const checks: LiveCheck[] = [];
  const planned = mailRecordSpecs(config, day);
  const parked = new Set(config.email.parked);

  for (const record of planned.filter((r) => r.type === "TXT" && r.content.startsWith("v=spf1"))) {
    const id = parked.has(record.name) && record.content === "v=spf1 -all" ? "MAIL-PARKED" : "MAIL-SPF";
    const published = (await view.txt(record.name)).filter(isSpfRecord);
    if (published.length !== 1) {
      checks.push({
        id,
        target: record.name,
        status: "fail",
        detail: published.length === 0 ? "publishes no SPF record" : `publishes ${published.length} SPF records; receivers treat that as a permanent error`,
      });
      continue;
    }
    if (normalized(published[0]) !== normalized(record.content)) {
      checks.push({ id, target: record.name, status: "fail", detail: `publishes "${published[0]}", the stack declares "${record.content}"` });
      continue;
    }
    const report = await countSpfLookups(record.name, published[0], view);
    const over = report.lookups > MAX_DNS_LOOKUPS || report.voidLookups > MAX_VOID_LOOKUPS;
    checks.push({
      id,
      target: record.name,
      status: over || report.problems.length > 0 ? "fail" : "pass",
      detail: `${report.lookups} DNS lookups (limit ${MAX_DNS_LOOKUPS}), ${report.voidLookups} void (limit ${MAX_VOID_LOOKUPS})${report.problems.length > 0 ? `: ${report.problems.join("; ")}` : ""}`,
    });
  }

  for (const record of planned.filter((r) => r.name.includes("._domainkey."))) {
    if (record.type === "CNAME") {
      const target = await view.cname(record.name);
      const ok = target?.toLowerCase().replace(/\.$/, "") === record.content.toLowerCase().replace(/\.$/, "");
      checks.push({
        id: "MAIL-DKIM",
        target: record.name,
        status: ok ? "pass" : "fail",
        detail: ok ? `CNAME ${target}` : `CNAME is ${target ?? "missing"}, the stack declares ${record.content}`,
      });
      continue;
    }
    const [published] = await view.txt(record.name);
    if (!published) {
      checks.push({ id: "MAIL-DKIM", target: record.name, status: "fail", detail: "publishes no DKIM key: receivers cannot verify signed mail" });
      continue;
    }
    const key = parseDkimKey(published);
    if (key.errors.length > 0) checks.push({ id: "MAIL-DKIM", target: record.name, status: "fail", detail: `key unusable: ${key.errors.join("; ")}` });
    else if (normalized(published) !== normalized(record.content))
      checks.push({ id: "MAIL-DKIM", target: record.name, status: "fail", detail: "publishes a different key from the one the stack declares" });
    else checks.push({ id: "MAIL-DKIM", target: record.name, status: "pass", detail: `valid ${key.key?.keyType} key of ${key.key?.bits} bits` });
  }

  for (const record of planned.filter((r) => r.name.startsWith("_dmarc."))) {
    const domain = record.name.slice("_dmarc.".length);
    const id = parked.has(domain) && !(domain === config.zone.domain && config.email.dmarc) ? "MAIL-PARKED" : "MAIL-DMARC";
    const published = (await view.txt(record.name)).filter((txt) => isDmarcRecord(txt));
    if (published.length !== 1) {
      checks.push({
        id,
        target: record.name,
        status: "fail",
        detail: published.length === 0 ? "publishes no DMARC record" : `publishes ${published.length} DMARC records; receivers ignore them all`,
      });
      continue;
    }
    const parsed = parseDmarc(published[0]);
    const declared = parseDmarc(record.content);
    if (parsed.errors.length > 0) checks.push({ id, target: record.name, status: "fail", detail: `does not parse: ${parsed.errors.join("; ")}` });
    else if (parsed.record?.p !== declared.record?.p)
      checks.push({ id, target: record.name, status: "fail", detail: `p=${parsed.record?.p}, the stack declares p=${declared.record?.p} for today` });
    else
      checks.push({
        id,
        target: record.name,
        status: "pass",
        detail: `p=${parsed.record?.p}${parsed.record?.rua.length ? `, reports to ${parsed.record.rua.join(", ")}` : ""}`,
      });
  }

  for (const name of parked) {
    const mx = await view.mx(name);
    const nullMx = mx.length === 1 && (mx[0] === "" || mx[0] === ".");
    checks.push({
      id: "MAIL-PARKED",
      target: name,
      status: nullMx ? "pass" : "fail",
      detail: nullMx ? "null MX: accepts no mail" : `MX is ${mx.join(", ") || "absent"}, not the null MX (RFC 7505)`,
    });
  }
  return checks;
}
