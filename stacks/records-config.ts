/**
 * `launch-ready:records`: the zone's records that are neither a host nor mail authentication
 * (verification TXT, CAA, SRV, delegations, a subdomain's MX), resolved and cross-checked against
 * the hosts and the mail config, which own the records this key must not duplicate.
 */
import { recordTtlProblem, type ZonePlan } from "../domain/cloudflare/zone-plans";
import { isDmarcRecord } from "../domain/mail/dmarc";
import { formatConfigPath, problem, type ConfigProblem, type PathSegment } from "./config-problems";
import type { ExtraRecordFields } from "./schema/site";
import { normalizeTargetHost, resolveRecordNameInZone } from "../domain/hostnames";
import { shownValue } from "./shown-value";

export interface DeclaredRecord {
  /** Position in `launch-ready:records`, for messages only. */
  index: number;
  /** Fully qualified ASCII name. */
  name: string;
  type: ExtraRecordFields["type"];
  /** The record's value in zone-file form (`0 issue "letsencrypt.org"`, `10 5 443 sip.example.net`): its identity. */
  content: string;
  /** MX preference. */
  priority?: number;
  /** The structured value Cloudflare takes for CAA and SRV records instead of content. */
  data?: { flags: number; tag: string; value: string } | { priority: number; weight: number; port: number; target: string };
  ttl: number;
  comment?: string;
}

export interface RecordContext {
  zone: string;
  plan: ZonePlan;
  /** Names of declared hosts, with the index of each in `launch-ready:hosts`. */
  hostIndexByName: ReadonlyMap<string, number>;
  wildcardWaived: boolean;
  defaultTtl: number;
  /** Whether launch-ready:tls.caa is declared, so the kit writes the apex's CAA set itself (TLS-CAA). */
  caaDeclared: boolean;
}

export function resolveRecords(fields: readonly ExtraRecordFields[], context: RecordContext, problems: ConfigProblem[]): DeclaredRecord[] {
  const records: DeclaredRecord[] = [];
  const seen = new Map<string, number>();
  fields.forEach((field, index) => {
    const at = (...rest: PathSegment[]) => ["records", index, ...rest];
    const name = resolveRecordNameInZone(field.name, context.zone);
    if (!name.ok) return void problems.push(problem(at("name"), `${shownValue(field.name)} ${name.problem}`));
    const refused = refusal(field, name.value, context);
    if (refused) return void problems.push(problem(at(refused.key), refused.message));
    const value = recordValue(field);
    if (!value.ok) return void problems.push(problem(at(value.key), value.problem));
    const key = `${name.value} ${field.type} ${value.record.priority === undefined ? "" : `${value.record.priority} `}${value.content}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      // The content may be a secret typed into a TXT record: shown only when it cannot be one.
      const shown = `${name.value} ${field.type} ${value.record.priority === undefined ? "" : `${value.record.priority} `}${shownValue(value.content, { quoted: false })}`;
      return void problems.push(problem(at(), `declares ${shown} again; ${formatConfigPath(["records", earlier])} already does, so keep one`));
    }
    seen.set(key, index);
    const ttlProblem = field.ttl === undefined ? undefined : recordTtlProblem(field.ttl, context.plan);
    if (ttlProblem) return void problems.push(problem(at("ttl"), ttlProblem));
    records.push({
      index,
      name: name.value,
      type: field.type,
      ...value.record,
      content: value.content,
      ttl: field.ttl ?? context.defaultTtl,
      ...(field.comment ? { comment: field.comment } : {}),
    });
  });
  return records;
}

/** Records another key owns, or that would break a name: refused with where they belong. */
function refusal(field: ExtraRecordFields, fqdn: string, context: RecordContext): { key: string; message: string } | undefined {
  if (fqdn.startsWith("*.") && !context.wildcardWaived) {
    return {
      key: "name",
      message: `${fqdn} is a wildcard; declare each name on its own (DNS-SUBDOMAINS), or waive DNS-SUBDOMAINS in launch-ready:waivers with a reason, an owner and an expiry date`,
    };
  }
  if (field.type === "TXT" && /^v=spf1(\s|$)/i.test(field.content.trim())) {
    return {
      key: "content",
      message: "is an SPF record; the kit writes SPF from launch-ready:email.senders (one record per name, MAIL-SPF), so declare the sender there",
    };
  }
  if (field.type === "TXT" && isDmarcRecord(field.content)) {
    return { key: "content", message: "is a DMARC record; declare it in launch-ready:email.dmarc (MAIL-DMARC)" };
  }
  if (field.type === "CAA" && fqdn === context.zone && context.caaDeclared && ["issue", "issuewild", "iodef"].includes(field.tag)) {
    const key = field.tag === "iodef" ? "launch-ready:tls.caa.iodef" : "launch-ready:tls.caa.authorities";
    return {
      key: "tag",
      message: `is a CAA ${field.tag} record at the apex, where the kit writes the zone's CAA set from launch-ready:tls.caa (TLS-CAA); declare it in ${key} instead, so the set stays one`,
    };
  }
  if (field.type === "MX" && fqdn === context.zone)
    return { key: "name", message: "is the apex; its MX comes from launch-ready:email.inbound (or a null MX when nobody receives mail)" };
  if (field.type === "NS" && fqdn === context.zone)
    return { key: "name", message: "is the apex; Cloudflare serves the zone's own NS records, so only a subdomain can be delegated here" };
  const hostIndex = context.hostIndexByName.get(fqdn);
  if (field.type === "CNAME" && hostIndex !== undefined) {
    return {
      key: "name",
      message: `${fqdn} is declared at ${formatConfigPath(["hosts", hostIndex])}; a CNAME cannot stand beside its records (RFC 1034 3.6.2)`,
    };
  }
  if (field.type === "CNAME" && !fqdn.split(".").some((label) => label.startsWith("_"))) {
    return {
      key: "name",
      message: `${fqdn} is a host name; declare it in launch-ready:hosts with its purpose (records holds CNAMEs only for service or verification names such as _acme-challenge)`,
    };
  }
  if (field.type === "NS" && hostIndex !== undefined) {
    return {
      key: "name",
      message: `${fqdn} is declared at ${formatConfigPath(["hosts", hostIndex])}; a delegated name is served by other name servers, so it has no records here`,
    };
  }
  return undefined;
}

/** A CAA or SRV record's structured value in zone-file form: what `dig` prints. */
export function recordDataText(data: Record<string, unknown>): string {
  if ("tag" in data) return `${String(data.flags ?? 0)} ${String(data.tag)} "${String(data.value)}"`;
  return `${String(data.priority)} ${String(data.weight)} ${String(data.port)} ${String(data.target)}`;
}

/**
 * Any DNS record's value as `dig` prints it, from a planned record or a DnsRecord's inputs: the
 * MX preference first, CAA and SRV from their data.
 */
export function recordValueText(record: { content?: unknown; priority?: unknown; data?: unknown }): string {
  const value = record.data ? recordDataText(record.data as Record<string, unknown>) : String(record.content ?? "");
  return record.priority === undefined ? value : `${String(record.priority)} ${value}`;
}

type RecordValue = { ok: true; content: string; record: Pick<DeclaredRecord, "priority" | "data"> } | { ok: false; key: string; problem: string };

function recordValue(field: ExtraRecordFields): RecordValue {
  switch (field.type) {
    case "TXT":
      return { ok: true, content: field.content, record: {} };
    case "CAA": {
      const data = { flags: field.flags, tag: field.tag, value: field.value };
      return { ok: true, content: recordDataText(data), record: { data } };
    }
    case "SRV": {
      const target = normalizeTargetHost(field.target);
      if (!target.ok) return { ok: false, key: "target", problem: `${shownValue(field.target)} ${target.problem}` };
      const data = { priority: field.priority, weight: field.weight, port: field.port, target: target.value };
      return { ok: true, content: recordDataText(data), record: { data } };
    }
    case "MX":
    case "NS":
    case "CNAME": {
      const target = normalizeTargetHost(field.content);
      if (!target.ok) return { ok: false, key: "content", problem: `${shownValue(field.content)} ${target.problem}` };
      if (target.value === "." && field.type !== "MX")
        return { ok: false, key: "content", problem: `"." is only meaningful in an MX record (RFC 7505 null MX)` };
      return { ok: true, content: target.value, record: field.type === "MX" ? { priority: field.priority } : {} };
    }
  }
}
