/**
 * The zone's CAA set (TLS-CAA), as plain data: which CAs may issue certificates for the zone's
 * names and where they report refusals. Written at the apex, where CAs find it for every name
 * below it that has no CAA set of its own (RFC 8659 3). No Pulumi here: DnsRecords creates these
 * with the zone's other records, and the handover lists them.
 */
import { CLOUDFLARE_EDGE_CAS } from "../domain/cloudflare/certificate-authorities";
import type { CaaProperty } from "../domain/caa";
import { recordDataText } from "../stacks/records-config";
import { DEFAULT_DNS_ONLY_TTL, type LaunchReadyConfig } from "../stacks/stack-config";
import type { TlsSettings } from "../stacks/schema/site";
import { caaRecordLabel, recordComment, type RecordSpec } from "./site-records";

/**
 * Cloudflare's edge CAs for issue and issuewild (its Universal certificate covers `*.<zone>`, and
 * Cloudflare adds exactly these when a zone has CAA records), each declared CA for issue (they
 * certify single names), and the iodef.
 */
export function zoneCaaProperties(caa: NonNullable<TlsSettings["caa"]>): CaaProperty[] {
  const issuers = [...new Set([...CLOUDFLARE_EDGE_CAS, ...caa.authorities])];
  return [
    ...issuers.map((value) => ({ flags: 0, tag: "issue", value })),
    ...CLOUDFLARE_EDGE_CAS.map((value) => ({ flags: 0, tag: "issuewild", value })),
    { flags: 0, tag: "iodef", value: caa.iodef },
  ];
}

/**
 * The apex's CAA records, named as launch-ready:records names a CAA record (so one moved from
 * there to launch-ready:tls.caa keeps its resource). None for a stack in another stack's zone:
 * the owner's set is the zone's.
 */
export function caaRecordSpecs(config: LaunchReadyConfig): RecordSpec[] {
  const caa = config.tls.caa;
  if (!caa || config.zone.owner !== undefined) return [];
  const name = config.zone.domain;
  return zoneCaaProperties(caa).map(
    (data): RecordSpec => ({
      logicalName: `${name}-CAA-${caaRecordLabel(data)}`,
      name,
      type: "CAA",
      content: recordDataText({ ...data }),
      data,
      proxied: false,
      ttl: DEFAULT_DNS_ONLY_TTL,
      comment: recordComment(config.environment, "CAA (TLS-CAA)"),
    }),
  );
}
