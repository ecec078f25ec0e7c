import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { dnssecSpec } from "./site-records";
import { applyTransform, type Transform } from "./transform";

export interface ZoneDnssecArgs {
  /**
   * ID of the Cloudflare zone to sign (dashboard: the zone's Overview page, API section). An
   * Output works too, such as a `cloudflare.Zone`'s `id`.
   * @example "023e105f4ecef8ad9ca31a8372d0c353"
   */
  zoneId: pulumi.Input<string>;
  /**
   * The zone's domain. It names the resource (`example.com-dnssec`).
   * @example "example.com"
   */
  zoneName: string;
  /**
   * Protect the resource from deletion (OPS-PROTECT). Deleting it turns DNSSEC off, and while the
   * registrar still publishes the DS record, validating resolvers then refuse every answer of the zone.
   * @default false
   * @example true
   */
  protect?: boolean;
  /**
   * Adjust the `cloudflare.ZoneDnssec` the component creates, as fields to merge into its args or
   * a function that edits them and its options.
   * @example { dnssec: { dnssecUseNsec3: true } }
   */
  transform?: { dnssec?: Transform<cloudflare.ZoneDnssecArgs> };
}

/**
 * DNSSEC for one zone (DNS-DNSSEC): Cloudflare signs the zone, publishes its keys and computes
 * the DS record the parent zone must publish. "When you enable DNSSEC, Cloudflare signs your zone,
 * publishes your public signing keys, and generates your DS record"; the status stays `pending`
 * until the DS is added at the registrar, which Cloudflare does itself for domains on Cloudflare
 * Registrar (https://developers.cloudflare.com/dns/dnssec/ and .../dns/dnssec/dnssec-states/,
 * read 2026-12-03). The DS fields are outputs: the handover shows them once `pulumi up` has run.
 * @example
 * ```ts
 * import { ZoneDnssec } from "launch-ready";
 *
 * const dnssec = new ZoneDnssec("dnssec", { zoneId: "023e105f4ecef8ad9ca31a8372d0c353", zoneName: "example.com", protect: true });
 * export const ds = dnssec.ds;
 * ```
 */
export class ZoneDnssec extends pulumi.ComponentResource {
  public readonly dnssec: cloudflare.ZoneDnssec;
  /** What the registrar's DS form asks for, as Cloudflare computes it. */
  public readonly ds: pulumi.Output<{ keyTag: number; algorithm: string; digestType: string; digest: string; record: string }>;

  constructor(name: string, args: ZoneDnssecArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:ZoneDnssec", name, {}, opts);
    const spec = dnssecSpec(args.zoneName);
    this.dnssec = new cloudflare.ZoneDnssec(
      ...applyTransform(
        args.transform?.dnssec,
        spec.logicalName,
        { zoneId: args.zoneId, status: spec.status },
        { parent: this, protect: args.protect ?? false },
      ),
    );
    this.ds = pulumi
      .all([this.dnssec.keyTag, this.dnssec.algorithm, this.dnssec.digestType, this.dnssec.digest, this.dnssec.ds])
      .apply(([keyTag, algorithm, digestType, digest, record]) => ({ keyTag, algorithm, digestType, digest, record }));
    this.registerOutputs({ ds: this.ds });
  }
}
