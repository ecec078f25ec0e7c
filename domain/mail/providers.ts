/**
 * Mail providers in one table: what each needs in DNS for sending (SPF include, DKIM record
 * shape) and receiving (MX). The user fills in what only the provider's console knows (DKIM keys
 * or CNAME targets); everything else comes from here.
 *
 * SPF lookup costs: how many DNS lookups the provider's include costs in total, as its published
 * record read on 2026-11-25. Where a cost is not written here, the offline count takes 1 and says
 * it is a floor; live verification (`npm run verify`, planned) counts the real record.
 */
import { LOOKUP_TERMS } from "./spf";
export const MAIL_PROVIDERS = ["google-workspace", "microsoft-365", "amazon-ses", "postmark", "sendgrid", "resend", "mailgun", "zoho", "custom"] as const;
export type MailProvider = (typeof MAIL_PROVIDERS)[number];

export interface MailProviderPreset {
  title: string;
  /** Where the provider documents its DNS records. */
  source: string;
  /** The include for the sending name's SPF record; absent where the provider has none (custom). */
  spfInclude?: string;
  /** Total lookups the include costs, where known. */
  spfLookups?: number;
  /** How its DKIM records are published. */
  dkim: "txt" | "cname";
  /** Matches `<selector> <value>` of the provider's DKIM records (its usual selector or CNAME target), to tell whose a found key is. */
  dkimHint?: RegExp;
  /** Inbound MX hosts, for providers that receive mail. */
  inboundMx?: (domain: string) => Array<{ host: string; priority: number }>;
}

export const MAIL_PROVIDER_PRESETS: Record<MailProvider, MailProviderPreset> = {
  "google-workspace": {
    title: "Google Workspace",
    source:
      "https://support.google.com/a/answer/10685031 (SPF), https://support.google.com/a/answer/174125 (DKIM), https://support.google.com/a/answer/140034 (MX)",
    spfInclude: "_spf.google.com",
    // _spf.google.com includes _netblocks, _netblocks2 and _netblocks3: 1 + 3.
    spfLookups: 4,
    dkim: "txt",
    dkimHint: /^google /,
    inboundMx: () => [{ host: "smtp.google.com", priority: 1 }],
  },
  "microsoft-365": {
    title: "Microsoft 365",
    source: "https://learn.microsoft.com/microsoft-365/enterprise/external-domain-name-system-records",
    spfInclude: "spf.protection.outlook.com",
    dkim: "cname",
    dkimHint: /\.onmicrosoft\.com$/,
    inboundMx: (domain) => [{ host: `${domain.replace(/\./g, "-")}.mail.protection.outlook.com`, priority: 0 }],
  },
  "amazon-ses": {
    title: "Amazon SES",
    source: "https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-spf.html",
    spfInclude: "amazonses.com",
    // amazonses.com lists address ranges only.
    spfLookups: 1,
    dkim: "cname",
    dkimHint: /\.dkim\.amazonses\.com$/,
  },
  postmark: {
    title: "Postmark",
    source: "https://postmarkapp.com/support/article/1092-how-do-i-set-up-spf-for-postmark",
    spfInclude: "spf.mtasv.net",
    dkim: "txt",
  },
  sendgrid: {
    title: "SendGrid",
    source: "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/how-to-set-up-domain-authentication",
    spfInclude: "sendgrid.net",
    dkim: "cname",
    dkimHint: /\.sendgrid\.net$/,
  },
  resend: {
    title: "Resend",
    source: "https://resend.com/docs/dashboard/domains/introduction",
    // Resend sends through Amazon SES from its own MAIL FROM subdomain.
    spfInclude: "amazonses.com",
    spfLookups: 1,
    dkim: "txt",
    dkimHint: /^resend /,
  },
  mailgun: {
    title: "Mailgun",
    source: "https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/#verify-your-domain",
    spfInclude: "mailgun.org",
    dkim: "txt",
    inboundMx: () => [
      { host: "mxa.mailgun.org", priority: 10 },
      { host: "mxb.mailgun.org", priority: 10 },
    ],
  },
  zoho: {
    title: "Zoho Mail",
    source: "https://www.zoho.com/mail/help/adminconsole/spf-configuration.html",
    spfInclude: "zohomail.com",
    dkim: "txt",
    inboundMx: () => [
      { host: "mx.zoho.com", priority: 10 },
      { host: "mx2.zoho.com", priority: 20 },
      { host: "mx3.zoho.com", priority: 50 },
    ],
  },
  custom: {
    title: "Custom sender",
    source: "RFC 7208 (SPF), RFC 6376 (DKIM)",
    dkim: "txt",
  },
};

/** Offline lookup cost of an include: the preset's documented figure, else 1 as a floor. */
function includeLookupCost(include: string): { lookups: number; known: boolean } {
  const preset = Object.values(MAIL_PROVIDER_PRESETS).find((p) => p.spfInclude === include.toLowerCase() && p.spfLookups !== undefined);
  return preset ? { lookups: preset.spfLookups!, known: true } : { lookups: 1, known: false };
}

/**
 * The DNS lookups an SPF record's terms cost, counted offline (RFC 7208 4.6.4): each include at
 * its provider's documented cost, every other lookup term (a, mx, ptr, exists, redirect) one.
 * Config checks and the bar both count with this, so a record the file reader accepts is one
 * the rule passes.
 */
export function offlineSpfLookups(terms: readonly { name: string; value?: string }[]): number {
  return terms.reduce((total, term) => {
    if (term.name === "include") return total + includeLookupCost(term.value ?? "").lookups;
    return LOOKUP_TERMS.has(term.name) ? total + 1 : total;
  }, 0);
}
