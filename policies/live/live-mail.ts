/**
 * The live column of MAIL-*: the records the internet publishes for the stack's mail names,
 * read through a DNS view, judged with the same parsers and lookup counter the email component
 * and the policies use, against the records the stack declares today.
 */
import { type DkimParse, parseDkimKey } from "../../domain/mail/dkim";
import { enforcementGap, externalReportAuthorizations, isDmarcRecord, parseDmarc } from "../../domain/mail/dmarc";
import { mailRecordSpecs } from "../../components/mail-auth/mail-records";
import {
  canonicalName,
  didNotAnswer,
  isSpfRecord,
  judgeSpfPolicy,
  MAX_DNS_LOOKUPS,
  MAX_VOID_LOOKUPS,
  type SpfDns,
  type SpfQueryType,
} from "../../domain/mail/spf";
import {
  isMtaStsRecord,
  isTlsRptRecord,
  mtaStsPolicyUrl,
  mtaStsRecordName,
  parseMtaStsPolicy,
  parseMtaStsRecord,
  parseTlsRptRecord,
  tlsRptRecordName,
  uncoveredMx,
} from "../../domain/mail/mta-sts";
import type { LaunchReadyConfig } from "../../stacks/stack-config";
import { type LiveCheck, unchecked } from "./live-checks";

/** What DNS answers for mail names: SPF's queries, and the CNAME target of a name if any. */
export interface MailDnsView extends SpfDns {
  cname(name: string): Promise<string | undefined>;
}

/** Which of the key's type and bytes differ: tag order, spacing, v=DKIM1 and a trailing ";" change neither (RFC 6376 3.2). */
function differentKey(published: DkimParse, declared: DkimParse): string | undefined {
  if (published.key?.keyType !== declared.key?.keyType) return `k=${published.key?.keyType}, declared k=${declared.key?.keyType}`;
  if (published.key?.tags.p !== declared.key?.tags.p) return "p= differs";
  return undefined;
}
/** An SPF record as compared: only spacing is free; case is not, since %{L} and %{l} expand differently (RFC 7208 7.3). */
const normalizedSpf = (record: string) => record.trim().replace(/ +/g, " ");

/** What a check reports when the DNS it needs did not answer: that name's failure, and only its. */
const unanswered = (id: LiveCheck["id"], target: string, name: string, type: string, error: unknown): LiveCheck =>
  unchecked(id, target, didNotAnswer(name, type, error));

export async function judgeMail(config: LaunchReadyConfig, day: string, view: MailDnsView): Promise<LiveCheck[]> {
  const checks: LiveCheck[] = [];
  const planned = mailRecordSpecs(config, day);
  const parked = new Set(config.email.parked);
  /** The answer, or undefined once the failure is reported against `target` alone. */
  const ask = async (id: LiveCheck["id"], target: string, name: string, type: SpfQueryType): Promise<string[] | undefined> => {
    try {
      return await view.query(name, type);
    } catch (error) {
      checks.push(unanswered(id, target, name, type, error));
      return undefined;
    }
  };

  for (const record of planned.filter((r) => r.type === "TXT" && r.content.startsWith("v=spf1"))) {
    const id = parked.has(record.name) && record.content === "v=spf1 -all" ? "MAIL-PARKED" : "MAIL-SPF";
    const answer = await ask(id, record.name, record.name, "TXT");
    if (!answer) continue;
    const published = answer.filter(isSpfRecord);
    if (published.length !== 1) {
      checks.push({
        id,
        target: record.name,
        status: "fail",
        detail: published.length === 0 ? "publishes no SPF record" : `publishes ${published.length} SPF records; receivers treat that as a permanent error`,
      });
      continue;
    }
    if (normalizedSpf(published[0]) !== normalizedSpf(record.content)) {
      checks.push({ id, target: record.name, status: "fail", detail: `publishes "${published[0]}", the stack declares "${record.content}"` });
      continue;
    }
    const report = await judgeSpfPolicy(record.name, view);
    // Counts stopped short by a name that did not answer say nothing: the failure is that name.
    const counts = report.failedQuery ? "" : `${report.lookups} DNS lookups (limit ${MAX_DNS_LOOKUPS}), ${report.voidLookups} void (limit ${MAX_VOID_LOOKUPS})`;
    checks.push({
      id,
      target: record.name,
      status: report.problems.length > 0 ? "fail" : "pass",
      detail: [counts, report.problems.map((p) => p.text).join("; ")].filter(Boolean).join(": "),
    });
  }

  for (const record of planned.filter((r) => r.name.includes("._domainkey."))) {
    if (record.type === "CNAME") {
      let target: string | undefined;
      try {
        target = await view.cname(record.name);
      } catch (error) {
        checks.push(unanswered("MAIL-DKIM", record.name, record.name, "CNAME", error));
        continue;
      }
      if (target === undefined || canonicalName(target) !== canonicalName(record.content)) {
        checks.push({ id: "MAIL-DKIM", target: record.name, status: "fail", detail: `CNAME is ${target ?? "missing"}, the stack declares ${record.content}` });
        continue;
      }
    }
    // Through a CNAME, the resolver answers with the provider's record: the key must be there too.
    const answer = await ask("MAIL-DKIM", record.name, record.name, "TXT");
    if (!answer) continue;
    const [published] = answer;
    const via = record.type === "CNAME" ? ` (through the CNAME to ${record.content})` : "";
    if (!published) {
      checks.push({ id: "MAIL-DKIM", target: record.name, status: "fail", detail: `publishes no DKIM key${via}: receivers cannot verify signed mail` });
      continue;
    }
    const key = parseDkimKey(published);
    const difference = record.type === "TXT" ? differentKey(key, parseDkimKey(record.content)) : undefined;
    if (key.errors.length > 0) checks.push({ id: "MAIL-DKIM", target: record.name, status: "fail", detail: `key unusable${via}: ${key.errors.join("; ")}` });
    else if (difference)
      checks.push({
        id: "MAIL-DKIM",
        target: record.name,
        status: "fail",
        detail: `publishes a different key from the one the stack declares (${difference})`,
      });
    else checks.push({ id: "MAIL-DKIM", target: record.name, status: "pass", detail: `valid ${key.key?.keyType} key of ${key.key?.bits} bits${via}` });
  }

  for (const record of planned.filter((r) => r.name.startsWith("_dmarc."))) {
    const domain = record.name.slice("_dmarc.".length);
    const id = parked.has(domain) && !(domain === config.zone.domain && config.email.dmarc) ? "MAIL-PARKED" : "MAIL-DMARC";
    const answer = await ask(id, record.name, record.name, "TXT");
    if (!answer) continue;
    const published = answer.filter((txt) => isDmarcRecord(txt));
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
    if (parsed.errors.length > 0 || !parsed.record) {
      checks.push({ id, target: record.name, status: "fail", detail: `does not parse: ${parsed.errors.join("; ")}` });
      continue;
    }
    if (parsed.discarded.length > 0) {
      checks.push({ id, target: record.name, status: "fail", detail: `receivers discard part of it: ${parsed.discarded.map((d) => d.problem).join("; ")}` });
      continue;
    }
    if (parsed.record.p !== declared.record?.p) {
      checks.push({ id, target: record.name, status: "fail", detail: `p=${parsed.record.p}, the stack declares p=${declared.record?.p} for today` });
      continue;
    }
    // p=reject with pct=0 or t=y enforces nothing: the policy in force must be the one declared.
    const gap = enforcementGap(parsed.record);
    if (gap !== undefined && (parsed.record.testing !== declared.record?.testing || parsed.record.pct !== declared.record?.pct)) {
      checks.push({ id, target: record.name, status: "fail", detail: `p=${parsed.record.p}, but ${gap}` });
      continue;
    }
    const unauthorised: string[] = [];
    let unanswer: LiveCheck | undefined;
    for (const { address, name } of externalReportAuthorizations(domain, parsed.record, config.zone.domain)) {
      try {
        if (!(await view.query(name, "TXT")).some((txt) => isDmarcRecord(txt))) unauthorised.push(`${address} (no v=DMARC1 record at ${name})`);
      } catch (error) {
        unanswer = unanswered(id, record.name, name, "TXT", error);
      }
    }
    if (unanswer) checks.push(unanswer);
    else if (unauthorised.length > 0)
      checks.push({
        id,
        target: record.name,
        status: "fail",
        detail: `reports go to ${unauthorised.join(", ")}: that domain has not agreed to take them, so receivers send nothing there (RFC 7489 7.1)`,
      });
    else
      checks.push({
        id,
        target: record.name,
        status: "pass",
        detail: `p=${parsed.record.p}${parsed.record.rua.length ? `, reports to ${parsed.record.rua.join(", ")}` : ""}`,
      });
  }

  for (const name of parked) {
    const mx = await ask("MAIL-PARKED", name, name, "MX");
    if (!mx) continue;
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

/** The policy fetch as MAIL-TRANSPORT reads it: the answer (never redirected) or why there is none. */
export type PolicyAnswer = { status: number; headers: NodeJS.Dict<string[]>; body?: string } | { error: string };

/**
 * MAIL-TRANSPORT live, for a domain that receives mail: the `_mta-sts` and `_smtp._tls` TXT parse,
 * and the policy, fetched over HTTPS with its certificate checked and no redirect followed
 * (RFC 8461 3.3), is a 200 text/plain that parses and whose mx patterns cover every MX host the
 * domain publishes (RFC 8461 4.1).
 */
export async function judgeMailTransport(domain: string, view: MailDnsView, policy: PolicyAnswer): Promise<LiveCheck[]> {
  const url = mtaStsPolicyUrl(domain);
  const checks: LiveCheck[] = [];
  const read = async (name: string, type: SpfQueryType): Promise<string[] | undefined> => {
    try {
      return await view.query(name, type);
    } catch (error) {
      checks.push(unanswered("MAIL-TRANSPORT", name, name, type, error));
      return undefined;
    }
  };
  const txt = async (name: string, isRecord: (txt: string) => boolean, parse: (txt: string) => object | { error: string }, what: string) => {
    const answer = await read(name, "TXT");
    if (!answer) return;
    const records = answer.filter(isRecord);
    const parsed = records.length === 1 ? parse(records[0]) : undefined;
    if (records.length !== 1) checks.push(liveCheck(name, "fail", `${records.length} ${what} records published; senders need exactly one`));
    else if (parsed && "error" in parsed) checks.push(liveCheck(name, "fail", parsed.error as string));
    else checks.push(liveCheck(name, "pass", records[0]));
  };
  await txt(mtaStsRecordName(domain), isMtaStsRecord, parseMtaStsRecord, "STS");
  await txt(tlsRptRecordName(domain), isTlsRptRecord, parseTlsRptRecord, "TLS-RPT");

  // The MX hosts the policy must cover; a failure to read them is the policy check's, at its URL.
  let mx: string[] | undefined;
  let mxUnread: string | undefined;
  try {
    mx = (await view.query(domain, "MX")).filter((host) => host !== "" && host !== ".");
  } catch (error) {
    mxUnread = didNotAnswer(domain, "MX", error);
  }
  if ("error" in policy) return [...checks, unchecked("MAIL-TRANSPORT", url, `${url} did not answer over valid HTTPS: ${policy.error}`)];
  const type = policy.headers["content-type"]?.[0] ?? "";
  if (policy.status !== 200 || !/^text\/plain\s*(;|$)/i.test(type))
    return [
      ...checks,
      liveCheck(url, "fail", `answers ${policy.status}${type ? ` ${type}` : ""}; senders want 200 text/plain there and follow no redirect (RFC 8461 3.3)`),
    ];
  const parsed = parseMtaStsPolicy(policy.body ?? "");
  if (!parsed.policy) return [...checks, liveCheck(url, "fail", `the policy does not parse: ${parsed.errors.join("; ")}`)];
  if (!mx) return [...checks, unchecked("MAIL-TRANSPORT", url, mxUnread!)];
  const uncovered = uncoveredMx(parsed.policy, mx);
  const seen = `mode ${parsed.policy.mode}, mx ${parsed.policy.mx.join(", ")}`;
  if (uncovered.length > 0)
    return [
      ...checks,
      liveCheck(
        url,
        "fail",
        `${seen} covers no pattern for ${uncovered.join(", ")}, which ${domain} publishes: senders in enforce mode would not deliver there`,
      ),
    ];
  const covers = `${seen} covers ${mx.join(", ")}, max_age ${parsed.policy.maxAge}`;
  return [
    ...checks,
    parsed.policy.mode === "enforce"
      ? liveCheck(url, "pass", covers)
      : liveCheck(url, "warn", `${covers}; in mode ${parsed.policy.mode} senders report a downgraded connection but deliver anyway`),
  ];
}

const liveCheck = (target: string, status: LiveCheck["status"], detail: string): LiveCheck => ({ id: "MAIL-TRANSPORT", target, status, detail });
