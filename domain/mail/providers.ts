/**
 * Mail providers in one table: what each publishes for a customer's sending domain (SPF include,
 * where its bounces go, DKIM shape and selectors, click-tracking CNAMEs) and for receiving (MX,
 * autodiscover). The user fills in what only the provider's console knows (DKIM keys or CNAME
 * targets, SendGrid's numbered names); everything else comes from here, and each preset names
 * the page or Domain Connect template it was checked against (test/fixtures/mail-templates/ keeps
 * a copy of each, and a test plans every preset against its copy).
 *
 * SPF lookup costs: how many DNS lookups the provider's include costs in total, as its published
 * record read on 2026-11-25. Where a cost is not written here, the offline count takes 1 and says
 * it is a floor; live verification (`launch-ready verify`) counts the real record.
 */
import { AWS_REGION } from "../aws";

export const MAIL_PROVIDERS = [
  "google-workspace",
  "microsoft-365",
  "amazon-ses",
  "postmark",
  "sendgrid",
  "resend",
  "mailgun",
  "zoho",
  "brevo",
  "cloudflare-email-routing",
  "custom",
] as const;
export type MailProvider = (typeof MAIL_PROVIDERS)[number];

/**
 * Where a provider's bounces go: the envelope sender (Return-Path) domain, which is where receivers
 * check SPF and where DMARC's SPF alignment is judged.
 * - `sending-domain`: the sending name itself, so its SPF record carries the provider's include.
 * - `subdomain`: a name below the sending name (`send.` for Resend, `mail.` for SES) where the kit
 *   publishes the SPF record, and the MX that takes the provider's bounce feedback.
 * - `cname`: a name below the sending name that is a CNAME to the provider's own bounce host,
 *   whose SPF record the provider keeps (Postmark's `pm-bounces`, SendGrid's `em1234`).
 */
export type ReturnPathPreset =
  | { kind: "sending-domain" }
  | { kind: "subdomain"; label: string; feedbackMx?: (region: string) => { host: string; priority: number } }
  | { kind: "cname"; label?: string; target?: string; targetShape: TargetShape };

/** A provider-given host name: the pattern it must match, and how a person reads it. */
export interface TargetShape {
  pattern: RegExp;
  shape: string;
}

/** Amazon SES's bounce-feedback host of a region: Resend's bounce names and SES's MAIL FROM point their MX at it. */
export const sesFeedbackMx = (region: string) => ({ host: `feedback-smtp.${region}.amazonses.com`, priority: 10 });
/** Reads the region back out of a feedback host. */
export const SES_FEEDBACK_HOST = new RegExp(`^feedback-smtp\\.(${AWS_REGION.source.slice(1, -1)})\\.amazonses\\.com$`);

export interface MailProviderPreset {
  title: string;
  /** Where the provider documents its DNS records, and the Domain Connect template where it has one. */
  source: string;
  /** Whether it sends, receives, or both; a receive-only provider cannot be a sender. */
  sends: boolean;
  /** The include for the SPF record at its return path; absent where the provider keeps that record itself. */
  spfInclude?: string;
  /** Total lookups the include costs, where known. */
  spfLookups?: number;
  returnPath: ReturnPathPreset;
  /** Regions the provider sends from, where the records depend on it; the first is its default. */
  regions?: readonly string[];
  /** How its DKIM records are published. */
  dkim: "txt" | "cname";
  /** The selectors it always uses, where it picks them rather than the customer. */
  dkimSelectors?: readonly string[];
  /**
   * A second DKIM form some of its domains get: CNAMEs to Amazon SES keys at selectors the console
   * lists (Resend moved new domains to it in 2026, and older ones keep the TXT at `resend._domainkey`).
   */
  dkimCnameTarget?: TargetShape;
  /** The shape of its DKIM CNAME targets, so a mistyped target is caught before receivers see it. */
  dkimTarget?: TargetShape;
  /** Matches `<selector> <value>` of the provider's DKIM records (its usual selector or CNAME target), to tell whose a found key is. */
  dkimHint?: RegExp;
  /** The shape of its click-tracking or link-branding CNAME targets, where it has them. */
  linkTarget?: TargetShape;
  /** Inbound MX hosts, for providers that receive mail. */
  inboundMx?: (domain: string) => Array<{ host: string; priority: number }>;
  /** An include the apex's SPF needs when it receives through this provider (mail it forwards is sent as the domain). */
  inboundSpfInclude?: string;
  /** The autodiscover CNAME target mail clients look up to configure themselves. */
  autodiscover?: string;
}

/** `example.com` → `example-com`: how Microsoft and Brevo spell a domain inside their own host names. */
export const dashedDomain = (domain: string): string => domain.replace(/\./g, "-");

export const MAIL_PROVIDER_PRESETS: Record<MailProvider, MailProviderPreset> = {
  "google-workspace": {
    title: "Google Workspace",
    source:
      "https://support.google.com/a/answer/10685031 (SPF), https://support.google.com/a/answer/174125 (DKIM), https://support.google.com/a/answer/140034 (MX: smtp.google.com, priority 1, for domains set up since 2023)",
    sends: true,
    spfInclude: "_spf.google.com",
    // _spf.google.com includes _netblocks, _netblocks2 and _netblocks3: 1 + 3.
    spfLookups: 4,
    returnPath: { kind: "sending-domain" },
    dkim: "txt",
    dkimHint: /^google /,
    inboundMx: () => [{ host: "smtp.google.com", priority: 1 }],
  },
  "microsoft-365": {
    title: "Microsoft 365",
    source:
      "https://learn.microsoft.com/microsoft-365/enterprise/external-domain-name-system-records, https://learn.microsoft.com/defender-office-365/email-authentication-dkim-configure; Domain Connect template microsoft.com.O365 v5",
    sends: true,
    spfInclude: "spf.protection.outlook.com",
    returnPath: { kind: "sending-domain" },
    dkim: "cname",
    dkimSelectors: ["selector1", "selector2"],
    // Domains added since 2025 get the dkim.mail.microsoft form (contoso.n-v1.dkim.mail.microsoft).
    dkimTarget: {
      pattern: /^selector[12]-[a-z0-9-]+\._domainkey\.[a-z0-9-]+\.(onmicrosoft\.com|[a-z0-9-]+\.dkim\.mail\.microsoft)$/,
      shape: "selector1-<domain-with-dashes>._domainkey.<tenant>.onmicrosoft.com, or ….<tenant>.<x>-v1.dkim.mail.microsoft",
    },
    dkimHint: /(\.onmicrosoft\.com|\.dkim\.mail\.microsoft)$/,
    inboundMx: (domain) => [{ host: `${dashedDomain(domain)}.mail.protection.outlook.com`, priority: 0 }],
    autodiscover: "autodiscover.outlook.com",
  },
  "amazon-ses": {
    title: "Amazon SES",
    source:
      "https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-easy.html (Easy DKIM), https://docs.aws.amazon.com/ses/latest/dg/mail-from.html (custom MAIL FROM: MX feedback-smtp.<region>.amazonses.com 10, SPF include:amazonses.com)",
    sends: true,
    spfInclude: "amazonses.com",
    // amazonses.com lists address ranges only.
    spfLookups: 1,
    returnPath: { kind: "subdomain", label: "mail", feedbackMx: sesFeedbackMx },
    dkim: "cname",
    dkimTarget: { pattern: /^[a-z0-9]+\.dkim\.amazonses\.com$/, shape: "<token>.dkim.amazonses.com" },
    dkimHint: /\.dkim\.amazonses\.com$/,
  },
  postmark: {
    title: "Postmark",
    source:
      "https://postmarkapp.com/support/article/1113-how-do-i-manage-domains-using-the-api (DKIM TXT at <date>pm._domainkey; Return-Path CNAME pm-bounces → pm.mtasv.net, which carries the SPF record, so the sending name needs no include)",
    sends: true,
    returnPath: { kind: "cname", label: "pm-bounces", target: "pm.mtasv.net", targetShape: { pattern: /^pm\.mtasv\.net$/, shape: "pm.mtasv.net" } },
    dkim: "txt",
    dkimHint: /^\d{14}pm /,
  },
  sendgrid: {
    title: "SendGrid",
    source:
      "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/how-to-set-up-domain-authentication (automated security: em<N>, s1 and s2 CNAMEs), https://www.twilio.com/docs/sendgrid/ui/account-and-settings/how-to-set-up-link-branding; Domain Connect template sendgrid.com.domain-auth v1",
    sends: true,
    // The name is em<N> unless the account sets a custom return path; both come from the console.
    returnPath: { kind: "cname", targetShape: { pattern: /^u\d+\.wl\d+\.sendgrid\.net$/, shape: "u<N>.wl<N>.sendgrid.net" } },
    dkim: "cname",
    dkimSelectors: ["s1", "s2"],
    dkimTarget: { pattern: /^s[12]\.domainkey\.u\d+\.wl\d+\.sendgrid\.net$/, shape: "s1.domainkey.u<N>.wl<N>.sendgrid.net" },
    dkimHint: /\.sendgrid\.net$/,
    linkTarget: { pattern: /^sendgrid\.net$/, shape: "sendgrid.net" },
  },
  resend: {
    title: "Resend",
    source:
      "https://resend.com/docs/dashboard/domains/introduction, https://resend.com/docs/api-reference/domains/create-domain (regions, SES-style DKIM CNAMEs); Domain Connect template resend.com.mail v6",
    sends: true,
    // Resend sends through Amazon SES from its own MAIL FROM subdomain.
    spfInclude: "amazonses.com",
    spfLookups: 1,
    returnPath: { kind: "subdomain", label: "send", feedbackMx: sesFeedbackMx },
    regions: ["us-east-1", "eu-west-1", "sa-east-1", "ap-northeast-1"],
    dkim: "txt",
    dkimSelectors: ["resend"],
    dkimCnameTarget: { pattern: /^[a-z0-9]+\.dkim\.amazonses\.com$/, shape: "<token>.dkim.amazonses.com" },
    dkimHint: /^resend /,
    linkTarget: { pattern: /^[a-z0-9-]+\.resend-dns\.com$/, shape: "<target>.resend-dns.com" },
  },
  mailgun: {
    title: "Mailgun",
    source: "https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/#verify-your-domain",
    sends: true,
    spfInclude: "mailgun.org",
    returnPath: { kind: "sending-domain" },
    dkim: "txt",
    linkTarget: { pattern: /^(eu\.)?mailgun\.org$/, shape: "mailgun.org (eu.mailgun.org in the EU)" },
    inboundMx: () => [
      { host: "mxa.mailgun.org", priority: 10 },
      { host: "mxb.mailgun.org", priority: 10 },
    ],
  },
  zoho: {
    title: "Zoho Mail",
    source:
      "https://www.zoho.com/mail/help/adminconsole/spf-configuration.html, https://www.zoho.com/mail/help/adminconsole/configure-email-delivery.html (MX); Domain Connect template zoho.com.zmail_hosting v6",
    sends: true,
    spfInclude: "zohomail.com",
    returnPath: { kind: "sending-domain" },
    dkim: "txt",
    inboundMx: () => [
      { host: "mx.zoho.com", priority: 10 },
      { host: "mx2.zoho.com", priority: 20 },
      { host: "mx3.zoho.com", priority: 50 },
    ],
  },
  brevo: {
    title: "Brevo",
    source: "https://help.brevo.com/hc/en-us/articles/12163873383186 (authenticate your domain); Domain Connect template brevo.com.domain-authentication v6",
    sends: true,
    spfInclude: "spf.brevo.com",
    returnPath: { kind: "sending-domain" },
    dkim: "cname",
    dkimSelectors: ["brevo1", "brevo2"],
    dkimTarget: { pattern: /^b[12]\.[a-z0-9-]+\.dkim\.brevo\.com$/, shape: "b1.<domain-with-dashes>.dkim.brevo.com" },
    dkimHint: /\.dkim\.brevo\.com$/,
  },
  "cloudflare-email-routing": {
    title: "Cloudflare Email Routing",
    source:
      "https://developers.cloudflare.com/email-routing/postmaster/ (MX route1-3.mx.cloudflare.net, SPF include:_spf.mx.cloudflare.net = ip4:104.30.0.0/20)",
    spfLookups: 1,
    sends: false,
    returnPath: { kind: "sending-domain" },
    dkim: "txt",
    // Cloudflare picks the three priorities at random per zone when it writes the records, and all
    // three hosts route alike, so any order delivers; list inbound.mx to match a dashboard's.
    inboundMx: () => [
      { host: "route1.mx.cloudflare.net", priority: 13 },
      { host: "route2.mx.cloudflare.net", priority: 86 },
      { host: "route3.mx.cloudflare.net", priority: 24 },
    ],
    inboundSpfInclude: "_spf.mx.cloudflare.net",
  },
  custom: {
    title: "Custom sender",
    source: "RFC 7208 (SPF), RFC 6376 (DKIM)",
    sends: true,
    returnPath: { kind: "sending-domain" },
    dkim: "txt",
  },
};

/** What one include of a provider costs in DNS lookups, its own included; 1 (a floor) when not documented. */
export function includeLookupCost(include: string): number {
  const name = include.toLowerCase();
  const preset = Object.values(MAIL_PROVIDER_PRESETS).find((p) => (p.spfInclude ?? p.inboundSpfInclude) === name && p.spfLookups !== undefined);
  return preset?.spfLookups ?? 1;
}
