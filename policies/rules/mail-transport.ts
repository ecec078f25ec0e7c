import {
  isMtaStsRecord,
  isTlsRptRecord,
  mtaStsHost,
  mtaStsId,
  MTA_STS_POLICY_PATH,
  mtaStsRecordName,
  parseMtaStsPolicy,
  parseMtaStsRecord,
  parseTlsRptRecord,
  tlsRptRecordName,
  uncoveredMx,
} from "../../domain/mail/mta-sts";
import { WORKERS_CUSTOM_DOMAIN } from "../../domain/resource-types";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import { servedDocument } from "../declared/edge-documents";
import { recordsAt, txtValues } from "../declared/mail-records";

const CONFIG_PATH = "launch-ready:email.mtaSts";

/**
 * MAIL-TRANSPORT: each domain that receives mail (the apex, with launch-ready:email.inbound)
 * publishes MTA-STS (RFC 8461) and TLS-RPT (RFC 8460). Declared: one `_mta-sts` TXT whose id is
 * the policy text's, the policy served by the kit's Worker on the `mta-sts.` custom domain,
 * parsing, naming every declared MX, in enforce mode in production (testing is allowed outside
 * production, or as the base of a dated ramp, as MAIL-DMARC's p=none), and one `_smtp._tls` TXT
 * with a report address. Every fix is a stack-file edit, the same on every zone plan.
 */
export const mailTransport: BarRule = {
  id: "MAIL-TRANSPORT",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's mail is unknown (no stack file found for it)")];
    const domain = config.zone.domain;
    const mx = recordsAt(resources, domain, "MX")
      .map((r) => String(r.props.content ?? ""))
      .filter((host) => host !== "" && host !== ".");
    if (mx.length === 0) return [notApplicable(`nobody receives mail at ${domain} (no MX), so there is no transport to protect`)];
    const at = (subject: string, configPath = CONFIG_PATH) => ({ configPath, subjects: [subject] });
    const stsName = mtaStsRecordName(domain);
    const verdicts: Verdict[] = [];

    const stsRecords = txtValues(resources, stsName).filter(isMtaStsRecord);
    const url = `https://${mtaStsHost(domain)}${MTA_STS_POLICY_PATH}`;
    const served = servedDocument(resources, `${mtaStsHost(domain)}${MTA_STS_POLICY_PATH}`);
    if (stsRecords.length === 0 || !served) {
      return [
        fail(
          `${domain} receives mail but publishes no MTA-STS ${stsRecords.length === 0 ? `record (${stsName})` : `policy (${url})`}, so a sender's STARTTLS can be stripped without anyone noticing; add ${CONFIG_PATH} with reports: [an address], mode testing and a ramp step to enforce`,
          at(stsName),
        ),
      ];
    }
    if (stsRecords.length > 1)
      verdicts.push(
        fail(`${stsName} has ${stsRecords.length} STS records; senders use none when there is more than one (RFC 8461 3.1): keep one`, at(stsName)),
      );
    const record = parseMtaStsRecord(stsRecords[0]);
    const parsed = parseMtaStsPolicy(served.body);
    if ("error" in record) verdicts.push(fail(`${stsName}: ${record.error}`, at(stsName)));
    else if (record.id !== mtaStsId(served.body))
      verdicts.push(
        fail(
          `${stsName} has id=${record.id}, not the policy's (${mtaStsId(served.body)}): senders keep a cached policy until the id changes (RFC 8461 3.1); let the kit write both`,
          at(stsName),
        ),
      );
    const custom = resources.some((r) => r.type === WORKERS_CUSTOM_DOMAIN && r.props.hostname === mtaStsHost(domain));
    if (!custom)
      verdicts.push(fail(`${url} is in the Worker but no custom domain answers at ${mtaStsHost(domain)}; let the kit declare it (${CONFIG_PATH})`, at(url)));
    if (!parsed.policy) verdicts.push(...parsed.errors.map((error) => fail(`${url}: ${error}`, at(url))));
    else {
      const uncovered = uncoveredMx(parsed.policy, mx);
      if (uncovered.length > 0)
        verdicts.push(
          fail(
            `${url} names no mx pattern for ${uncovered.join(", ")}; senders in enforce mode would refuse to deliver there: list every MX in launch-ready:email.inbound`,
            at(url, "launch-ready:email.inbound"),
          ),
        );
      if (parsed.policy.mode !== "enforce")
        verdicts.push(
          fail(
            `${url} is in mode ${parsed.policy.mode}, which only reports: a downgraded connection still gets the mail; production enforces (use ${CONFIG_PATH}.ramp to get there on dates)`,
            {
              ...at(url, `${CONFIG_PATH}.mode`),
              relaxedOutsideProduction: true,
            },
          ),
        );
    }

    const rptName = tlsRptRecordName(domain);
    const rptRecords = txtValues(resources, rptName).filter(isTlsRptRecord);
    if (rptRecords.length !== 1)
      verdicts.push(
        fail(
          rptRecords.length === 0
            ? `${domain} publishes no TLS-RPT record (${rptName}), so nobody hears when senders fail to reach the MX over TLS; add ${CONFIG_PATH}.reports`
            : `${rptName} has ${rptRecords.length} TLS-RPT records; senders use none when there is more than one (RFC 8460 3): keep one`,
          at(rptName, `${CONFIG_PATH}.reports`),
        ),
      );
    else {
      const rpt = parseTlsRptRecord(rptRecords[0]);
      if ("error" in rpt) verdicts.push(fail(`${rptName}: ${rpt.error}`, at(rptName, `${CONFIG_PATH}.reports`)));
    }
    return verdicts.length > 0 ? verdicts : [pass(served.worker.urn)];
  },
};
