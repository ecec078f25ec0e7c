import { unownedAccess } from "../../stacks/access";
import { today } from "../../domain/bar/weighing";
import { isPlaceholder } from "../../domain/placeholders";
import type { LaunchReadyConfig } from "../../stacks/stack-config";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";

/** Days before a registration ends without auto-renew that the handover must already be acting on it. */
export const RENEWAL_WARNING_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The facts of a stack only a person can supply (who, which address, where the site is served), by config path. */
function factsOnlyAPersonKnows(config: LaunchReadyConfig): Array<{ path: string; value: string }> {
  const { handover } = config;
  const facts: Array<{ path: string; value: string | undefined }> = [
    ...handover.contacts.flatMap((contact, index) =>
      (["role", "name", "email", "phone"] as const).map((key) => ({ path: `launch-ready:handover.contacts[${index}].${key}`, value: contact[key] })),
    ),
    ...(["name", "account", "owner"] as const).map((key) => ({ path: `launch-ready:handover.registrar.${key}`, value: handover.registrar?.[key] })),
    ...handover.access.flatMap((entry, index) =>
      (["name", "account", "owner"] as const).map((key) => ({ path: `launch-ready:handover.access[${index}].${key}`, value: entry[key] })),
    ),
    { path: "launch-ready:handover.logs.where", value: handover.logs?.where },
    ...config.monitoring.emails.map((email, index) => ({ path: `launch-ready:monitoring.alerts.emails[${index}]`, value: email })),
    ...(config.email.dmarc?.rua ?? []).map((email, index) => ({ path: `launch-ready:email.dmarc.rua[${index}]`, value: email })),
    ...(config.email.dmarc?.ruf ?? []).map((email, index) => ({ path: `launch-ready:email.dmarc.ruf[${index}]`, value: email })),
    ...config.hosts.flatMap((host) => host.records.map((record) => ({ path: `launch-ready:hosts[${host.index}].target`, value: record.content }))),
    ...config.waivers.map((waiver, index) => ({ path: `launch-ready:waivers[${index}].owner`, value: waiver.owner })),
  ];
  return facts.filter((fact): fact is { path: string; value: string } => fact.value !== undefined);
}

/**
 * OPS-HANDOVER: the founder's team can operate the stack without its author: someone to call,
 * the registrar and its renewal date, an owner for every account the stack depends on, the env
 * manifest and monitors, with no fact about people or places still a placeholder (`isPlaceholder`).
 * Rollback steps and waivers come from the kit and the stack file.
 */
export const opsHandover: BarRule = {
  id: "OPS-HANDOVER",
  checkStack(_resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's handover config is unknown (no stack file found for it)")];
    const { handover } = config;
    const verdicts: Verdict[] = [];
    for (const fact of factsOnlyAPersonKnows(config)) {
      if (isPlaceholder(fact.value))
        verdicts.push(fail(`${fact.path} is still the placeholder "${fact.value}"; write the real one (only a person knows it)`, { configPath: fact.path }));
    }
    if (handover.contacts.length === 0) {
      verdicts.push(
        fail("the handover names nobody to call; add launch-ready:handover.contacts with a role, name and email", {
          configPath: "launch-ready:handover.contacts",
        }),
      );
    }
    const registrar = handover.registrar;
    if (!registrar) {
      // A stack in another stack's zone registers no domain: the owner's handover names the registrar.
      if (!config.zone.owner) {
        verdicts.push(
          fail(`nobody knows where ${config.zone.domain} is registered or when it renews; add launch-ready:handover.registrar with name, owner and renews`, {
            configPath: "launch-ready:handover.registrar",
          }),
        );
      }
    } else {
      const daysLeft = Math.round((Date.parse(registrar.renews) - Date.parse(context.today ?? today())) / DAY_MS);
      if (daysLeft < 0) {
        verdicts.push(
          fail(
            `the registration of ${config.zone.domain} was due for renewal on ${registrar.renews}; renew it at ${registrar.name} and write the new date in launch-ready:handover.registrar.renews`,
            { configPath: "launch-ready:handover.registrar.renews" },
          ),
        );
      } else if (daysLeft <= RENEWAL_WARNING_DAYS && !registrar.autoRenew) {
        verdicts.push(
          fail(
            `${config.zone.domain} must be renewed by ${registrar.renews} (${daysLeft} days) and auto-renew is off; renew it now, or turn auto-renew on at ${registrar.name} and set autoRenew: true`,
            { configPath: "launch-ready:handover.registrar" },
          ),
        );
      }
    }
    for (const need of unownedAccess(config)) {
      verdicts.push(
        fail(
          `nobody is named as owner of the ${need.system} account (${need.why}); add { system: ${need.system}, name, owner } to launch-ready:handover.access`,
          { configPath: "launch-ready:handover.access" },
        ),
      );
    }
    if (config.env.length === 0) {
      verdicts.push(fail("the handover lists no environment variables; declare what the app reads in launch-ready:env", { configPath: "launch-ready:env" }));
    }
    if (!config.monitoring.enabled || config.monitoring.monitors.length === 0) {
      verdicts.push(
        fail("the handover lists no monitors, so nobody would know what is watched; enable launch-ready:monitoring", { configPath: "launch-ready:monitoring" }),
      );
    }
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
