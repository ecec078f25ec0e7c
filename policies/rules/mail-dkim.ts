import { parseDkimKey } from "../../domain/mail/dkim";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import { EASY_DKIM_TOKENS, sesDkimRecordName } from "../../components/ses-sender";
import { DNS_RECORD } from "../../domain/resource-types";
import { recordsAt } from "../declared/mail-records";

/** MAIL-DKIM: every declared sender publishes a DKIM record, and every DKIM key is one receivers accept. */
export const mailDkim: BarRule = {
  id: "MAIL-DKIM",
  checkStack(resources, context) {
    const sending = context.config?.email.sending ?? [];
    if (sending.length === 0) return [notApplicable("the stack declares no sender")];
    const verdicts: Verdict[] = [];
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
          const [record] = recordsAt(resources, host, key.type);
          if (!record) {
            verdicts.push(fail(`${host} is declared but no ${key.type} record is planned for it`, { configPath: at, subjects: [host] }));
          } else if (key.type === "TXT") {
            const parsed = parseDkimKey(String(record.props.content ?? ""));
            if (parsed.errors.length > 0) verdicts.push(fail(`${host}: ${parsed.errors.join("; ")}`, { urn: record.urn, configPath: at, subjects: [host] }));
          }
        }
      }
    }
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
