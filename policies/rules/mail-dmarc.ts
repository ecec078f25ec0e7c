import { parseDmarc } from "../../domain/mail/dmarc";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import { recordsAt } from "../declared/mail-records";

/**
 * MAIL-DMARC: one valid `_dmarc` record with a report address, quarantining or rejecting in
 * production; p=none is allowed outside production (reported as advisory there).
 */
export const mailDmarc: BarRule = {
  id: "MAIL-DMARC",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's zone is unknown (no stack file found for it)")];
    const name = `_dmarc.${config.zone.domain}`;
    const records = recordsAt(resources, name, "TXT");
    if (records.length === 0) {
      return [
        fail(
          `${config.zone.domain} publishes no DMARC record, so receivers get no policy and nobody gets reports; add launch-ready:email.dmarc with a rua address`,
          { configPath: "launch-ready:email.dmarc", subjects: [name] },
        ),
      ];
    }
    if (records.length > 1)
      return [
        fail(`${name} has ${records.length} records; receivers ignore DMARC when there is more than one`, {
          urn: records[1].urn,
          configPath: "launch-ready:email.dmarc",
          subjects: [name],
        }),
      ];
    const [record] = records;
    const parsed = parseDmarc(String(record.props.content ?? ""));
    const verdicts: Verdict[] = parsed.errors.map((error) =>
      fail(`${name}: ${error}`, { urn: record.urn, configPath: "launch-ready:email.dmarc", subjects: [name] }),
    );
    if (parsed.record) {
      if (parsed.record.rua.length === 0)
        verdicts.push(
          fail(`${name} has no rua= report address; add launch-ready:email.dmarc.rua`, {
            urn: record.urn,
            configPath: "launch-ready:email.dmarc.rua",
            subjects: [name],
          }),
        );
      if (parsed.record.p === "none") {
        verdicts.push(
          fail(`${name} has p=none, which only watches; production quarantines or rejects (use email.dmarc.ramp to get there on dates)`, {
            urn: record.urn,
            configPath: "launch-ready:email.dmarc.policy",
            relaxedOutsideProduction: true,
            subjects: [name],
          }),
        );
      }
    }
    return verdicts.length > 0 ? verdicts : [pass(record.urn)];
  },
};
