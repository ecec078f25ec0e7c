import { ZONE_DNSSEC } from "../../domain/resource-types";
import { fail, notApplicable, NOT_KNOWN_YET, pass, type BarContext, type BarRule, type DeclaredResource, type Verdict } from "../bar";

const CONFIG_PATH = "launch-ready:zone.dnssec";
const REGISTRAR_STEP = "then add the DS record the handover shows at the registrar (Cloudflare Registrar adds it itself)";

/** The zone's one DNSSEC resource, whether this stack's or, for a stack in another's zone, the owner's. */
function judgeDnssec(resource: DeclaredResource, context: BarContext): Verdict {
  const status = resource.props.status;
  if (status === undefined) return notApplicable(`DNSSEC status: ${NOT_KNOWN_YET}`, resource.urn);
  const owner = context.config?.zone.owner;
  if (status !== "active")
    return fail(
      `the zone's DNSSEC is declared with status "${String(status)}", so Cloudflare does not sign it; declare it active (${CONFIG_PATH}: true, no transform changing status), ${REGISTRAR_STEP}`,
      {
        urn: resource.urn,
        configPath: CONFIG_PATH,
        relaxedOutsideProduction: true,
      },
    );
  return owner === undefined ? pass(resource.urn) : pass(resource.urn, `signed by the zone's owner, stack ${owner}`);
}

/**
 * DNS-DNSSEC: the zone is signed, so a validating resolver can tell Cloudflare's answers from
 * forged ones once the parent publishes the zone's DS. Zone-wide: the stack that owns the zone
 * declares it, and a stack in another stack's zone is judged with the owner's declaration. Off
 * is advisory outside production, where a throwaway zone may stay unsigned.
 */
export const dnsDnssec: BarRule = {
  id: "DNS-DNSSEC",
  checkStack(resources, context) {
    const declared = resources.filter((r) => r.type === ZONE_DNSSEC);
    if (declared.length > 0) return declared.map((resource) => judgeDnssec(resource, context));
    const owner = context.config?.zone.owner;
    if (owner === undefined)
      return [
        fail(`the zone is not signed: no DNSSEC is declared; write ${CONFIG_PATH}: true (or leave it out, true is the default), ${REGISTRAR_STEP}`, {
          configPath: CONFIG_PATH,
          relaxedOutsideProduction: true,
        }),
      ];
    const group = context.zone?.group;
    if (!group) return [notApplicable(`stack ${owner} owns this zone and decides its DNSSEC, and its stack file could not be read with this one`)];
    const where = group.owner.path ? ` (${group.owner.path})` : "";
    return [
      fail(
        `the zone is not signed: stack ${owner} owns it (zone.owner) and declares no DNSSEC; write ${CONFIG_PATH}: true in stack ${owner}'s file${where}, ${REGISTRAR_STEP}`,
        { relaxedOutsideProduction: true, subjects: [CONFIG_PATH] },
      ),
    ];
  },
};
