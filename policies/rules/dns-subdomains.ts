import { mailNames } from "../../components/mail-auth/mail-records";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import { DNS_RECORD } from "../../domain/resource-types";

/** DNS-SUBDOMAINS: every record comes from a declared host (or its platform's ownership TXT), the mail config or launch-ready:records; a wildcard answers for names nobody chose. */
export const dnsSubdomains: BarRule = {
  id: "DNS-SUBDOMAINS",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's declared hosts are unknown (no stack file found for it)")];
    const declared = new Map(config.hosts.map((host) => [host.fqdn, host]));
    // Mail names (sending subdomains, DKIM selectors, _dmarc, parked names) are declared in launch-ready:email.
    const mail = mailNames(config);
    const records = new Map(config.records.map((record) => [record.name, record]));
    // A hosting platform's ownership TXT is declared with its host (launch-ready:hosts[i].verification).
    const verification = new Set(config.hosts.flatMap((h) => (h.verification ? [h.verification.name] : [])));
    return resources
      .filter((r) => r.type === DNS_RECORD && r.props.name !== undefined)
      .map((record): Verdict => {
        const name = String(record.props.name);
        const host = declared.get(name);
        if (!host && (mail.has(name) || verification.has(name))) return pass(record.urn);
        const extra = records.get(name);
        if (!host && extra) {
          return name.startsWith("*.")
            ? fail(`${name} is a wildcard: every name under it resolves, including ones nobody meant to publish; declare each name on its own`, {
                urn: record.urn,
                configPath: `launch-ready:records[${extra.index}].name`,
              })
            : pass(record.urn);
        }
        if (!host)
          return fail(`${name} has a record but is not a declared host; declare it in launch-ready:hosts with its purpose, or remove the record`, {
            urn: record.urn,
            configPath: "launch-ready:hosts",
          });
        if (name.startsWith("*.")) {
          return fail(`${name} is a wildcard: every name under it resolves, including ones nobody meant to publish; declare each subdomain on its own`, {
            urn: record.urn,
            configPath: `launch-ready:hosts[${host.index}].name`,
          });
        }
        return pass(record.urn);
      });
  },
};
