/** The stack file's mail: senders, inbound, DMARC, parked names and how SPF ends. */
import "../zod-locales";
import { z } from "zod";
import { MAIL_PROVIDERS } from "../../domain/mail/providers";
import { hostName } from "./common";
import { AWS_REGION } from "../../domain/aws";
import { MAX_MTA_STS_MAX_AGE } from "../../domain/mail/mta-sts";

const dmarcPolicy = z.enum(["none", "quarantine", "reject"]);

export const emailSchema = z.strictObject({
  senders: z
    .array(
      z.strictObject({
        provider: z.enum(MAIL_PROVIDERS).meta({ description: "Who sends the mail; the preset knows its SPF include and DKIM shape." }),
        domain: hostName.default("@").meta({ description: 'The sending name: "@" for the apex, or a subdomain such as send. @default "@"' }),
        dkim: z
          .array(
            z.strictObject({
              selector: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, "must be a DKIM selector such as google or s1"),
              value: z
                .string()
                .trim()
                .min(1)
                .meta({ description: "The TXT key (v=DKIM1; k=rsa; p=...) or, for CNAME providers, the target host the provider gives." }),
            }),
          )
          .default([])
          .meta({ description: "DKIM records from the provider's console (MAIL-DKIM wants at least one per sender)." }),
        include: z.string().optional().meta({ description: "SPF include for a custom sender." }),
        region: z.string().regex(AWS_REGION, "must be a region such as us-east-1").optional().meta({
          description:
            "The region the provider sends from, where its records name it: Resend (its bounce MX, @default us-east-1) and Amazon SES without the ses block (its MAIL FROM MX).",
        }),
        returnPath: z
          .strictObject({
            name: z
              .string()
              .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i, "must be one label such as send or em1234")
              .optional()
              .meta({
                description: "The bounce subdomain below the sending name. @default the provider's own: send (Resend), mail (SES), pm-bounces (Postmark)",
              }),
            target: z
              .string()
              .optional()
              .meta({ description: "The provider's bounce host the name is a CNAME to (SendGrid's u1234.wl123.sendgrid.net). @default the provider's own" }),
          })
          .optional()
          .meta({
            description:
              "Where bounces go (the envelope sender, where receivers check SPF): a subdomain with its own SPF record, or a CNAME to the provider's bounce host. A custom sender with a name gets its SPF there instead of at the sending name.",
          }),
        links: z
          .array(
            z.strictObject({
              name: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i, "must be one label such as links or url1234"),
              target: z.string().meta({ description: "The CNAME target the provider's console gives." }),
            }),
          )
          .default([])
          .meta({ description: "Click-tracking or link-branding CNAMEs below the sending name (Resend, SendGrid, Mailgun)." }),
        addresses: z.array(z.string()).default([]).meta({ description: "ip4/ip6 addresses for a custom sender's SPF." }),
        ses: z
          .strictObject({
            region: z.string().regex(AWS_REGION, "must be an AWS region such as us-east-1"),
            mailFrom: z
              .string()
              .regex(/^[a-z0-9-]+$/, "must be one label such as mail")
              .default("mail")
              .meta({ description: "Custom MAIL FROM subdomain label. @default mail" }),
          })
          .optional()
          .meta({ description: "Amazon SES only: the kit creates the SES domain identity (Easy DKIM) and a custom MAIL FROM domain in this region." }),
      }),
    )
    .default([]),
  inbound: z
    .strictObject({
      provider: z.enum(MAIL_PROVIDERS),
      mx: z
        .array(z.strictObject({ host: z.string(), priority: z.number().int().min(0).max(65535) }))
        .optional()
        .meta({ description: "MX hosts for a custom provider." }),
    })
    .optional()
    .meta({ description: "Who receives mail for the apex; omit if nobody does (the apex then gets a null MX)." }),
  dmarc: z
    .strictObject({
      policy: dmarcPolicy.default("reject").meta({ description: "p= for mail failing SPF and DKIM alignment. @default reject" }),
      subdomainPolicy: dmarcPolicy.optional(),
      rua: z.array(z.email()).min(1, "needs a report address, or nobody learns who sends as the domain"),
      ruf: z.array(z.email()).default([]),
      adkim: z.enum(["r", "s"]).default("r"),
      aspf: z.enum(["r", "s"]).default("r"),
      ramp: z
        .array(z.strictObject({ from: z.iso.date(), policy: dmarcPolicy }))
        .default([])
        .meta({ description: "Dated steps that tighten the policy, e.g. quarantine from one date, reject from a later one; applied at each pulumi up." }),
    })
    .optional(),
  mtaSts: z
    .strictObject({
      mode: z.enum(["testing", "enforce"]).default("enforce").meta({
        description: "The policy's mode: testing (senders report but deliver anyway) or enforce (senders refuse a downgraded connection). @default enforce",
      }),
      ramp: z
        .array(z.strictObject({ from: z.iso.date(), mode: z.enum(["testing", "enforce"]) }))
        .default([])
        .meta({ description: "Dated steps, as DMARC's ramp: e.g. testing as the base mode, enforce from a date; applied at each pulumi up." }),
      maxAge: z
        .number()
        .int()
        .min(86_400)
        .max(MAX_MTA_STS_MAX_AGE)
        .default(604_800)
        .meta({ description: "How long senders cache the policy, in seconds (RFC 8461 3.2 allows up to 31557600). @default 604800 (a week)" }),
      reports: z
        .array(z.email())
        .min(1, "needs a TLS-RPT report address, or nobody learns when senders fail to reach the MX over TLS")
        .meta({ description: "Where senders send SMTP TLS reports (the _smtp._tls TXT, RFC 8460)." }),
    })
    .optional()
    .meta({
      description:
        "MTA-STS and TLS-RPT for the apex when it receives mail (MAIL-TRANSPORT): the _mta-sts TXT, the policy served at https://mta-sts.<domain>/.well-known/mta-sts.txt by a Cloudflare Worker the kit declares, and the _smtp._tls report address.",
    }),
  parked: z.array(hostName).default([]).meta({ description: "Names that send no mail: each gets v=spf1 -all, DMARC p=reject and a null MX (MAIL-PARKED)." }),
  spfAll: z.enum(["~all", "-all"]).default("~all").meta({
    description: "How SPF records end: ~all (soft fail; DMARC decides) or -all (receivers reject what SPF does not authorise). @default ~all",
  }),
});

export type EmailFields = z.output<typeof emailSchema>;
