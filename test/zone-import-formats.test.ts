/**
 * The zone files founders actually have: Cloudflare's dashboard export as Cloudflare writes it, and
 * a registrar's BIND export of the same product; the canonical host the import infers from them;
 * and the --domain it suggests when the file is another zone's.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { importZone } from "../scripts/commands/import-zone";
import { planStack } from "../scripts/plan/plan-stack";
import type { PlanReport } from "../scripts/plan/plan-report";
import type { ImportOptions } from "../scripts/zone-import/draft";
import { readZone, ZoneImportError } from "../scripts/zone-import/zone-file";
import { mapZone } from "../scripts/zone-import/zone-import";
import { readStackFile } from "../stacks/stack-file";
import { parseStackConfig } from "../stacks/stack-config";
import { runInProcess, scratchDir } from "./helpers";

const CLOUDFLARE = join(__dirname, "fixtures", "cloudflare-export-product.txt");
const REGISTRAR = join(__dirname, "fixtures", "registrar-export.zone");
const DOMAIN = "quill-example.com";
const ZONE_ID = "0123456789abcdef0123456789abcdef";
const ACCOUNT_ID = "fedcba9876543210fedcba9876543210";
const DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
/** The fixtures' Google DKIM key as `openssl rsa -pubout` printed it, written out here, not read from them. */
const GOOGLE_DKIM =
  "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1/Dw73RUTFP0c2Mg2bkUy96O4MPi408yBssZBh7n0INeduORvyAtIcsZhv0+5YfCtfWoaVk+CzGO/T/rEXBSP3Lp0law36mJYX46hdkW8Rfb0afZ3/8K1gCVyGxRG0xGM5KcQe4Wa5KzQ6orxpETZQ/SzDhTQxCYzbSqWIhqRVjQL69Fr/SMPPzIyiVUzjHmFGzWI6X+ONv3Ax9qDG/PS7rOZhnFsnGh01rT7fskJoPrVSRg5gNCHqaTz+a1iE+SKxYYUzuoY3amCyPwn62U+o8ATlbTt+zYE8lg1OM4XU0U0y4ox6iLFqieCFAj8sPgGJ1Xj094ZHQToO5O+weZLQIDAQAB";

type Planned = { name: string; type: string; content?: string; priority?: number; proxied?: boolean; ttl?: number };

async function importFile(zoneFile: string, ...extra: string[]) {
  const out = scratchDir("launch-ready-formats-");
  const args = ["--zone-file", zoneFile, "--domain", DOMAIN, "--stack", "prod", "--out", out, "--zone-id", ZONE_ID, "--account-id", ACCOUNT_ID, ...extra];
  const run = await runInProcess(importZone, args, { failedAs: "import:zone failed" });
  return { run, out };
}

async function plannedOf(out: string): Promise<{ report: PlanReport; records: Planned[] }> {
  const report = await planStack(readStackFile(join(out, "Pulumi.prod.yaml")));
  const records = report.resources.filter((r) => r.type === DNS_RECORD).map((r) => r.inputs as unknown as Planned);
  return { report, records };
}

const at = (records: Planned[], name: string, type: string) => {
  const found = records.filter((r) => r.name === name && r.type === type);
  expect(found, `${name} ${type}`).toHaveLength(1);
  return found[0];
};

/** A record as a resolver sees it, without what the kit may set differently (proxy, TTL). */
const answer = (r: Planned) => `${r.name} ${r.type} ${r.priority ?? ""} ${r.content}`;

describe("a Cloudflare dashboard export, as Cloudflare writes it", () => {
  test("imports every record: cf_tags carry the proxy status, TTL 1 stays automatic, the split DKIM key is one string again", async () => {
    const { run, out } = await importFile(CLOUDFLARE, "--json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.unmapped).toEqual([]);
    expect(report.skipped.map((entry: any) => entry.record.type)).toEqual(["SOA", "NS", "NS"]);
    const { report: plan, records } = await plannedOf(out);

    // cf-proxied:true and :false as the export says; the apex redirects to www, so it is proxied, and the report says why.
    expect(at(records, `api.${DOMAIN}`, "CNAME").proxied).toBe(true);
    for (const name of [`www.${DOMAIN}`, `docs.${DOMAIN}`, `status.${DOMAIN}`]) expect(at(records, name, "CNAME").proxied, name).toBe(false);
    expect(at(records, DOMAIN, "A").proxied).toBe(true);
    expect(report.notes).toContainEqual(
      expect.objectContaining({ record: expect.objectContaining({ name: DOMAIN, type: "A" }), note: expect.stringContaining("it will be proxied") }),
    );

    // Cloudflare's TTL 1 is "automatic": the kit's automatic TTL (1), not its 300-second default and not a 1-second TTL refused.
    for (const [name, type] of [
      [`www.${DOMAIN}`, "CNAME"],
      [`docs.${DOMAIN}`, "CNAME"],
    ])
      expect(at(records, name, type).ttl, `${name} ${type}`).toBe(1);
    expect(at(records, `api.${DOMAIN}`, "CNAME").ttl).toBe(1);
    expect(plan.bar.filter((r) => r.id === "DNS-SANE" && r.status === "fail")).toEqual([]);

    // "..." "..." is one string, joined without a separator (RFC 1035 3.3.14, RFC 6376 3.6.2.2).
    expect(at(records, `google._domainkey.${DOMAIN}`, "TXT").content).toBe(GOOGLE_DKIM);
    expect(plan.bar.filter((r) => r.id.startsWith("MAIL-") && r.id !== "MAIL-TRANSPORT" && r.status === "fail")).toEqual([]);
    // An export holds no MTA-STS policy to take: the plan asks for one where it is written.
    expect(plan.bar.filter((r) => r.id === "MAIL-TRANSPORT").map((r) => [r.status, r.configPath])).toEqual([["fail", "launch-ready:email.mtaSts"]]);
    expect(plan.bar.filter((r) => r.id === "MAIL-SPF" || r.id === "MAIL-DKIM").map((r) => r.status)).toEqual(["pass", "pass"]);

    // Resend's send. MX and SPF are its bounce name, not a sender of their own: one Resend sender at the apex holds them and its key.
    const stack = readStackFile(join(out, "Pulumi.prod.yaml"));
    expect((stack.config["launch-ready:email"] as any).senders).toEqual([
      { provider: "resend", dkim: [{ selector: "resend", value: expect.stringMatching(/^p=MIGf/) }] },
      { provider: "google-workspace", dkim: [{ selector: "google", value: GOOGLE_DKIM }] },
    ]);
    expect(report.notes).toContainEqual(
      expect.objectContaining({ record: expect.objectContaining({ name: `send.${DOMAIN}`, type: "TXT" }), note: expect.stringContaining("Resend sender") }),
    );
    expect(at(records, `send.${DOMAIN}`, "MX").content).toBe("feedback-smtp.us-east-1.amazonses.com");
    expect(at(records, `send.${DOMAIN}`, "TXT").content).toBe("v=spf1 include:amazonses.com ~all");
  });
});

describe("a registrar's BIND export", () => {
  test("reads $ORIGIN, $TTL, @, relative and continued owners, names with and without the dot, and an SOA in parentheses", () => {
    const records = readZone(readFileSync(REGISTRAR, "utf8"), DOMAIN);
    expect(records.map((r) => `${r.name} ${r.ttl} ${r.type}`)).toEqual([
      `${DOMAIN} 3600 SOA`,
      `${DOMAIN} 3600 NS`,
      `${DOMAIN} 3600 NS`,
      `${DOMAIN} 600 A`,
      `${DOMAIN} 3600 MX`,
      `${DOMAIN} 3600 TXT`,
      `www.${DOMAIN} 3600 CNAME`,
      `api.${DOMAIN} 300 CNAME`,
      `docs.${DOMAIN} 3600 CNAME`,
      `status.${DOMAIN} 3600 CNAME`,
      `google._domainkey.${DOMAIN} 3600 TXT`,
      `_dmarc.${DOMAIN} 3600 TXT`,
      `resend._domainkey.${DOMAIN} 3600 TXT`,
      // After $ORIGIN send.quill-example.com.: @ is send, and the line without owner or class continues it.
      `send.${DOMAIN} 3600 MX`,
      `send.${DOMAIN} 3600 TXT`,
    ]);
    expect(records[0].content).toBe(`ns1.registrar-dns.net. hostmaster.${DOMAIN}. 2026112801 10800 3600 1209600 3600`);
  });

  test("plans the same records as the product's Cloudflare export, each TTL the file gives kept", async () => {
    const registrar = await importFile(REGISTRAR, "--json");
    expect(registrar.run.stderr).toBe("");
    expect(registrar.run.code).toBe(0);
    const report = JSON.parse(registrar.run.stdout);
    expect(report.unmapped).toEqual([]);
    expect(report.mapped.length + report.skipped.length).toBe(readZone(readFileSync(REGISTRAR, "utf8"), DOMAIN).length);
    const cloudflare = await importFile(CLOUDFLARE);
    expect(cloudflare.run.code).toBe(0);
    const fromRegistrar = (await plannedOf(registrar.out)).records;
    const fromCloudflare = (await plannedOf(cloudflare.out)).records;
    expect(fromRegistrar.map(answer).sort()).toEqual(fromCloudflare.map(answer).sort());
    expect(at(fromRegistrar, `google._domainkey.${DOMAIN}`, "TXT").content).toBe(GOOGLE_DKIM);
    // $TTL 1h for the DNS-only docs host; api's 300 is the kit's default; proxied hosts answer with automatic TTL.
    expect(at(fromRegistrar, `docs.${DOMAIN}`, "CNAME").ttl).toBe(3600);
    // Every mail record the kit writes has its one TTL, and the report says so for each it changes.
    expect(at(fromRegistrar, `resend._domainkey.${DOMAIN}`, "TXT").ttl).toBe(300);
    expect(JSON.parse(registrar.run.stdout).notes).toContainEqual(
      expect.objectContaining({
        record: expect.objectContaining({ name: `resend._domainkey.${DOMAIN}` }),
        note: expect.stringContaining("TTL 3600 becomes 300"),
      }),
    );
    expect(at(fromRegistrar, `api.${DOMAIN}`, "CNAME")).toMatchObject({ proxied: true, ttl: 1 });
  });

  test("read for init, an entry that does not read as one record, or a directive the import does not follow, is refused with its line, never skipped", () => {
    const cases: Array<[string, RegExp]> = [
      ["@ IN A 203.0.113.5\nwww\n", /^--zone-file: line 2 \[www\] is not imported: does not read as one record/],
      ["@ IN A 203.0.113.5\nbad!name IN A 203.0.113.6\n", /line 2 \[bad!name IN A 203\.0\.113\.6\] is not imported: does not read as one record/],
      ["$INCLUDE other.zone\n@ IN A 203.0.113.5\n", /line 1 \[\$INCLUDE other\.zone\] is not imported: \$INCLUDE names another file \(other\.zone\)/],
      ["@ IN A 203.0.113.5\n@ IN SOA ns.example.net. h.example.org. ( 1 2 3\n 4 5\n", /line 2 .* is not imported: opens a parenthesis that is never closed/],
      // A file with no record at all says so, and names the lines nothing was read from.
      ["  IN A 203.0.113.5\n", /holds no records; nothing was imported from line 1 \[IN A 203\.0\.113\.5\]: has no owner name and no record above it/],
    ];
    for (const [text, message] of cases) {
      expect(() => readZone(text, "example.org"), text).toThrow(ZoneImportError);
      expect(() => readZone(text, "example.org"), text).toThrow(message);
    }
  });

  test("a target relative to a later $ORIGIN is under that origin; a blank owner after it continues the record above", () => {
    const records = readZone('@ IN A 203.0.113.5\n$ORIGIN mail\nsmtp IN CNAME relay\n  IN TXT "x"\n', "example.org");
    expect(records.slice(1).map((r) => `${r.name} ${r.type} ${r.content}`)).toEqual([
      "smtp.mail.example.org CNAME relay.mail.example.org.",
      'smtp.mail.example.org TXT "x"',
    ]);
  });
});

const OPTIONS: ImportOptions = {
  domain: "example.org",
  zoneId: ZONE_ID,
  accountId: ACCOUNT_ID,
  plan: "free",
  environment: "production",
  today: "2026-12-01",
  source: "test.zone",
};
const canonicalOf = (body: string, options: Partial<ImportOptions> = {}) => {
  const result = mapZone(readZone(`$TTL 300\n${body}\n`, "example.org"), { ...OPTIONS, ...options });
  expect(result.config["launch-ready:canonical"]).toEqual({ host: result.canonical.host });
  return result.canonical;
};

describe("the canonical host, without --canonical", () => {
  test("is inferred from which of the pair serves the site, and says from which records", () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        "@ IN A 192.0.2.1 ; cf_tags=cf-proxied:true\nwww IN CNAME cname.vercel-dns.com.",
        "www",
        /example\.org holds only 192\.0\.2\.1, Cloudflare's placeholder/,
      ],
      ["@ IN AAAA 100:: ; cf_tags=cf-proxied:true\nwww IN A 203.0.113.5", "www", /holds only 100::/],
      [
        "@ IN URL301 https://www.example.org/\nwww IN CNAME cname.vercel-dns.com.",
        "www",
        /example\.org has URL301 https:\/\/www\.example\.org\/, a registrar's web forwarding/,
      ],
      ["@ IN A 203.0.113.5\nwww IN A 192.0.2.1 ; cf_tags=cf-proxied:true", "apex", /www\.example\.org holds only 192\.0\.2\.1/],
      ["@ IN A 203.0.113.5\nwww IN CNAME @", "apex", /www\.example\.org is a CNAME to example\.org, which serves the site/],
      ["@ IN CNAME www\nwww IN CNAME cname.vercel-dns.com.", "www", /example\.org is a CNAME to www\.example\.org/],
      ["@ IN A 203.0.113.5", "apex", /the zone has no www\.example\.org, and example\.org serves the site/],
      ["www IN CNAME cname.vercel-dns.com.", "www", /the zone has no record for example\.org/],
    ];
    for (const [body, host, why] of cases) {
      const choice = canonicalOf(body);
      expect(choice, body).toMatchObject({ host, by: "zone" });
      expect(choice.why, body).toMatch(why);
    }
  });

  test("is the kit's default www when both serve the site, and --canonical overrides any inference", () => {
    expect(canonicalOf("@ IN A 76.76.21.21\nwww IN CNAME cname.vercel-dns.com.")).toMatchObject({
      host: "www",
      by: "default",
      why: expect.stringContaining("give --canonical apex"),
    });
    expect(canonicalOf("@ IN A 192.0.2.1\nwww IN CNAME cname.vercel-dns.com.", { canonical: "apex" })).toEqual({
      host: "apex",
      by: "flag",
      why: "given by --canonical apex",
    });
  });

  test("is named in the report, text and --json, with why", async () => {
    const dir = scratchDir("launch-ready-formats-");
    const redirecting = join(dir, "redirecting.txt");
    writeFileSync(redirecting, readFileSync(CLOUDFLARE, "utf8").replace("76.76.21.21 ; cf_tags=cf-proxied:false", "192.0.2.1 ; cf_tags=cf-proxied:true"));
    const json = await importFile(redirecting, "--json");
    expect(json.run.code).toBe(0);
    expect(JSON.parse(json.run.stdout).canonical).toEqual({
      host: "www",
      name: `www.${DOMAIN}`,
      by: "zone",
      why: `${DOMAIN} holds only 192.0.2.1, Cloudflare's placeholder for a name that only redirects, and www.${DOMAIN} serves the site`,
    });
    const text = await importFile(redirecting);
    expect(text.run.stdout).toContain(`Canonical host: www.${DOMAIN} (launch-ready:canonical www), inferred: ${DOMAIN} holds only 192.0.2.1`);
    expect(text.run.stdout).toContain("Give --canonical apex for the other.");
    const given = await importFile(redirecting, "--canonical", "apex");
    expect(given.run.code).toBe(0);
    expect(given.run.stdout).toContain(`Canonical host: ${DOMAIN} (launch-ready:canonical apex), given by --canonical apex.`);
    expect(readStackFile(join(given.out, "Pulumi.prod.yaml")).config["launch-ready:canonical"]).toEqual({ host: "apex" });
    const help = await runInProcess(importZone, ["--help"]);
    expect(help.stdout).toMatch(/--canonical HOST +apex \| www: the host the other redirects to\. Without it the import infers it/);
  });
});

describe("the --domain the import suggests", () => {
  /** Every `--domain X` a message suggests. */
  const suggested = (message: string) => [...message.matchAll(/give --domain (\S+?)[,;.]?(?:\s|$)/g)].map((match) => match[1]);

  test("is the zone the file names, never one doubled under --domain", () => {
    const cloudflare = readFileSync(CLOUDFLARE, "utf8");
    const cases: Array<[string, string, string]> = [
      // Cloudflare's SOA owner has no final dot: read under --domain it would be quill-example.com.example.org.
      [cloudflare, "example.org", DOMAIN],
      [cloudflare, `app.${DOMAIN}`, DOMAIN],
      [cloudflare, "com", DOMAIN],
      [readFileSync(REGISTRAR, "utf8"), "example.org", DOMAIN],
      ["$ORIGIN quill-example.com\n@ IN A 203.0.113.5\n", "example.org", DOMAIN],
      ["example.com IN SOA ns.example.net. h.example.com. 1 2 3 4 5\n@ IN A 203.0.113.5\n", "example.org", "example.com"],
      ["$ORIGIN example.org.\nsub.example.org. IN SOA ns.example.net. h.example.org. 1 2 3 4 5\n", "example.org", "sub.example.org"],
    ];
    for (const [text, domain, zone] of cases) {
      let message = "";
      try {
        readZone(text, domain);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, `${domain}: ${text.slice(0, 40)}`).toMatch(/^--domain: /);
      expect(suggested(message), message).toEqual([zone]);
      expect(message).not.toContain(`${zone}.${domain}`);
    }
  });

  test("on the command line too: the Cloudflare export imported as another domain exits 2 suggesting its own", async () => {
    const run = await runInProcess(importZone, [
      ...["--zone-file", CLOUDFLARE, "--domain", "example.com", "--stack", "prod", "--out", join(scratchDir(), "out")],
      ...["--zone-id", ZONE_ID, "--account-id", ACCOUNT_ID, "--json"],
    ]);
    expect(run.code).toBe(2);
    const error = JSON.parse(run.stderr).error as string;
    expect(suggested(error)).toEqual([DOMAIN]);
    expect(error).not.toContain(`${DOMAIN}.example.com`);
  });
});

describe("each mail provider's records are recognised as its preset", () => {
  const KEY =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC6o7X5FiCDFvY61uZtVrTY2IOPlvb76NQHmW7DoRHOKCUVk1mEAfZW+y4Zbf2um6fKVWzz8NfLijUYgNA3JuwKN0JleUtghgn1Pzn6txvLVpBVfa+3rTbhD3u9PhKxA/NGnbKtNeSS6vZQsost4/dYY4LOfXbhl1pYW0qLUurg6QIDAQAB";
  const importOf = (body: string) => {
    const result = mapZone(readZone(`$TTL 300\n@ IN A 76.76.21.21\nwww IN CNAME example.org.\n${body}\n`, "example.org"), OPTIONS);
    return { result, email: result.config["launch-ready:email"] as any };
  };

  test("Postmark's return path, SendGrid's return path, keys and link branding, Resend's click tracking on its own name", () => {
    const { result, email } = importOf(
      [
        `20240101000000pm._domainkey.mail IN TXT "k=rsa; p=${KEY}"`,
        "pm-bounces.mail IN CNAME pm.mtasv.net.",
        "em1234 IN CNAME u1234.wl123.sendgrid.net.",
        "s1._domainkey IN CNAME s1.domainkey.u1234.wl123.sendgrid.net.",
        "s2._domainkey IN CNAME s2.domainkey.u1234.wl123.sendgrid.net.",
        "url1234 IN CNAME sendgrid.net.",
        `resend._domainkey.news IN TXT "p=${KEY}"`,
        "send.news IN MX 10 feedback-smtp.eu-west-1.amazonses.com.",
        'send.news IN TXT "v=spf1 include:amazonses.com ~all"',
        "links.news IN CNAME links1.resend-dns.com.",
      ].join("\n"),
    );
    expect(result.unmapped).toEqual([]);
    expect(email.senders).toEqual([
      {
        provider: "resend",
        domain: "news",
        region: "eu-west-1",
        dkim: [{ selector: "resend", value: `p=${KEY}` }],
        links: [{ name: "links", target: "links1.resend-dns.com" }],
      },
      { provider: "postmark", domain: "mail", dkim: [{ selector: "20240101000000pm", value: `k=rsa; p=${KEY}` }] },
      {
        provider: "sendgrid",
        returnPath: { name: "em1234", target: "u1234.wl123.sendgrid.net" },
        dkim: [
          { selector: "s1", value: "s1.domainkey.u1234.wl123.sendgrid.net" },
          { selector: "s2", value: "s2.domainkey.u1234.wl123.sendgrid.net" },
        ],
        links: [{ name: "url1234", target: "sendgrid.net" }],
      },
    ]);
    // None of the providers' CNAMEs became a host.
    expect((result.config["launch-ready:hosts"] as any[]).map((host) => host.name)).toEqual(["@", "www"]);
    // The imported stack reads, and plans those records back.
    const parsed = parseStackConfig(result.config);
    expect(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems)).toBe(true);
  });

  test("Cloudflare Email Routing's MX and its SPF include become the inbound preset, not a custom sender", () => {
    const { result, email } = importOf(
      [
        // Cloudflare picks the priorities at random per zone; these are not the preset's.
        "@ IN MX 7 route1.mx.cloudflare.net.",
        "@ IN MX 17 route2.mx.cloudflare.net.",
        "@ IN MX 96 route3.mx.cloudflare.net.",
        '@ IN TXT "v=spf1 include:_spf.mx.cloudflare.net ~all"',
      ].join("\n"),
    );
    expect(result.unmapped).toEqual([]);
    expect(email.inbound).toEqual({
      provider: "cloudflare-email-routing",
      mx: [
        { host: "route1.mx.cloudflare.net", priority: 7 },
        { host: "route2.mx.cloudflare.net", priority: 17 },
        { host: "route3.mx.cloudflare.net", priority: 96 },
      ],
    });
    expect(email.senders).toBeUndefined();
  });

  test("a click-tracking CNAME with no sender of its provider is listed as not kept, with why", () => {
    const { result } = importOf("links IN CNAME links1.resend-dns.com.");
    expect(result.unmapped).toEqual([
      expect.objectContaining({
        record: expect.objectContaining({ name: "links.example.org" }),
        reason: expect.stringContaining("no Resend sender at example.org"),
      }),
    ]);
  });
});

describe("hosts on a hosting platform's own targets take its preset", () => {
  test("unless the preset would change how the host is served today, which the report says", () => {
    const zone = [
      "$TTL 300",
      "@ IN A 76.76.21.21",
      "www IN CNAME example.org.",
      "app IN CNAME d1d4fc829fe7bc7c.vercel-dns-017.com. ; cf_tags=cf-proxied:false",
      "shop IN CNAME 0a1b2c3d4e5f6a7b.vercel-dns-017.com. ; cf_tags=cf-proxied:true",
      "api IN CNAME quill-api.fly.dev. ; cf_tags=cf-proxied:true",
      "docs IN CNAME quill-docs.pages.dev. ; cf_tags=cf-proxied:false",
      "",
    ].join("\n");
    const result = mapZone(readZone(zone, "example.org"), OPTIONS);
    const hosts = result.config["launch-ready:hosts"] as Array<Record<string, unknown>>;
    const byName = Object.fromEntries(hosts.map(({ name, ...rest }) => [name, rest]));
    // DNS-only, as Vercel's preset serves it: the preset, no proxied key.
    expect(byName.app).toMatchObject({ platform: "vercel" });
    expect(byName.app).not.toHaveProperty("proxied");
    // Fly runs behind the proxy; Pages may be DNS-only below the apex, so that stays written.
    expect(byName.api).toMatchObject({ platform: "fly" });
    expect(byName.docs).toMatchObject({ platform: "cloudflare-pages", proxied: false });
    // Proxied in front of Vercel, which its preset refuses: imported as it is, without the preset, and said.
    expect(byName.shop).not.toHaveProperty("platform");
    expect(byName["@"]).not.toHaveProperty("platform");
    expect(result.notes).toContainEqual(
      expect.objectContaining({
        record: expect.objectContaining({ name: "shop.example.org" }),
        note: expect.stringContaining("without platform: vercel"),
      }),
    );
    expect(result.notes).toContainEqual(
      expect.objectContaining({ record: expect.objectContaining({ name: "api.example.org" }), note: expect.stringContaining("takes platform: fly") }),
    );
    const parsed = parseStackConfig(result.config);
    expect(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems)).toBe(true);
  });
});
