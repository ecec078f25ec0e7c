import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { applyTransform, type Transform } from "./transform";

/** One advanced certificate the zone orders: what it covers. */
export interface CertificateSpec {
  /**
   * Names the resource: what it covers, so it keeps its identity whatever else changes.
   * @example "staging.example.com-advanced-certificate"
   */
  logicalName: string;
  /**
   * The names on the certificate: the zone's apex (Cloudflare requires it), a domain and the names one label below it.
   * @example ["example.com", "staging.example.com", "*.staging.example.com"]
   */
  hosts: string[];
}

export interface EdgeCertificatesArgs {
  /**
   * ID of the Cloudflare zone that orders the certificates.
   * @example "023e105f4ecef8ad9ca31a8372d0c353"
   */
  zoneId: pulumi.Input<string>;
  /**
   * The certificates to order.
   * @example [{ logicalName: "staging.example.com-advanced-certificate", hosts: ["example.com", "staging.example.com", "*.staging.example.com"] }]
   */
  certificates: CertificateSpec[];
  /**
   * Protect each certificate from deletion (OPS-PROTECT).
   * @default false
   */
  protect?: boolean;
  /**
   * Adjust each `cloudflare.CertificatePack`, as fields to merge into its args or a function that edits them and its options.
   * @example { certificate: { certificateAuthority: "google" } }
   */
  transform?: { certificate?: Transform<cloudflare.CertificatePackArgs> };
}

/**
 * Advanced edge certificates for names Universal SSL does not cover: a stack living in another
 * stack's zone under staging.example.com has api.staging.example.com, two labels below the zone.
 * Each needs Cloudflare's Advanced Certificate Manager on the zone (a paid add-on on every plan).
 * Let's Encrypt with TXT validation, which Cloudflare completes itself for a zone it hosts, and
 * renews before the 90 days end.
 * @example
 * ```ts
 * import { EdgeCertificates } from "launch-ready";
 *
 * new EdgeCertificates("certificates", {
 *   zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
 *   certificates: [{ logicalName: "staging.example.com-advanced-certificate", hosts: ["example.com", "staging.example.com", "*.staging.example.com"] }],
 * });
 * ```
 */
export class EdgeCertificates extends pulumi.ComponentResource {
  /** The ordered certificates, by logical name. */
  public readonly certificates: Record<string, cloudflare.CertificatePack>;

  constructor(name: string, args: EdgeCertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:EdgeCertificates", name, {}, opts);
    this.certificates = Object.fromEntries(
      args.certificates.map((certificate) => [
        certificate.logicalName,
        new cloudflare.CertificatePack(
          ...applyTransform(
            args.transform?.certificate,
            certificate.logicalName,
            {
              zoneId: args.zoneId,
              type: "advanced",
              hosts: certificate.hosts,
              certificateAuthority: "lets_encrypt",
              validationMethod: "txt",
              validityDays: 90,
              cloudflareBranding: false,
            },
            { parent: this, protect: args.protect ?? false },
          ),
        ),
      ]),
    );
    this.registerOutputs({ certificates: this.certificates });
  }
}
