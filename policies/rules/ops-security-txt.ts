import { expiryStanding, parseSecurityTxt, SECURITY_TXT_MAX_DAYS, SECURITY_TXT_PATH } from "../../domain/security-txt";
import { WORKERS_ROUTE } from "../../domain/resource-types";
import { declaredHost, fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import { servedDocument } from "../declared/edge-documents";

const CONFIG_PATH = "launch-ready:handover.securityTxt";

/**
 * OPS-SECURITY-TXT: the kit's Worker serves security.txt (RFC 9116) on the canonical host, on a
 * route (so the host must be proxied: Workers routes run only on orange-clouded records), with a
 * Contact (the handover's contacts) and one Expires not yet past. An Expires within 30 days or
 * more than a year ahead (RFC 9116 2.5.5 recommends less) is said beside the pass.
 */
export const opsSecurityTxt: BarRule = {
  id: "OPS-SECURITY-TXT",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's canonical host is unknown (no stack file found for it)")];
    const host = config.canonical.fqdn;
    const url = `https://${host}${SECURITY_TXT_PATH}`;
    const at = (configPath = CONFIG_PATH) => ({ configPath, subjects: [url] });
    const served = servedDocument(resources, `${host}${SECURITY_TXT_PATH}`);
    if (!served)
      return [
        fail(
          `${url} serves no security.txt, so a researcher who finds a flaw has nobody to tell; add ${CONFIG_PATH} with expires: a date less than a year ahead (Contact comes from launch-ready:handover.contacts)`,
          at(),
        ),
      ];
    const verdicts: Verdict[] = [];
    if (!resources.some((r) => r.type === WORKERS_ROUTE && r.props.pattern === `${host}${SECURITY_TXT_PATH}`))
      verdicts.push(fail(`${url} is in the Worker but no route sends ${host}${SECURITY_TXT_PATH} to it; let the kit declare it (${CONFIG_PATH})`, at()));
    if (declaredHost(config, host)?.proxied === false)
      verdicts.push(
        fail(
          `${host} is DNS-only, and a Workers route runs only on a proxied host: security.txt would never be served; proxy the canonical host`,
          at("launch-ready:hosts"),
        ),
      );
    const parsed = parseSecurityTxt(served.body);
    if (!parsed.file)
      return [
        ...verdicts,
        ...parsed.errors.map((error) => fail(`${url} ${error}`, at(error.includes("Contact") ? "launch-ready:handover.contacts" : CONFIG_PATH))),
      ];
    const now = context.today ? new Date(`${context.today}T00:00:00Z`) : new Date();
    const expiry = expiryStanding(parsed.file.expires, now);
    if (expiry.state === "expired")
      verdicts.push(
        fail(
          `${url} expired on ${parsed.file.expires}, and researchers must then ignore it (RFC 9116 2.5.5); set ${CONFIG_PATH}.expires to a date less than a year ahead`,
          at(`${CONFIG_PATH}.expires`),
        ),
      );
    if (verdicts.length > 0) return verdicts;
    const note =
      expiry.state === "near"
        ? `${url} expires in ${expiry.days} days (${parsed.file.expires}): set ${CONFIG_PATH}.expires to a new date and run pulumi up`
        : expiry.state === "far"
          ? `${url} expires in ${expiry.days} days; RFC 9116 2.5.5 recommends less than ${SECURITY_TXT_MAX_DAYS}`
          : undefined;
    return [pass(served.worker.urn, note)];
  },
};
