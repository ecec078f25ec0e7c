import { generateKeyPairSync } from "node:crypto";
import { describe, expect, test } from "vitest";
import { effectiveDmarcPolicy, mailRecordSpecs } from "../components/mail-auth/mail-records";
import { planStack } from "../scripts/plan/plan-stack";
import { parseStackConfig, type ConfigProblem } from "../stacks/stack-config";
import { exampleConfig, exampleStack, parsedExample } from "./helpers";

const dkimKey = (bits = 2048) =>
  `v=DKIM1; k=rsa; p=${generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ type: "spki", format: "der" }).toString("base64")}`;

function problemsOf(raw: Record<string, any>): ConfigProblem[] {
  const parsed = parseStackConfig(raw);
  if (parsed.ok) throw new Error("expected the config to be refused");
  return parsed.problems;
}

function withEmail(email: Record<string, unknown>, stack = "prod"): Record<string, any> {
  const raw = exampleConfig(stack);
  raw["launch-ready:email"] = email;
  return raw;
}

async function barOf(raw: Record<string, any>, stack = "prod") {
  const report = await planStack({ ...exampleStack(stack), config: raw });
  return { report, failing: report.bar.filter((r) => r.status === "fail") };
}

describe("the prod example's mail", () => {
  test("plans Google's MX, SPF and DKIM, Resend's key and bounce records, and DMARC, which pass", async () => {
    const records = mailRecordSpecs(parsedExample("prod"), "2026-11-25");
    expect(records.map((r) => `${r.type} ${r.name} ${r.priority ?? ""} ${r.content.slice(0, 40)}`.replace(/\s+/g, " ").trim())).toEqual([
      "TXT _dmarc.example.com v=DMARC1; p=reject; rua=mailto:dmarc-rep",
      // Receiving mail: MTA-STS and TLS-RPT (MAIL-TRANSPORT).
      "TXT _mta-sts.example.com v=STSv1; id=ac6f47006ccd76569d4ccafa3a12",
      "TXT _smtp._tls.example.com v=TLSRPTv1; rua=mailto:tls-reports@examp",
      "MX example.com 1 smtp.google.com",
      "TXT example.com v=spf1 include:_spf.google.com ~all",
      "TXT google._domainkey.example.com v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQ",
      "TXT resend._domainkey.mail.example.com p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ",
      "MX send.mail.example.com 10 feedback-smtp.us-east-1.amazonses.com",
      "TXT send.mail.example.com v=spf1 include:amazonses.com ~all",
    ]);
    expect(records.every((r) => !r.proxied)).toBe(true);
    const { report } = await barOf(exampleConfig("prod"));
    expect(report.bar.filter((r) => r.id.startsWith("MAIL-")).map((r) => `${r.id}:${r.status}`)).toEqual([
      "MAIL-SPF:pass",
      "MAIL-DKIM:pass",
      "MAIL-DMARC:pass",
      "MAIL-PARKED:not-applicable",
      "MAIL-TRANSPORT:pass",
    ]);
  });
});

describe("bad mail config is refused when read", () => {
  test("an SPF record needing 11 lookups names the count", () => {
    const senders = ["google-workspace", "custom", "custom", "custom", "custom", "custom", "custom", "custom"].map((provider, i) =>
      provider === "custom" ? { provider, include: `spf${i}.mailer.example.net` } : { provider },
    );
    const [found] = problemsOf(withEmail({ senders }));
    expect(found).toMatchObject({ path: "launch-ready:email.senders", message: expect.stringContaining("needs 11 DNS lookups") });
  });

  test("a truncated DKIM key, and mail records beside a CNAME", () => {
    const truncated = problemsOf(withEmail({ senders: [{ provider: "postmark", dkim: [{ selector: "pm", value: dkimKey().slice(0, 120) }] }] }));
    expect(truncated[0]).toMatchObject({ path: "launch-ready:email.senders[0].dkim[0].value", message: expect.stringContaining("truncated") });
    const beside = problemsOf(withEmail({ senders: [{ provider: "postmark", domain: "docs" }], parked: ["status"] }));
    expect(beside.map((p) => p.path)).toEqual(["launch-ready:email.senders[0].domain", "launch-ready:email.parked[0]"]);
    expect(beside[0].message).toContain("cannot stand beside a CNAME");
  });

  test("DMARC needs a report address", () => {
    expect(problemsOf(withEmail({ dmarc: { policy: "reject", rua: [] } }))[0]).toMatchObject({ path: "launch-ready:email.dmarc.rua" });
  });
});

describe("MAIL-* on planned records", () => {
  test("v=spf1 +all fails MAIL-SPF, and so do two SPF records at one name", async () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:email"].senders.push({ provider: "custom", domain: "mailer", addresses: ["198.51.100.7"] });
    const { report } = await barOf(raw);
    const spf = report.resources.find((r) => r.inputs.name === "mailer.example.com" && r.inputs.type === "TXT")!;
    expect(spf.inputs.content).toBe("v=spf1 ip4:198.51.100.7 ~all");
    // The rule judges what is declared: edit the declared record as a hand-written one would read.
    const { mailSpf } = await import("../policies/rules/mail-spf");
    const declared = report.resources.filter((r) => r.custom).map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs }));
    const plusAll = declared.map((r) => (r.urn === spf.urn ? { ...r, props: { ...r.props, content: "v=spf1 +all" } } : r));
    const config = parseStackConfig(raw);
    expect((await mailSpf.checkStackAsync!(plusAll, { config: config.ok ? config.config : undefined })).filter((v) => v.status === "fail")).toEqual([
      expect.objectContaining({ message: expect.stringContaining('"+all" lets anyone send') }),
    ]);
    const twice = [...declared, { ...declared.find((r) => r.urn === spf.urn)!, urn: `${spf.urn}-2`, props: { ...spf.inputs, content: "v=spf1 -all" } }];
    expect((await mailSpf.checkStackAsync!(twice, { config: config.ok ? config.config : undefined })).filter((v) => v.status === "fail")[0]).toMatchObject({
      message: expect.stringContaining("publishes 2 SPF records"),
    });
    // check_host() runs over the declared records: a permissive record the stack includes, a grammar
    // error, and void lookups at the stack's own names all fail, where the record's own text looks fine.
    const judged = async (content: string, extra: typeof declared = []) =>
      (
        await mailSpf.checkStackAsync!([...declared.map((r) => (r.urn === spf.urn ? { ...r, props: { ...r.props, content } } : r)), ...extra], {
          config: config.ok ? config.config : undefined,
        })
      )
        .filter((v) => v.status === "fail")
        .map((v) => v.message);
    const open = {
      ...declared.find((r) => r.urn === spf.urn)!,
      urn: `${spf.urn}-open`,
      props: { ...spf.inputs, name: "_spf.example.com", content: "v=spf1 +all" },
    };
    expect(await judged("v=spf1 include:_spf.example.com ~all", [open])).toEqual([
      "mailer.example.com: the SPF record authorises 192.0.2.123, an address no sender owns, through _spf.example.com: all: remove the permissive term",
      "mailer.example.com: the SPF record authorises 2001:db8::123, an address no sender owns, through _spf.example.com: all: remove the permissive term",
      '_spf.example.com: "+all" lets anyone send as the domain; end the record with -all or ~all',
    ]);
    expect(await judged("v=spf1 ip4:198.51.100.300 ~all")).toEqual([
      'mailer.example.com: the SPF record has "ip4:198.51.100.300", which is not an IPv4 address',
    ]);
    // Names the stack declares answer as declared (here: MX only, so their A lookups are void); other names are someone else's.
    const mxOnly = [1, 2, 3].map((i) => ({
      ...open,
      urn: `${spf.urn}-x${i}`,
      props: { ...open.props, name: `x${i}.mailer.example.com`, type: "MX", content: "mx.example.net" },
    }));
    const aTerms = "a:x1.mailer.example.com a:x2.mailer.example.com a:x3.mailer.example.com";
    expect(await judged(`v=spf1 ${aTerms} ~all`, mxOnly)).toEqual([
      "mailer.example.com: the SPF record is a permanent error for receivers: mailer.example.com: a:x3.mailer.example.com is void lookup 3 (no answer); more than 2 is a permanent error (RFC 7208 4.6.4)",
    ]);
    expect(await judged(`v=spf1 ${aTerms} ~all`)).toEqual([]);
    expect(await judged("v=spf1 include=_spf.google.com ~all")).toEqual([
      'mailer.example.com: "include=_spf.google.com" is read as an unknown modifier and ignored (RFC 7208 6); write include:_spf.google.com',
    ]);
    // A provider's include costs what the provider documents, without reading its record.
    expect(await judged("v=spf1 include:_spf.google.com include:spf.protection.outlook.com ~all")).toEqual([]);
  });

  test("p=none fails MAIL-DMARC in production, is advisory in staging, and a dated ramp tightens it", async () => {
    const prod = exampleConfig("prod");
    prod["launch-ready:email"].dmarc.policy = "none";
    expect((await barOf(prod)).failing).toEqual([
      expect.objectContaining({ id: "MAIL-DMARC", level: "mandatory", message: expect.stringContaining("p=none") }),
    ]);
    const staging = exampleConfig("staging");
    staging["launch-ready:email"].dmarc.policy = "none";
    // The staging apex is parked too, and a parked name must reject: that part is not relaxed.
    expect((await barOf(staging, "staging")).failing.map((r) => [r.id, r.level])).toEqual([
      ["MAIL-DMARC", "advisory"],
      ["MAIL-PARKED", "mandatory"],
    ]);
    const ramp = {
      policy: "none" as const,
      rua: ["d@example.com"],
      ruf: [],
      adkim: "r" as const,
      aspf: "r" as const,
      ramp: [
        { from: "2027-01-01", policy: "quarantine" as const },
        { from: "2027-02-01", policy: "reject" as const },
      ],
    };
    expect(["2026-12-31", "2027-01-01", "2027-02-01"].map((day) => effectiveDmarcPolicy(ramp, day))).toEqual(["none", "quarantine", "reject"]);
  });

  test("a parked domain publishes -all, a null MX and DMARC reject; a sender without DKIM fails MAIL-DKIM", async () => {
    const records = mailRecordSpecs(parsedExample("staging"), "2026-11-25");
    expect(records.map((r) => `${r.type} ${r.name} ${r.priority ?? ""} ${r.content.slice(0, 24)}`.replace(/\s+/g, " ").trim())).toEqual([
      "TXT _dmarc.staging.example.com v=DMARC1; p=reject; rua=",
      "MX staging.example.com 0 .",
      "TXT staging.example.com v=spf1 -all",
    ]);
    const raw = exampleConfig("prod");
    raw["launch-ready:email"].senders[0].dkim = [];
    expect((await barOf(raw)).failing).toEqual([expect.objectContaining({ id: "MAIL-DKIM", message: expect.stringContaining("has no DKIM record") })]);
  });
});

describe("Amazon SES through @pulumi/aws", () => {
  test("a domain identity with Easy DKIM, its three CNAMEs, and a custom MAIL FROM with MX and SPF", async () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:email"].senders.push({ provider: "amazon-ses", domain: "notify", ses: { region: "eu-west-1" } });
    const { report } = await barOf(raw);
    const identity = report.resources.find((r) => r.type === "aws:sesv2/emailIdentity:EmailIdentity")!;
    expect(identity.inputs).toMatchObject({
      emailIdentity: "notify.example.com",
      region: "eu-west-1",
      dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT" },
    });
    const dkim = report.resources.filter((r) => r.name.startsWith("notify.example.com-ses-dkim-"));
    expect(dkim.map((r) => [r.inputs.type, r.inputs.name, r.inputs.content])).toEqual([1, 2, 3].map(() => ["CNAME", "[unknown]", "[unknown]"]));
    expect(report.resources.find((r) => r.type === "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes")!.inputs).toMatchObject({
      mailFromDomain: "mail.notify.example.com",
      behaviorOnMxFailure: "REJECT_MESSAGE",
    });
    const mailFrom = report.resources
      .filter((r) => r.inputs.name === "mail.notify.example.com")
      .map((r) => [r.inputs.type, r.inputs.content, r.inputs.priority])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(mailFrom).toEqual([
      ["MX", "feedback-smtp.eu-west-1.amazonses.com", 10],
      ["TXT", "v=spf1 include:amazonses.com ~all", undefined],
    ]);
    expect(report.bar.filter((r) => r.status === "fail")).toEqual([]);
    expect(report.bar.find((r) => r.id === "MAIL-DKIM")!.status).toBe("pass");
  });
});
