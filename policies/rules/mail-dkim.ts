import { parseDkimKey } from "../../domain/mail/dkim";
import { fail, notApplicable, pass, type BarRule, type DeclaredResource, type Verdict } from "../bar";
import { EASY_DKIM_TOKENS, sesDkimRecordName } from "../../components/ses-sender";
import { DNS_RECORD } from "../../domain/resource-types";
import { recordsAt } from "../declared/mail-records";
import type { DeclaredRecord } from "../../stacks/stack-config";

/**
 * MAIL-DKIM: every declared sender publishes a DKIM record, and every DKIM key the stack publishes
 * is one receivers accept, whoever declared it: a verifier fetches whichever selector a signature
 * names, so a broken key at any selector fails the mail signed with it.
 */
export const mailDkim: BarRule = {
  id: "MAIL-DKIM",
  checkStack(resources, context) {
    const sending = context.config?.email.sending ?? [];
    const keys = resources.filter(
      (r) => r.type === DNS_RECORD && r.props.type === "TXT" && isSelectorName(String(r.props.name ?? "")) && r.props.content !== undefined,
    );
    if (sending.length === 0 && keys.length === 0) return [notApplicable("the stack declares no sender")];
    const verdicts: Verdict[] = [];
    /** Where each declared key comes from in the stack file. */
    const declaredAt = new Map<string, string>();
    for (const name of sending) {
      for (const sender of name.senders) {
        const at = `launch-ready:email.senders[${sender.index}].dkim`;
        if (sender.ses && sender.dkim.length === 0) {
          // Easy DKIM: SES issues the keys, the kit publishes its three CNAMEs.
          const published = Array.from({ length: EASY_DKIM_TOKENS }, (_, i) => sesDkimRecordName(name.domain, i + 1)).filter((logical) =>
            resources.some((r) => r.type === DNS_RECORD && r.name === logical),
          );
          if (published.length < EASY_DKIM_TOKENS)
            verdicts.push(
              fail(`${name.domain} sends with Amazon SES but ${EASY_DKIM_TOKENS - published.length} of its Easy DKIM records are missing`, {
                configPath: at,
                subjects: [name.domain],
              }),
            );
          continue;
        }
        if (sender.dkim.length === 0) {
          verdicts.push(
            fail(
              `the ${sender.provider} sender of ${name.domain} has no DKIM record; copy the selector and key (or CNAME target) from the provider's console`,
              { configPath: at, subjects: [name.domain] },
            ),
          );
          continue;
        }
        for (const key of sender.dkim) {
          const host = `${key.selector}._domainkey.${name.domain}`;
          declaredAt.set(host, at);
          if (recordsAt(resources, host, key.type).length === 0)
            verdicts.push(fail(`${host} is declared but no ${key.type} record is planned for it`, { configPath: at, subjects: [host] }));
        }
      }
    }
    for (const record of keys) verdicts.push(...judgeKey(record, declaredAt, context.config?.records ?? []));
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};

function judgeKey(record: DeclaredResource, declaredAt: ReadonlyMap<string, string>, records: readonly DeclaredRecord[]): Verdict[] {
  const host = String(record.props.name);
  const parsed = parseDkimKey(String(record.props.content));
  if (parsed.errors.length === 0) return [];
  const extra = records.find((r) => r.name === host && r.type === "TXT");
  const configPath = declaredAt.get(host) ?? (extra ? `launch-ready:records[${extra.index}].content` : undefined);
  return [fail(`${host}: ${parsed.errors.join("; ")}`, { urn: record.urn, ...(configPath ? { configPath } : {}), subjects: [host] })];
}

/** A key record's name: `<selector>._domainkey.<domain>`, not ADSP's `_adsp._domainkey` policy (RFC 5617, historic). */
const isSelectorName = (name: string) => {
  const lower = name.toLowerCase();
  return lower.includes("._domainkey.") && !lower.startsWith("_adsp._domainkey.");
};
