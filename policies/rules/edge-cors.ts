import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";

/**
 * EDGE-CORS: each API host lists the origins it answers, so the app can enforce them and live
 * verification can prove a foreign origin gets no Access-Control-Allow-Origin.
 */
export const edgeCors: BarRule = {
  id: "EDGE-CORS",
  checkStack(_resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's API hosts are unknown (no stack file found for it)")];
    const apis = config.hosts.filter((h) => h.purpose === "api");
    if (apis.length === 0) return [notApplicable("the stack declares no API host")];
    const verdicts: Verdict[] = apis
      .filter((api) => !config.edge.cors.some((entry) => entry.host === api.fqdn))
      .map((api) =>
        fail(`${api.fqdn} lists no allowed origins; add { host: ${api.name}, origins: [https://app.${config.zone.domain}] } to launch-ready:edge.cors`, {
          configPath: "launch-ready:edge.cors",
          subjects: [api.fqdn, `launch-ready:hosts[${api.index}]`],
        }),
      );
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
