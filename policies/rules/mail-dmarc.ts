import { enforcementGap, isDmarcRecord, parseDmarc } from "../../domain/mail/dmarc";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import { recordsAt } from "../declared/mail-records";

/**
 * MAIL-DMARC: one valid `_dmarc` record with a report address, enforcing quarantine or reject on
 * all failing mail in production; watching (p=none, t=y, pct under 100) is allowed outside
 * production (reported as advisory there). The bar asks for valid syntax, so a part receivers
 * would discard fails too; what is merely worth changing (an unknown tag) is said beside the pass.
 */
export const mailDmarc: BarRule = {
  id: "MAIL-DMARC",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's zone is unknown (no stack file found for it)")];
    const name = `_dmarc.${config.zone.domain}`;
    // RFC 7489 6.6.3: TXT records that are not DMARC (a verification token) are set aside before counting.
    const records = recordsAt(resources, name, "TXT").filter((r) => isDmarcRecord(String(r.props.content ?? "")));
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
        fail(`${name} has ${records.length} DMARC records; receivers apply none when there is more than one (RFC 7489 6.6.3): delete all but one`, {
          urn: records[1].urn,
          configPath: "launch-ready:email.dmarc",
          subjects: [name],
        }),
      ];
    const [record] = records;
    const parsed = parseDmarc(String(record.props.content ?? ""));
    const at = { urn: record.urn, configPath: "launch-ready:email.dmarc", subjects: [name] };
    const verdicts: Verdict[] = [
      ...parsed.errors.map((error) => fail(`${name}: ${error}`, at)),
      ...parsed.discarded.map(({ problem }) => fail(`${name}: ${problem}`, at)),
    ];
    if (parsed.record) {
      if (parsed.record.rua.length === 0)
        verdicts.push(fail(`${name} has no rua= report address; add launch-ready:email.dmarc.rua`, { ...at, configPath: "launch-ready:email.dmarc.rua" }));
      const gap = enforcementGap(parsed.record);
      if (gap) {
        verdicts.push(
          fail(`${name}: ${gap}; production quarantines or rejects all failing mail (use email.dmarc.ramp to get there on dates)`, {
            ...at,
            configPath: "launch-ready:email.dmarc.policy",
            relaxedOutsideProduction: true,
          }),
        );
      }
    }
    if (verdicts.length > 0) return verdicts;
    return [parsed.warnings.length > 0 ? pass(record.urn, `${name}: ${parsed.warnings.join("; ")}`) : pass(record.urn)];
  },
};
