import { fail, notApplicable, pass, type BarRule } from "../bar";
import {
  ACCESS_APPLICATION,
  ACCESS_POLICY,
  DNS_RECORD,
  RULESET,
  SECRETS_MANAGER_SECRET,
  SSM_PARAMETER,
  ZONE_DNSSEC,
  ZONE_SETTING,
} from "../../domain/resource-types";

/**
 * OPS-PROTECT: in production, a refactor or a typo in the stack file cannot delete a DNS record,
 * ruleset, zone setting, the zone's DNSSEC (deleting it turns signing off under the registrar's DS)
 * or stored secret: `pulumi up` refuses until protection is lifted on purpose.
 * Generated values and secret versions stay unprotected, so rotating a secret is one `--replace`.
 * (Names staying stable when the config is reordered is proven by the test suite.) Nor can
 * another stack of the same zone: no zone-wide object or record name is managed by two stacks.
 */
export const opsProtect: BarRule = {
  id: "OPS-PROTECT",
  resourceTypes: [DNS_RECORD, RULESET, ZONE_SETTING, ZONE_DNSSEC, ACCESS_APPLICATION, ACCESS_POLICY, SECRETS_MANAGER_SECRET, SSM_PARAMETER],
  checkResource(resource, context) {
    const environment = context.config?.environment;
    if (!environment) return notApplicable("the stack's environment is unknown (no stack file found for it)", resource.urn);
    if (environment !== "production") return notApplicable(`protection is a production bar; this is ${environment}`, resource.urn);
    return resource.protect
      ? pass(resource.urn)
      : fail(`${resource.name} is not protected, so a config change could delete it; remove launch-ready:protect: false`, {
          urn: resource.urn,
          configPath: "launch-ready:protect",
        });
  },
  checkStack(_resources, context) {
    // Two stacks managing one object undo each other at every pulumi up, and the last one's
    // delete removes it for both: the program refuses such files, and so does the pack.
    const problems = context.zone?.problems ?? [];
    if (problems.length === 0) return [notApplicable("no other stack shares an object with this one")];
    return problems.map((problem) => fail(`${problem.path} ${problem.message}`, { configPath: problem.path }));
  },
};
