import { includeLookupCost } from "../../domain/mail/providers";
import { canonicalName, isSpfRecord, judgeSpfPolicy, MAX_SPF_RECORD, parseSpf, SPF_MECHANISMS, type SpfDns } from "../../domain/mail/spf";
import { fail, notApplicable, pass, type BarRule, type DeclaredResource, type Verdict } from "../bar";
import { DNS_RECORD } from "../../domain/resource-types";
import { returnPaths } from "../../stacks/email-config";
import { recordsAt } from "../declared/mail-records";

/**
 * MAIL-SPF: an SPF record (or the provider's return-path CNAME) wherever the stack's senders take
 * bounces; one SPF record per name, ending in -all or ~all, no ptr, under 512 bytes, and judged
 * by check_host() as receivers judge mail from an address no sender owns: rejected, within 10
 * DNS lookups and 2 void ones, at any depth of includes (offline: the stack's own records are
 * read, each provider's include costs what it documents, 1 without a documented cost; live
 * verification reads the real records).
 */
export const mailSpf: BarRule = {
  id: "MAIL-SPF",
  async checkStackAsync(resources, context) {
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
    const dns = declaredDns(resources);
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
      const misspelt = record.terms.find((t) => t.kind === "modifier" && (SPF_MECHANISMS as readonly string[]).includes(t.name));
      if (misspelt)
        verdicts.push(
          fail(
            `${name}: "${misspelt.name}=${misspelt.value}" is read as an unknown modifier and ignored (RFC 7208 6); write ${misspelt.name}:${misspelt.value}`,
            {
              urn,
              configPath: "launch-ready:email.senders",
              subjects: [name],
            },
          ),
        );
      if (record.terms.some((t) => t.kind === "mechanism" && t.name === "ptr"))
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
      // The stricter checks above already say what is wrong with the record's own ending.
      const endingFailed = record.all === "+" || record.all === "?" || (!record.all && !record.redirect);
      const policy = await judgeSpfPolicy(name, dns, { opaqueCost: (domain) => (dns.declares(domain) ? undefined : includeLookupCost(domain)) });
      for (const problem of policy.problems.filter((p) => !endingFailed || (p.kind !== "permissive" && p.kind !== "neutral")))
        verdicts.push(fail(`${name}: the SPF record ${problem.text}`, { urn, configPath: "launch-ready:email.senders", subjects: [name] }));
    }
    if (byName.size === 0 && verdicts.length === 0) return [notApplicable("the stack publishes no SPF record and declares no sender")];
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};

/**
 * The declared records as DNS, for check_host() before anything is published: a name the stack
 * declares answers with its records, so a missing one is a void lookup. Any other name is
 * someone else's, judged without reading it (opaqueCost): it matches nothing and is not void.
 */
function declaredDns(resources: readonly DeclaredResource[]): SpfDns & { declares(name: string): boolean } {
  const records = resources.filter((r) => r.type === DNS_RECORD);
  const declared = new Set(records.map((r) => canonicalName(String(r.props.name))));
  return {
    declares: (name) => declared.has(canonicalName(name)),
    async query(name, type) {
      const key = canonicalName(name);
      return records.filter((r) => canonicalName(String(r.props.name)) === key && r.props.type === type).map((r) => String(r.props.content ?? ""));
    },
  };
}
