import { appliedPolicy, type DmarcRecord, enforcementGap, isDmarcRecord, parseDmarc } from "../../domain/mail/dmarc";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import { recordsAt, txtValues } from "../declared/mail-records";

/** MAIL-PARKED: a name that sends no mail says so: v=spf1 -all, DMARC p=reject, and a null MX (RFC 7505). */
export const mailParked: BarRule = {
  id: "MAIL-PARKED",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's mail config is unknown (no stack file found for it)")];
    if (config.email.parked.length === 0) return [notApplicable("every name in the stack sends or receives mail")];
    const verdicts: Verdict[] = [];
    // Two DMARC records at a name are as none (RFC 7489 6.6.3): receivers then look no further.
    const dmarcAt = (domain: string): { record?: DmarcRecord; errors: string[] } | undefined => {
      const records = txtValues(resources, `_dmarc.${domain}`).filter(isDmarcRecord);
      return records.length === 1
        ? parseDmarc(records[0])
        : records.length > 1
          ? { errors: [`_dmarc.${domain} has ${records.length} DMARC records`] }
          : undefined;
    };
    for (const name of config.email.parked) {
      if (!txtValues(resources, name).some((txt) => /^v=spf1\s+-all$/i.test(txt.trim())))
        verdicts.push(fail(`${name} sends no mail but has no "v=spf1 -all"`, { configPath: "launch-ready:email.parked", subjects: [name] }));
      // A name's own record speaks for it with p, even when unusable (RFC 7489 6.6.3); without one, the zone's does, with sp for a subdomain.
      const own = dmarcAt(name);
      const dmarc = own ?? dmarcAt(config.zone.domain);
      const record = dmarc?.record;
      const scope = own || name === config.zone.domain ? "domain" : "subdomain";
      const policy = record && appliedPolicy(record, scope);
      const gap = record && enforcementGap(record, scope);
      const why = gap ?? (dmarc && !record ? `its DMARC record is ignored: ${dmarc.errors.join("; ")}` : `its DMARC policy is ${policy ?? "missing"}`);
      if (policy !== "reject" || gap)
        verdicts.push(
          fail(`${name} sends no mail but ${why}; it should be p=reject`, {
            configPath: "launch-ready:email.parked",
            subjects: [name],
          }),
        );
      if (!recordsAt(resources, name, "MX").some((mx) => mx.props.content === "." && mx.props.priority === 0))
        verdicts.push(fail(`${name} has no null MX (0 .), so senders keep retrying mail to it`, { configPath: "launch-ready:email.parked", subjects: [name] }));
    }
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
