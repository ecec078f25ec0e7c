import { parseDmarc } from "../../domain/mail/dmarc";
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
    for (const name of config.email.parked) {
      if (!txtValues(resources, name).some((txt) => /^v=spf1\s+-all$/i.test(txt.trim())))
        verdicts.push(fail(`${name} sends no mail but has no "v=spf1 -all"`, { configPath: "launch-ready:email.parked", subjects: [name] }));
      const dmarc = txtValues(resources, `_dmarc.${name}`).map(parseDmarc)[0] ?? txtValues(resources, `_dmarc.${config.zone.domain}`).map(parseDmarc)[0];
      const policy = name === config.zone.domain || !dmarc?.record?.sp ? dmarc?.record?.p : dmarc.record.sp;
      if (policy !== "reject")
        verdicts.push(
          fail(`${name} sends no mail but its DMARC policy is ${policy ?? "missing"}; it should be p=reject`, {
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
