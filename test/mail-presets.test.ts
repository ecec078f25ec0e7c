/**
 * Each mail preset against the provider's own records: the Domain Connect template the provider
 * published (copied, records only, under fixtures/mail-templates/ with its repository, path and
 * commit), or a transcription of its documentation where it has no template. The template is
 * applied here as a DNS provider would apply it, independently of the preset code, and the mail
 * records the kit plans must be exactly those.
 */
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { mailRecordSpecs } from "../components/mail-auth/mail-records";
import { MAIL_PROVIDERS, type MailProvider } from "../domain/mail/providers";
import { planStack } from "../scripts/plan/plan-stack";
import { parseStackConfig, type ConfigProblem, type LaunchReadyConfig } from "../stacks/stack-config";
import { exampleConfig, exampleStack } from "./helpers";

const TEMPLATES = join(__dirname, "fixtures", "mail-templates");
const KEY = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" }).toString("base64");

interface TemplateRecord {
  type: string;
  host: string;
  pointsTo?: string;
  data?: string;
  priority?: number | string;
  spfRules?: string;
}

/**
 * The records a template writes for `domain`, as `TYPE name [priority] value`: hosts relative to
 * the domain ("@" is the domain, a final dot makes a host absolute), SPFM rules merged into one
 * SPF record per host (Domain Connect's SPF merge), targets lower-cased as DNS compares them.
 */
function applyTemplate(file: string, domain: string, variables: Record<string, string>): string[] {
  const doc = JSON.parse(readFileSync(join(TEMPLATES, file), "utf8")) as { records: TemplateRecord[] };
  const fill = (text: string) =>
    text.replace(/%([A-Za-z0-9_]+)%/g, (_, name: string) => {
      if (name === "domain") return domain;
      if (!(name in variables)) throw new Error(`${file}: no value given for %${name}%`);
      return variables[name];
    });
  const fqdn = (host: string) => (host === "@" ? domain : host.endsWith(".") ? host.slice(0, -1) : `${host}.${domain}`).toLowerCase();
  const spf = new Map<string, string[]>();
  const records: string[] = [];
  for (const record of doc.records) {
    const name = fqdn(fill(record.host));
    if (record.type === "SPFM") {
      spf.set(name, [...(spf.get(name) ?? []), fill(record.spfRules!)]);
      continue;
    }
    const value = record.type === "TXT" ? fill(record.data!) : fill(record.pointsTo!).toLowerCase().replace(/\.$/, "");
    records.push([record.type, name, ...(record.priority === undefined ? [] : [fill(String(record.priority))]), value].join(" "));
  }
  for (const [name, rules] of spf) records.push(`TXT ${name} v=spf1 ${rules.join(" ")} ~all`);
  return records.sort();
}

function configWith(email: Record<string, unknown>): LaunchReadyConfig {
  const raw = exampleConfig("prod");
  raw["launch-ready:email"] = { dmarc: { rua: ["dmarc@example.com"] }, ...email };
  const parsed = parseStackConfig(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

function problemsOf(email: Record<string, unknown>): ConfigProblem[] {
  const raw = exampleConfig("prod");
  raw["launch-ready:email"] = email;
  const parsed = parseStackConfig(raw);
  if (parsed.ok) throw new Error("expected the config to be refused");
  return parsed.problems;
}

/** The records the provider's config adds to a stack that sends and receives nothing (whose DMARC and parked names are the kit's, not the provider's). */
function providerRecords(email: Record<string, unknown>): string[] {
  const line = (r: ReturnType<typeof mailRecordSpecs>[number]) =>
    [r.type, r.name, ...(r.priority === undefined ? [] : [String(r.priority)]), r.type === "TXT" ? r.content : r.content.toLowerCase()].join(" ");
  const baseline = new Set(mailRecordSpecs(configWith({}), "2026-12-01").map(line));
  return mailRecordSpecs(configWith(email), "2026-12-01")
    .map(line)
    .filter((record) => !baseline.has(record) && !record.startsWith("TXT _dmarc."))
    .sort();
}

const cases: Array<{ provider: MailProvider; template: string; domain: string; email: Record<string, unknown>; variables: Record<string, string> }> = [
  {
    provider: "resend",
    template: "resend.json",
    domain: "mail.example.com",
    email: {
      senders: [
        {
          provider: "resend",
          domain: "mail",
          region: "eu-west-1",
          dkim: [{ selector: "resend", value: `p=${KEY}` }],
          links: [{ name: "links", target: "links1.resend-dns.com" }],
        },
      ],
    },
    variables: { spfDomain: "send", region: "eu-west-1", domainKey: KEY, clickTrackingSubdomain: "links", clickTrackingCnameTarget: "links1" },
  },
  {
    provider: "google-workspace",
    template: "google-workspace-docs.json",
    domain: "example.com",
    email: {
      senders: [{ provider: "google-workspace", dkim: [{ selector: "google", value: `v=DKIM1; k=rsa; p=${KEY}` }] }],
      inbound: { provider: "google-workspace" },
    },
    variables: { selector: "google", dkimKey: `v=DKIM1; k=rsa; p=${KEY}` },
  },
  {
    // Google's own template still writes the five MX hosts of domains set up before 2023; they are given as inbound.mx.
    provider: "google-workspace",
    template: "google-workspace.json",
    domain: "example.com",
    email: {
      senders: [{ provider: "google-workspace" }],
      inbound: {
        provider: "google-workspace",
        mx: [
          { host: "aspmx.l.google.com", priority: 1 },
          { host: "alt1.aspmx.l.google.com", priority: 5 },
          { host: "alt2.aspmx.l.google.com", priority: 5 },
          { host: "alt3.aspmx.l.google.com", priority: 10 },
          { host: "alt4.aspmx.l.google.com", priority: 10 },
        ],
      },
    },
    variables: { spfrule: "include:_spf.google.com" },
  },
  {
    provider: "microsoft-365",
    template: "microsoft-365.json",
    domain: "example.com",
    email: {
      senders: [
        {
          provider: "microsoft-365",
          dkim: [
            { selector: "selector1", value: "selector1-example-com._domainkey.contoso.onmicrosoft.com" },
            { selector: "selector2", value: "selector2-example-com._domainkey.contoso.onmicrosoft.com" },
          ],
        },
      ],
      inbound: { provider: "microsoft-365" },
    },
    variables: {
      MX: "example-com.mail.protection.outlook.com",
      AUTODISCOVER: "autodiscover.outlook.com",
      SPFRULES: "include:spf.protection.outlook.com",
      DKIMSEL1: "selector1-example-com._domainkey.contoso.onmicrosoft.com",
      DKIMSEL2: "selector2-example-com._domainkey.contoso.onmicrosoft.com",
    },
  },
  {
    provider: "amazon-ses",
    template: "amazon-ses.json",
    domain: "example.com",
    email: {
      senders: [
        {
          provider: "amazon-ses",
          region: "eu-west-1",
          dkim: ["aaaa1111", "bbbb2222", "cccc3333"].map((token) => ({ selector: token, value: `${token}.dkim.amazonses.com` })),
        },
      ],
    },
    variables: { token1: "aaaa1111", token2: "bbbb2222", token3: "cccc3333", mailFrom: "mail", region: "eu-west-1" },
  },
  {
    provider: "postmark",
    template: "postmark.json",
    domain: "example.com",
    email: { senders: [{ provider: "postmark", dkim: [{ selector: "20240101000000pm", value: `k=rsa; p=${KEY}` }] }] },
    variables: { dkimSelector: "20240101000000pm", dkimKey: `k=rsa; p=${KEY}` },
  },
  {
    provider: "sendgrid",
    template: "sendgrid.json",
    domain: "example.com",
    email: {
      senders: [
        {
          provider: "sendgrid",
          returnPath: { name: "em1234", target: "u1234.wl123.sendgrid.net" },
          dkim: [
            { selector: "s1", value: "s1.domainkey.u1234.wl123.sendgrid.net" },
            { selector: "s2", value: "s2.domainkey.u1234.wl123.sendgrid.net" },
          ],
        },
      ],
    },
    variables: {
      SUBDOMAIN: "em1234",
      POINTS_TO: "u1234.wl123.sendgrid.net",
      SUBDOMAIN_DKIM1: "s1._domainkey",
      POINTS_TO_DKIM1: "s1.domainkey.u1234.wl123.sendgrid.net",
      SUBDOMAIN_DKIM2: "s2._domainkey",
      POINTS_TO_DKIM2: "s2.domainkey.u1234.wl123.sendgrid.net",
    },
  },
  {
    provider: "mailgun",
    template: "mailgun.json",
    domain: "example.com",
    email: {
      senders: [{ provider: "mailgun", dkim: [{ selector: "pic", value: `k=rsa; p=${KEY}` }], links: [{ name: "email", target: "mailgun.org" }] }],
      inbound: { provider: "mailgun" },
    },
    variables: { dkimSelector: "pic", dkimKey: `k=rsa; p=${KEY}` },
  },
  {
    provider: "zoho",
    template: "zoho.json",
    domain: "example.com",
    email: { senders: [{ provider: "zoho", dkim: [{ selector: "zmail", value: `v=DKIM1; k=rsa; p=${KEY}` }] }], inbound: { provider: "zoho" } },
    variables: {
      mx_points: "mx.zoho.com",
      mx2_points: "mx2.zoho.com",
      mx3_points: "mx3.zoho.com",
      spf_data: "include:zohomail.com",
      dkim_host: "zmail",
      dkim_data: `v=DKIM1; k=rsa; p=${KEY}`,
    },
  },
  {
    provider: "brevo",
    template: "brevo.json",
    domain: "example.com",
    email: {
      senders: [
        {
          provider: "brevo",
          dkim: [
            { selector: "brevo1", value: "b1.example-com.dkim.brevo.com" },
            { selector: "brevo2", value: "b2.example-com.dkim.brevo.com" },
          ],
        },
      ],
    },
    variables: {
      dkim_selector: "brevo1",
      dkimcname: "b1.example-com.dkim.brevo.com",
      dkim_selector2: "brevo2",
      dkimcname2: "b2.example-com.dkim.brevo.com",
      spf_rules: "include:spf.brevo.com",
    },
  },
  {
    provider: "cloudflare-email-routing",
    template: "cloudflare-email-routing.json",
    domain: "example.com",
    email: { inbound: { provider: "cloudflare-email-routing" } },
    variables: { priority1: "13", priority2: "86", priority3: "24" },
  },
];

describe("each mail preset plans exactly its provider's records", () => {
  test("every provider but custom has a case", () => {
    expect(new Set(cases.map((c) => c.provider))).toEqual(new Set(MAIL_PROVIDERS.filter((p) => p !== "custom")));
  });

  test.each(cases.map((c) => [`${c.provider} (${c.template})`, c] as const))("%s", (_, c) => {
    expect(providerRecords(c.email)).toEqual(applyTemplate(c.template, c.domain, c.variables));
  });
});

describe("return paths and links", () => {
  test("Resend's SES-style DKIM CNAMEs are taken as well as its TXT key, and its region defaults to us-east-1", () => {
    const records = providerRecords({
      senders: [{ provider: "resend", domain: "mail", dkim: [{ selector: "abcd1234", value: "abcd1234.dkim.amazonses.com" }] }],
    });
    expect(records).toEqual([
      "CNAME abcd1234._domainkey.mail.example.com abcd1234.dkim.amazonses.com",
      "MX send.mail.example.com 10 feedback-smtp.us-east-1.amazonses.com",
      "TXT send.mail.example.com v=spf1 include:amazonses.com ~all",
    ]);
  });

  test("a custom sender puts its SPF on its bounce subdomain, and its MX there is the records section's to declare", () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:email"].senders.push({ provider: "custom", domain: "news", include: "spf.mailer.example.net", returnPath: { name: "bounces" } });
    raw["launch-ready:records"] = [{ name: "bounces.news", type: "MX", content: "bounce.mailer.example.net", priority: 10 }];
    const parsed = parseStackConfig(raw);
    expect(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems)).toBe(true);
    const records = mailRecordSpecs(parsed.ok ? parsed.config : (undefined as never), "2026-12-01");
    expect(records.filter((r) => r.name.endsWith("news.example.com")).map((r) => `${r.type} ${r.name} ${r.content}`)).toEqual([
      "TXT bounces.news.example.com v=spf1 include:spf.mailer.example.net ~all",
    ]);
  });

  test("the prod example's Resend sender passes the bar, its SPF and bounce MX at send.mail, none at the sending name", async () => {
    const report = await planStack(exampleStack("prod"));
    expect(report.bar.filter((r) => r.id === "MAIL-SPF" || r.id === "MAIL-DKIM").map((r) => `${r.id}:${r.status}`)).toEqual([
      "MAIL-SPF:pass",
      "MAIL-DKIM:pass",
    ]);
    expect(report.resources.filter((r) => r.inputs.name === "mail.example.com" && r.inputs.type === "TXT")).toEqual([]);
    expect(
      report.resources
        .filter((r) => r.inputs.name === "send.mail.example.com")
        .map((r) => `${r.inputs.type} ${r.inputs.content}`)
        .sort(),
    ).toEqual(["MX feedback-smtp.us-east-1.amazonses.com", "TXT v=spf1 include:amazonses.com ~all"]);
  });

  test("MAIL-SPF fails when a provider's return-path CNAME is missing", async () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:email"].senders.push({ provider: "postmark", domain: "news", dkim: [{ selector: "20240101000000pm", value: `k=rsa; p=${KEY}` }] });
    const report = await planStack({ ...exampleStack("prod"), config: raw });
    const cname = report.resources.find((r) => r.inputs.name === "pm-bounces.news.example.com")!;
    expect(cname.inputs).toMatchObject({ type: "CNAME", content: "pm.mtasv.net", proxied: false });
    const { mailSpf } = await import("../policies/rules/mail-spf");
    const declared = report.resources.filter((r) => r.custom && r.urn !== cname.urn).map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs }));
    const parsed = parseStackConfig(raw);
    expect((await mailSpf.checkStackAsync!(declared, { config: parsed.ok ? parsed.config : undefined })).filter((v) => v.status === "fail")).toEqual([
      expect.objectContaining({ message: expect.stringContaining("pm-bounces.news.example.com should be a CNAME to pm.mtasv.net") }),
    ]);
  });

  test("what the provider's console must give, and what it documents, is checked when the file is read", () => {
    const sendgrid = problemsOf({ senders: [{ provider: "sendgrid", dkim: [{ selector: "s3", value: "s3.domainkey.u1.wl1.sendgrid.net" }] }] });
    expect(sendgrid.map((p) => `${p.path}: ${p.message.split(";")[0]}`)).toEqual([
      "launch-ready:email.senders[0].dkim[0].selector: is s3, but SendGrid publishes its keys at s1 and s2",
      "launch-ready:email.senders[0].returnPath.name: is missing",
    ]);
    const resend = problemsOf({ senders: [{ provider: "resend", region: "us-west-2", dkim: [{ selector: "mail", value: `p=${KEY}` }] }] });
    expect(resend.map((p) => p.path)).toEqual(["launch-ready:email.senders[0].dkim[0].selector", "launch-ready:email.senders[0].region"]);
    const wrongTarget = problemsOf({ senders: [{ provider: "postmark", returnPath: { target: "bounces.example.net" } }] });
    expect(wrongTarget[0]).toMatchObject({
      path: "launch-ready:email.senders[0].returnPath.target",
      message: expect.stringContaining("it looks like pm.mtasv.net"),
    });
    const receiver = problemsOf({ senders: [{ provider: "cloudflare-email-routing" }] });
    expect(receiver[0]).toMatchObject({
      path: "launch-ready:email.senders[0].provider",
      message: expect.stringContaining("declare it as launch-ready:email.inbound"),
    });
    const clash = problemsOf({
      senders: [{ provider: "resend", domain: "mail", links: [{ name: "send", target: "links1.resend-dns.com" }] }],
    });
    expect(clash[0]).toMatchObject({ path: "launch-ready:email.senders[0].links[0]", message: expect.stringContaining("already holds an SPF record") });
  });

  test("MTA-STS: refused without an inbound provider, with a ramp out of date order, or with a host at its mta-sts. name", () => {
    const noInbound = problemsOf({ mtaSts: { reports: ["tls@example.com"] } });
    expect(noInbound).toEqual([
      expect.objectContaining({ path: "launch-ready:email.mtaSts", message: expect.stringContaining("nobody receives mail at example.com") }),
    ]);
    const ramp = problemsOf({
      inbound: { provider: "google-workspace" },
      mtaSts: {
        mode: "testing",
        reports: ["tls@example.com"],
        ramp: [
          { from: "2027-02-01", mode: "enforce" },
          { from: "2027-01-01", mode: "testing" },
        ],
      },
    });
    expect(ramp.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "launch-ready:email.mtaSts.ramp[1].from: is 2027-01-01, not after the step before it (2027-02-01); list the steps in date order",
    ]);
    expect(problemsOf({ inbound: { provider: "google-workspace" }, mtaSts: { reports: [] } })[0]).toMatchObject({ path: "launch-ready:email.mtaSts.reports" });
    const raw = exampleConfig("prod");
    raw["launch-ready:hosts"].push({ name: "mta-sts", target: "203.0.113.9", purpose: "web" });
    const clash = parseStackConfig(raw);
    expect(clash.ok ? [] : clash.problems).toEqual([
      expect.objectContaining({ path: "launch-ready:email.mtaSts", message: expect.stringContaining("the Worker's custom domain needs the name to itself") }),
    ]);
  });

  test("Microsoft's newer DKIM targets are taken; strict SPF alignment with a bounce name below the sending name, and a link at the autodiscover name, are refused", () => {
    const newer = "selector1-example-com._domainkey.contoso.n-v1.dkim.mail.microsoft";
    expect(providerRecords({ senders: [{ provider: "microsoft-365", dkim: [{ selector: "selector1", value: newer }] }] })).toContain(
      `CNAME selector1._domainkey.example.com ${newer}`,
    );
    const strict = problemsOf({
      senders: [{ provider: "resend", domain: "mail", dkim: [{ selector: "resend", value: `p=${KEY}` }] }],
      dmarc: { rua: ["dmarc@example.com"], aspf: "s" },
    });
    expect(strict).toEqual([
      expect.objectContaining({ path: "launch-ready:email.dmarc.aspf", message: expect.stringContaining("resend (send.mail.example.com)") }),
    ]);
    const autodiscover = problemsOf({
      senders: [{ provider: "mailgun", links: [{ name: "autodiscover", target: "mailgun.org" }] }],
      inbound: { provider: "microsoft-365" },
    });
    expect(autodiscover).toEqual([
      expect.objectContaining({ path: "launch-ready:email.senders[0].links[0]", message: expect.stringContaining("the autodiscover CNAME") }),
    ]);
  });

  test("Cloudflare Email Routing's include joins the apex senders' SPF record instead of making a second one", () => {
    const records = providerRecords({ senders: [{ provider: "google-workspace" }], inbound: { provider: "cloudflare-email-routing" } });
    expect(records.filter((r) => r.startsWith("TXT example.com"))).toEqual([
      "TXT example.com v=spf1 include:_spf.google.com include:_spf.mx.cloudflare.net ~all",
    ]);
  });
});
