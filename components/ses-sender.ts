import type * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_DNS_ONLY_TTL } from "../stacks/stack-config";
import { spfRecord } from "./mail-auth/mail-records";
import { awsSdk } from "./provider-sdks";
import { recordComment } from "./site-records";

export interface SesSenderArgs {
  /**
   * ID of the Cloudflare zone the sending domain is in: the DKIM, MX and SPF records go there.
   * @example "023e105f4ecef8ad9ca31a8372d0c353"
   */
  zoneId: pulumi.Input<string>;
  /**
   * The domain mail is sent from (the From address's), verified in SES by its DKIM records. It
   * names the component's resources, so one program holds one SesSender per domain.
   * @example "example.com"
   */
  domain: string;
  /**
   * AWS region SES sends from; the identity exists only there, and the MAIL FROM MX points at its
   * feedback endpoint.
   * @example "eu-west-1"
   */
  region: string;
  /**
   * Custom MAIL FROM domain, a subdomain of `domain` used for nothing else. Its MX takes bounces
   * back to SES and its SPF record passes for SES, which aligns SPF with the From domain for DMARC.
   * @example "mail.example.com"
   */
  mailFromDomain: string;
  /**
   * The stack's environment, written into the records' "Managed by launch-ready (<environment>)" comment.
   * @example "production"
   */
  environment: string;
  /**
   * Protect the identity and the records from deletion (OPS-PROTECT): `pulumi up` refuses to
   * delete one until the protection is lifted on purpose.
   * @default false
   * @example true
   */
  protect?: boolean;
}

/** Easy DKIM always publishes three keys. */
export const EASY_DKIM_TOKENS = 3;
/** The DNS records one SesSender creates: the Easy DKIM CNAMEs, and its MAIL FROM domain's MX and SPF TXT. */
export const SES_SENDER_RECORDS = EASY_DKIM_TOKENS + 2;

/** Logical name of the i-th (1-based) Easy DKIM record, which MAIL-DKIM looks for. */
export function sesDkimRecordName(domain: string, i: number): string {
  return `${domain}-ses-dkim-${i}`;
}

/**
 * Amazon SES sending for a domain: the SES domain identity with Easy DKIM (2048-bit), its three
 * DKIM CNAMEs in Cloudflare, and a custom MAIL FROM domain with its MX and SPF, so SPF aligns
 * with the From domain for DMARC.
 * @example
 * ```ts
 * import { SesSender } from "launch-ready";
 *
 * new SesSender("ses", {
 *   zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
 *   domain: "example.com",
 *   region: "eu-west-1",
 *   mailFromDomain: "mail.example.com",
 *   environment: "production",
 *   protect: true,
 * });
 * ```
 */
export class SesSender extends pulumi.ComponentResource {
  public readonly identity: aws.sesv2.EmailIdentity;
  /** The three DKIM CNAME names; unknown until SES issues the tokens. */
  public readonly dkimRecordNames: pulumi.Output<string>[];

  constructor(name: string, args: SesSenderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:aws:SesSender", name, {}, opts);
    const options = { parent: this, protect: args.protect ?? false };
    const record = (logicalName: string, recordArgs: Omit<cloudflare.DnsRecordArgs, "zoneId" | "ttl" | "proxied" | "comment">) =>
      new cloudflare.DnsRecord(
        logicalName,
        { zoneId: args.zoneId, ttl: DEFAULT_DNS_ONLY_TTL, proxied: false, comment: recordComment(args.environment), ...recordArgs },
        options,
      );

    const { sesv2 } = awsSdk();
    this.identity = new sesv2.EmailIdentity(
      `${args.domain}-ses`,
      { emailIdentity: args.domain, region: args.region, dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT" } },
      options,
    );
    const tokens = this.identity.dkimSigningAttributes.apply((attributes) => attributes?.tokens ?? []);
    // Position names the three records: SES always issues exactly three tokens, in a stable order.
    this.dkimRecordNames = Array.from({ length: EASY_DKIM_TOKENS }, (_, i) => {
      const token = tokens.apply((list) => list[i]);
      const dkimName = pulumi.interpolate`${token}._domainkey.${args.domain}`;
      record(sesDkimRecordName(args.domain, i + 1), { name: dkimName, type: "CNAME", content: pulumi.interpolate`${token}.dkim.amazonses.com` });
      return dkimName;
    });

    new sesv2.EmailIdentityMailFromAttributes(
      `${args.domain}-ses-mail-from`,
      { emailIdentity: this.identity.emailIdentity, mailFromDomain: args.mailFromDomain, behaviorOnMxFailure: "REJECT_MESSAGE", region: args.region },
      options,
    );
    record(`${args.mailFromDomain}-MX-ses`, { name: args.mailFromDomain, type: "MX", content: `feedback-smtp.${args.region}.amazonses.com`, priority: 10 });
    record(`${args.mailFromDomain}-TXT-spf`, { name: args.mailFromDomain, type: "TXT", content: spfRecord(["amazonses.com"], [], "~all") });
    this.registerOutputs({ identity: this.identity.arn });
  }
}
