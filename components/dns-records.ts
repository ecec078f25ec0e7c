import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { RecordSpec } from "./site-records";
import { applyTransform, type Transform } from "./transform";

export interface DnsRecordsArgs {
  /**
   * ID of the Cloudflare zone the records belong to (dashboard: the zone's Overview page, API
   * section). An Output works too, such as a `cloudflare.Zone`'s `id`.
   * @example "023e105f4ecef8ad9ca31a8372d0c353"
   */
  zoneId: pulumi.Input<string>;
  /**
   * Every record the component manages. Each becomes one `cloudflare.DnsRecord` named by its
   * `logicalName`, so reordering the list replaces nothing; two records with one `logicalName` are
   * refused before anything is registered.
   * @example
   * [{
   *   logicalName: "www.example.com-CNAME", name: "www.example.com", type: "CNAME", content: "cname.vercel-dns.com",
   *   proxied: true, ttl: 1, comment: "Managed by launch-ready (production)",
   * }]
   */
  records: RecordSpec[];
  /**
   * Protect every record from deletion (OPS-PROTECT): `pulumi up` refuses to delete it until the
   * protection is lifted on purpose.
   * @default false
   * @example true
   */
  protect?: boolean;
  /**
   * Adjust each `cloudflare.DnsRecord` the component creates, as fields to merge into its args or
   * a function that edits them and its options.
   * @example { record: { tags: ["team:web"] } }
   */
  transform?: { record?: Transform<cloudflare.DnsRecordArgs> };
}

/**
 * The DNS records of one zone: exactly the declared ones, nothing else (DNS-SUBDOMAINS).
 * @example
 * ```ts
 * import { DnsRecords } from "launch-ready";
 *
 * new DnsRecords("dns", {
 *   zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
 *   records: [
 *     { logicalName: "example.com-A-76.76.21.21", name: "example.com", type: "A", content: "76.76.21.21", proxied: true, ttl: 1, comment: "Vercel" },
 *     { logicalName: "www.example.com-CNAME", name: "www.example.com", type: "CNAME", content: "cname.vercel-dns.com", proxied: true, ttl: 1, comment: "Vercel" },
 *     { logicalName: "example.com-MX-10-aspmx.l.google.com", name: "example.com", type: "MX", content: "aspmx.l.google.com", priority: 10, proxied: false, ttl: 300, comment: "Google Workspace" },
 *   ],
 *   protect: true,
 * });
 * ```
 */
export class DnsRecords extends pulumi.ComponentResource {
  /** The created records, by logical name. */
  public readonly records: Record<string, cloudflare.DnsRecord>;

  constructor(name: string, args: DnsRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Two records under one name would fail `pulumi up` halfway with a duplicate URN; refuse them
    // before anything is registered, naming both.
    const clashes = duplicateLogicalNames(args.records);
    if (clashes.length > 0)
      throw new pulumi.RunError(`DnsRecords ${name}: records share a name, so Pulumi cannot tell them apart:\n${clashes.map((c) => `  ${c}`).join("\n")}`);
    super("launch-ready:cloudflare:DnsRecords", name, {}, opts);
    this.records = Object.fromEntries(args.records.map((record) => [record.logicalName, this.createRecord(record, args)]));
    this.registerOutputs({ records: this.records });
  }

  private createRecord(record: RecordSpec, args: DnsRecordsArgs): cloudflare.DnsRecord {
    return new cloudflare.DnsRecord(
      ...applyTransform(
        args.transform?.record,
        record.logicalName,
        {
          zoneId: args.zoneId,
          name: record.name,
          type: record.type,
          // Cloudflare reads CAA and SRV values from data; their content is derived from it.
          ...(record.data ? { data: record.data } : { content: record.content }),
          proxied: record.proxied,
          ...(record.priority === undefined ? {} : { priority: record.priority }),
          ttl: record.ttl,
          comment: record.comment,
        },
        { parent: this, protect: args.protect ?? false },
      ),
    );
  }
}

/** `<logicalName>: <record> and <record>` for every logical name more than one record has. */
export function duplicateLogicalNames(records: readonly RecordSpec[]): string[] {
  const byName = new Map<string, RecordSpec[]>();
  for (const record of records) byName.set(record.logicalName, [...(byName.get(record.logicalName) ?? []), record]);
  const describe = (r: RecordSpec) => `${r.type} ${r.name} ${r.priority === undefined ? "" : `${r.priority} `}${r.content}`;
  return [...byName].filter(([, same]) => same.length > 1).map(([logicalName, same]) => `${logicalName}: ${same.map(describe).join(" and ")}`);
}
