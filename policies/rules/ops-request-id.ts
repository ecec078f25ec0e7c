import { CONVENTIONAL_REQUEST_ID_HEADER } from "../../domain/request-ids";
import { APP_PURPOSES } from "../../stacks/schema/site";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";

/**
 * OPS-REQUEST-ID: every request to the app carries an ID from the edge to the origin and back,
 * and the handover says where the logs that hold it are read. On a proxied host Cloudflare adds
 * its Ray ID (CF-Ray) both ways, so the kit declares nothing more there: a transform rule copying
 * it into X-Request-ID would only give one ID two names. A DNS-only host never meets Cloudflare, so
 * there the app's own header must be named (handover.logs.requestIdHeader).
 */
export const opsRequestId: BarRule = {
  id: "OPS-REQUEST-ID",
  checkStack(_resources, { config }) {
    if (!config) return [notApplicable("no stack config to read hosts and the handover from")];
    const appHosts = config.hosts.filter((host) => APP_PURPOSES.has(host.purpose) && !host.fqdn.startsWith("*."));
    if (appHosts.length === 0) return [notApplicable("no web, api or admin host: no request of the app's to trace")];
    const verdicts: Verdict[] = [];
    const logs = config.handover.logs;
    if (!logs)
      verdicts.push(
        fail(
          "does not say where the app's request logs are read, so a CF-Ray or request ID from a failing answer leads nowhere; add launch-ready:handover.logs: { where: <the hosting provider's log view> }",
          { configPath: "launch-ready:handover.logs" },
        ),
      );
    const untraced = appHosts.filter((host) => !host.proxied);
    if (untraced.length > 0 && !logs?.requestIdHeader)
      verdicts.push(
        fail(
          `${untraced.map((host) => host.fqdn).join(", ")} ${untraced.length === 1 ? "is" : "are"} DNS-only, so Cloudflare adds no CF-Ray there; have the app set its own request ID on every answer and in each log line, and name it at launch-ready:handover.logs.requestIdHeader (e.g. ${CONVENTIONAL_REQUEST_ID_HEADER}), or proxy the host`,
          { configPath: "launch-ready:handover.logs.requestIdHeader", subjects: untraced.map((host) => host.fqdn) },
        ),
      );
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
