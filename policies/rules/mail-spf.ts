import { offlineSpfLookups } from "../../domain/mail/providers";
import { isSpfRecord, MAX_DNS_LOOKUPS, MAX_SPF_RECORD, parseSpf } from "../../domain/mail/spf";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import { DNS_RECORD } from "../../domain/resource-types";
import { returnPaths } from "../../stacks/email-config";
import { recordsAt } from "../declared/mail-records";

/**
 * MAIL-SPF: an SPF record (or the provider's return-path CNAME) wherever the stack's senders take
 * bounces; one SPF record per name, ending in -all or ~all, no ptr, under 512 bytes, and at most
 * 10 DNS lookups once includes are counted (offline: each provider's documented cost, 1 for an
 * include without one; live verification counts the real records).
 */
export const mailSpf: BarRule = {
  id: "MAIL-SPF",
  checkStack(resources, context) {
    const byName = new Map<string, { urn: string; content: string }[]>();
    for (const r of resources.filter((r) => r.type === DNS_RECORD && r.props.type === "TXT" && isSpfRecord(String(r.props.content ?? "")))) {
      const name = String(r.props.name);
      byName.set(name, [...(byName.get(name) ?? []), { urn: r.urn, content: String(r.props.content) }]);
    }
    const verdicts: Verdict[] = [];
    for (const path of context.config ? returnPaths(context.config.email) : []) {
      if (path.kind === "spf" && !byName.has(path.domain))
        verdicts.push(
          fail(`${path.domain} takes bounces for mail the stack sends but publishes no SPF record`, {
            configPath: "launch-ready:email.senders",
            subjects: [path.domain],
          }),
        );
      const cname = recordsAt(resources, path.domain, "CNAME")[0];
      if (path.kind === "cname" && String(cname?.props.content ?? "") !== path.target)
        verdicts.push(
          fail(`${path.domain} should be a CNAME to ${path.target}, whose SPF record covers the provider's bounces, but no such record is planned`, {
            configPath: "launch-ready:email.senders",
            subjects: [path.domain],
          }),
        );
    }
    for (const [name, records] of byName) {
      if (records.length > 1) {
        verdicts.push(
          fail(`${name} publishes ${records.length} SPF records; receivers treat that as a permanent error (RFC 7208 3.2): merge them into one`, {
            urn: records[1].urn,
            configPath: "launch-ready:email.senders",
            subjects: [name],
          }),
        );
        continue;
      }
      const [{ urn, content }] = records;
      const parsed = parseSpf(content);
      if (!parsed.ok) {
        verdicts.push(fail(`${name}: the SPF record ${parsed.problem}`, { urn, configPath: "launch-ready:email.senders", subjects: [name] }));
        continue;
      }
      const { record } = parsed;
      if (record.all === "+" || record.all === "?")
        verdicts.push(
          fail(`${name}: "${record.all}all" lets anyone send as the domain; end the record with -all or ~all`, {
            urn,
            configPath: "launch-ready:email.senders",
            subjects: [name],
          }),
        );
      else if (!record.all && !record.redirect)
        verdicts.push(
          fail(`${name}: the SPF record has no all mechanism, so unlisted senders are neutral; end it with -all or ~all`, {
            urn,
            configPath: "launch-ready:email.senders",
            subjects: [name],
          }),
        );
      if (record.terms.some((t) => t.name === "ptr"))
        verdicts.push(
          fail(`${name}: ptr is deprecated (RFC 7208 5.5); list addresses or includes instead`, {
            urn,
            configPath: "launch-ready:email.senders",
            subjects: [name],
          }),
        );
      if (content.length >= MAX_SPF_RECORD)
        verdicts.push(
          fail(`${name}: the SPF record is ${content.length} bytes; keep it under ${MAX_SPF_RECORD}`, {
            urn,
            configPath: "launch-ready:email.senders",
            subjects: [name],
          }),
        );
      const lookups = offlineSpfLookups(record.terms);
      if (lookups > MAX_DNS_LOOKUPS)
        verdicts.push(
          fail(`${name}: the SPF record needs ${lookups} DNS lookups; receivers stop at ${MAX_DNS_LOOKUPS} (RFC 7208 4.6.4)`, {
            urn,
            configPath: "launch-ready:email.senders",
            subjects: [name],
          }),
        );
    }
    if (byName.size === 0 && verdicts.length === 0) return [notApplicable("the stack publishes no SPF record and declares no sender")];
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
