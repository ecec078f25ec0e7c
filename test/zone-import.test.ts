import { execFileSync } from "node:child_process";
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, type PathLike } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import Table from "cli-table3";
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { parseDmarc } from "../domain/mail/dmarc";
import { parseSpf } from "../domain/mail/spf";
import { MAX_STACK_RECORDS } from "../components/zone-records";
import { importZone as importZoneVerb } from "../scripts/commands/import-zone";
import { planStack } from "../scripts/plan/plan-stack";
import type { PlanReport } from "../scripts/plan/plan-report";
import type { ImportOptions, ZoneImport } from "../scripts/zone-import/draft";
import { renderTable } from "../scripts/zone-import/report";
import {
  buildImportPlan,
  checkCoverage,
  checkRecordListMatches,
  checkRecordListZone,
  readRecordIds,
  type PlannedResource,
} from "../scripts/zone-import/zone-coverage";
import { fileLines, readZone, readZoneLines, ZoneImportError } from "../scripts/zone-import/zone-file";
import { mapZone } from "../scripts/zone-import/zone-import";
import { cloudflareTokenPermissions } from "../stacks/access";
import { parseStackConfig } from "../stacks/stack-config";
import { readStackFile } from "../stacks/stack-file";
import { runEntryFile, runInProcess, scratchDir } from "./helpers";

/**
 * A rename made to fail, for the all-or-nothing write, and the paths the kit touches, for the
 * import that must open no file but the zone file: every module of the kit this file loads reads
 * node:fs through this mock, which passes every call through, failing a rename once a test sets
 * `failing` and noting each path while a test collects them in `touched`.
 */
const renameFault = vi.hoisted(() => ({ failing: undefined as undefined | ((from: string, to: string) => boolean) }));
const fsPaths = vi.hoisted(() => ({ touched: undefined as undefined | string[] }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const renameSync = (from: PathLike, to: PathLike): void => {
    if (renameFault.failing?.(String(from), String(to))) throw new Error("injected: the disk is full");
    fs.renameSync(from, to);
  };
  // Every call that names a path to read, look at or open.
  const byPath = ["openSync", "readFileSync", "existsSync", "statSync", "lstatSync", "accessSync", "createReadStream"] as const;
  const noted = Object.fromEntries(
    byPath.map((name) => {
      const original = fs[name] as (...args: unknown[]) => unknown;
      return [
        name,
        (...args: unknown[]) => {
          fsPaths.touched?.push(String(args[0]));
          return original(...args);
        },
      ];
    }),
  );
  return { ...fs, ...noted, renameSync, default: { ...fs, ...noted, renameSync } };
});
afterEach(() => {
  renameFault.failing = undefined;
  fsPaths.touched = undefined;
});

const tempDir = (prefix = "launch-ready-import-") => scratchDir(prefix);

const FIXTURE = join(__dirname, "fixtures", "example-zone.txt");
const RECORD_IDS = join(__dirname, "fixtures", "example-zone-records.json");
const ZONE_ID = "0123456789abcdef0123456789abcdef";
const ACCOUNT_ID = "fedcba9876543210fedcba9876543210";
const DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";

const OPTIONS: ImportOptions = {
  domain: "example.org",
  zoneId: ZONE_ID,
  accountId: ACCOUNT_ID,
  plan: "free",
  environment: "production",
  canonical: "www",
  owner: "ops@example.org",
  today: "2026-11-20",
  source: "example-zone.txt",
};

/**
 * The fixture's records as a person reads them, written out by hand, not by the importer: what a
 * stack planned from it must hold. SPF and DMARC by meaning (the kit writes its own text), CAA and
 * SRV by their data, proxied where the export's cf_tags say.
 */
const DKIM_KEY =
  "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAm27Fj8qbZkAMWrYZy7jy6u5HnmNxuLN7gDhC/13UH/bFoS2nx0Bedo1a1GeYJ0G+F6sE6j1cSGDNE44V6iASxN6jQmBE1sNJqmPz1yNoFY7x0jPvIKiNlf4SGEJcyxJoxB78iy2Iq6hNgZHvrpBfgXZ7n05lnsoj6cYxm2TCLrZdlfG5YonTzJZK36NpYinM0i6urGzI79wn60Daj2byuBe0gf//j1vpMpeNjsqhwB4TZmBkDF8+hxMBwhzd4Lxcd2QvE5d6COeuA1uWrnah4/HJOKWknypgtbGMy/Sb74FoOsKWBZ+cQNL2A6oa7YU5FsH4GJ4U3NqHdITQkAKkzQIDAQAB";
type Expected = { name: string; type: string; matches: (inputs: Record<string, any>) => boolean; proxied?: boolean };
const content = (value: string) => (inputs: Record<string, any>) => inputs.content === value;
const EXPECTED_RECORDS: Expected[] = [
  { name: "example.org", type: "A", matches: content("192.0.2.10"), proxied: true },
  { name: "example.org", type: "AAAA", matches: content("2001:db8::10"), proxied: true },
  { name: "www.example.org", type: "CNAME", matches: content("example.org"), proxied: true },
  { name: "api.example.org", type: "CNAME", matches: (i) => i.content === "example-api.fly.dev" && i.ttl === 300, proxied: false },
  { name: "status.example.org", type: "CNAME", matches: content("statuspage.betteruptime.com"), proxied: false },
  { name: "*.preview.example.org", type: "CNAME", matches: content("example-previews.vercel.app"), proxied: false },
  { name: "_acme-challenge.api.example.org", type: "CNAME", matches: (i) => i.content === "api.acme-dns.example.net" && i.ttl === 120 },
  { name: "example.org", type: "MX", matches: (i) => i.content === "smtp.google.com" && i.priority === 1 },
  {
    name: "example.org",
    type: "TXT",
    matches: (i) => {
      const spf = parseSpf(i.content);
      return (
        spf.ok &&
        spf.record.terms
          .map((t) => (t.kind === "mechanism" ? `${t.qualifier}${t.name}:${t.value ?? ""}` : ""))
          .sort()
          .join(" ") === "+include:_spf.google.com +ip4:198.51.100.25 ~all:"
      );
    },
  },
  { name: "example.org", type: "TXT", matches: content("google-site-verification=example-only-token-4f1c") },
  { name: "google._domainkey.example.org", type: "TXT", matches: content(DKIM_KEY) },
  {
    name: "_dmarc.example.org",
    type: "TXT",
    matches: (i) => {
      const dmarc = parseDmarc(i.content).record;
      return dmarc?.p === "quarantine" && dmarc.rua.join() === "dmarc-reports@example.org" && dmarc.adkim === "r" && dmarc.aspf === "r";
    },
  },
  { name: "example.org", type: "CAA", matches: (i) => i.data?.tag === "issue" && i.data?.value === "letsencrypt.org" && i.data?.flags === 0 },
  { name: "example.org", type: "CAA", matches: (i) => i.data?.tag === "iodef" && i.data?.value === "mailto:security@example.org" },
  {
    name: "_sip._tls.example.org",
    type: "SRV",
    matches: (i) => isDeepStrictEqual(i.data, { priority: 100, weight: 1, port: 443, target: "sipdir.online.lync.com" }),
  },
];

function zoneText(body: string): string {
  return `$TTL 300\n@ IN SOA ns.example.net. hostmaster.example.org. 1 7200 3600 1209600 300\n${body}\n`;
}

function imported(body: string, options: Partial<ImportOptions> = {}): ZoneImport {
  return mapZone(readZone(zoneText(body), "example.org"), { ...OPTIONS, ...options });
}

function plannedRecords(report: PlanReport): PlannedResource[] {
  return report.resources.filter((resource) => resource.type === DNS_RECORD);
}

/** Plans an import's config offline, as the CLI does before writing. */
function planImport(result: ZoneImport): Promise<PlanReport> {
  const dir = tempDir("launch-ready-zone-");
  return planStack(
    { stack: "imported", path: join(dir, "Pulumi.imported.yaml"), config: result.config, secretKeys: [], secureValues: [], encryption: {} },
    { on: OPTIONS.today },
  );
}

/** The fixture's record list with every name moved to another domain: another zone's list. */
function otherZoneRecords(domain: string): unknown {
  const body = JSON.parse(readFileSync(RECORD_IDS, "utf8"));
  for (const record of body.result) record.name = String(record.name).replace(/example\.org$/, domain);
  return body;
}

describe("the example zone file", () => {
  let result: ZoneImport;
  let report: PlanReport;
  beforeAll(async () => {
    result = mapZone(readZone(readFileSync(FIXTURE, "utf8"), "example.org"), OPTIONS);
    const dir = tempDir("launch-ready-zone-");
    report = await planStack(
      { stack: "imported", path: join(dir, "Pulumi.imported.yaml"), config: result.config, secretKeys: [], secureValues: [], encryption: {} },
      { on: OPTIONS.today },
    );
  });

  test("imports to a config the schema accepts and the program plans", () => {
    const parsed = parseStackConfig(result.config);
    expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    expect(report.summary.zone).toBe("example.org");
    expect(report.summary.canonicalUrl).toBe("https://www.example.org");
  });

  test("every record of the zone but the SOA, the apex NS and the unsupported HTTPS record is planned, and nothing else", () => {
    const planned = plannedRecords(report);
    for (const expected of EXPECTED_RECORDS) {
      const found = planned.filter((r) => r.inputs.name === expected.name && r.inputs.type === expected.type && expected.matches(r.inputs));
      expect(found, `${expected.name} ${expected.type}`).toHaveLength(1);
      if (expected.proxied !== undefined) expect(found[0].inputs.proxied, `${expected.name} proxied`).toBe(expected.proxied);
    }
    expect(planned).toHaveLength(EXPECTED_RECORDS.length);
    // A record added to the fixture must be added above too: everything dnsz reads is accounted for.
    const read = readZone(readFileSync(FIXTURE, "utf8"), "example.org");
    expect(read).toHaveLength(EXPECTED_RECORDS.length + 3 + 1);
  });

  test("what is not imported is listed with the reason, never dropped", () => {
    expect(result.skipped.map(({ record }) => record.type)).toEqual(["SOA", "NS", "NS"]);
    const whole = result.unmapped.filter((entry) => entry.part === undefined);
    expect(whole).toHaveLength(1);
    expect(whole[0].record.type).toBe("HTTPS");
    expect(whole[0].reason).toMatch(/not HTTPS; it stays in Cloudflare as it is/);
    const parts = result.unmapped.filter((entry) => entry.part !== undefined);
    expect(parts.map((entry) => entry.part)).toEqual(["pct=100", "fo=1"]);
    expect(parts.every((entry) => entry.record.name === "_dmarc.example.org")).toBe(true);
    expect(result.mapped.length + result.skipped.length + whole.length).toBe(readZone(readFileSync(FIXTURE, "utf8"), "example.org").length);
  });

  test("the wildcard is kept under a DNS-SUBDOMAINS waiver owned by --owner, for 90 days", () => {
    expect(result.config["launch-ready:waivers"]).toEqual([
      expect.objectContaining({
        id: "DNS-SUBDOMAINS",
        owner: "ops@example.org",
        expires: "2027-02-18",
        reason: expect.stringContaining("*.preview.example.org"),
      }),
    ]);
    expect(report.bar.find((r) => r.id === "DNS-SUBDOMAINS" && r.status === "waived")).toBeDefined();
  });

  test("the coverage check finds every imported record among the planned ones", () => {
    const coverage = checkCoverage(result, report.resources);
    expect(coverage.gaps).toEqual([]);
    expect(coverage.unaccounted).toEqual([]);
    expect(coverage.matched).toHaveLength(result.mapped.length);
  });

  test("the coverage check fails a record the plan lacks or writes differently", () => {
    const withoutCaa = report.resources.filter((r) => !(r.type === DNS_RECORD && r.inputs.type === "CAA" && (r.inputs.data as any).tag === "iodef"));
    expect(checkCoverage(result, withoutCaa).gaps.map((gap) => `${gap.record.type} ${gap.to}`)).toEqual(["CAA launch-ready:records[3]"]);
    const otherSpf = report.resources.map((r) =>
      r.type === DNS_RECORD && String(r.inputs.content).startsWith("v=spf1")
        ? { ...r, inputs: { ...r.inputs, content: "v=spf1 include:sendgrid.net ~all" } }
        : r,
    );
    expect(checkCoverage(result, otherSpf).gaps).toEqual([expect.objectContaining({ problem: expect.stringContaining("authorises other senders") })]);
    const otherDmarc = report.resources.map((r) =>
      r.type === DNS_RECORD && r.inputs.name === "_dmarc.example.org"
        ? { ...r, inputs: { ...r.inputs, content: "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.org" } }
        : r,
    );
    expect(checkCoverage(result, otherDmarc).gaps).toEqual([expect.objectContaining({ problem: expect.stringContaining("in p") })]);
  });

  test("the import file adopts each planned record under site > site-dns with Cloudflare's record ID", () => {
    const live = readRecordIds(JSON.parse(readFileSync(RECORD_IDS, "utf8")));
    const plan = buildImportPlan(report.resources, ZONE_ID, live);
    expect(plan.created).toEqual([]);
    expect(plan.unmanaged.map((record) => record.type)).toEqual(["HTTPS"]);
    expect(plan.file.resources.slice(0, 2)).toEqual([
      { type: "launch-ready:index:Site", name: "site", component: true },
      { type: "launch-ready:cloudflare:DnsRecords", name: "site_dns", logicalName: "site-dns", parent: "site", component: true },
    ]);
    expect(plan.file.resources.slice(2)).toHaveLength(EXPECTED_RECORDS.length);
  });

  test("a record list of another zone, or one that matches no imported record, is refused naming --record-ids", () => {
    const live = readRecordIds(JSON.parse(readFileSync(RECORD_IDS, "utf8")));
    const coverage = checkCoverage(result, report.resources);
    expect(() => checkRecordListZone(live, "example.org", ZONE_ID)).not.toThrow();
    expect(() => checkRecordListMatches(buildImportPlan(report.resources, ZONE_ID, live), coverage, live, "example.org")).not.toThrow();

    const other = readRecordIds(otherZoneRecords("example.com"));
    expect(() => checkRecordListZone(other, "example.org", ZONE_ID)).toThrow(
      /^--record-ids: holds 16 records outside example\.org \(example\.com A, .*\); it looks like the record list of example\.com/,
    );
    const lookalike = readRecordIds(otherZoneRecords("notexample.org"));
    expect(() => checkRecordListZone(lookalike, "example.org", ZONE_ID)).toThrow(/looks like the record list of notexample\.org/);
    const otherId = readRecordIds({ result: live.map((record) => ({ ...record, zone_id: "ffffffffffffffffffffffffffffffff", zone_name: "example.org" })) });
    expect(() => checkRecordListZone(otherId, "example.org", ZONE_ID)).toThrow(
      /--record-ids: holds records of the zone ID f{32} \(example\.org\), not of --zone-id/,
    );

    const empty = readRecordIds({ result: [] });
    expect(() => checkRecordListMatches(buildImportPlan(report.resources, ZONE_ID, empty), coverage, empty, "example.org")).toThrow(
      /^--record-ids: holds no records, so import\.json would adopt none of the 15 records imported/,
    );
    // Names of the zone, but none of its records as imported: an old list.
    const stale = live
      .filter((record) => record.type === "HTTPS" || record.type === "NS")
      .concat({ id: "0".repeat(32), name: "old.example.org", type: "A", content: "192.0.2.99" });
    expect(() => checkRecordListZone(stale, "example.org", ZONE_ID)).not.toThrow();
    expect(() => checkRecordListMatches(buildImportPlan(report.resources, ZONE_ID, stale), coverage, stale, "example.org")).toThrow(
      /^--record-ids: matches none of the 15 records imported from the zone file \(it holds example\.org HTTPS, old\.example\.org A\); it looks like an old list of example\.org/,
    );
  });
});

describe("mapping edge cases", () => {
  test("a host named like an object's own property gets the purpose any unknown label gets", () => {
    const result = imported("@ IN A 203.0.113.5\nwww IN CNAME example.org.\nconstructor IN CNAME example.org.\nbuilder IN CNAME example.org.");
    const hosts = result.config["launch-ready:hosts"] as Array<{ name: string; purpose: string }>;
    expect(hosts.filter((h) => h.name === "constructor" || h.name === "builder").map((h) => [h.name, h.purpose])).toEqual([
      ["constructor", "other"],
      ["builder", "other"],
    ]);
  });

  test("SPF terms the senders cannot hold are listed as not kept, the rest becomes senders", () => {
    const result = imported(
      '@ IN A 203.0.113.5\n@ IN TXT "v=spf1 a mx include:_spf.google.com ip6:2001:db8::/48 ptr exists:%{i}.spf.example.net redirect=_spf.example.net -all"',
    );
    expect(result.config["launch-ready:email"]).toMatchObject({
      senders: [{ provider: "google-workspace" }, { provider: "custom", addresses: ["2001:db8::/48"] }],
      spfAll: "-all",
    });
    const parts = result.unmapped.map((entry) => entry.part);
    expect(parts).toEqual(["a", "mx", "ptr", "exists:%{i}.spf.example.net", "redirect=_spf.example.net"]);
    expect(result.unmapped[0].reason).toMatch(/addresses/);
    expect(result.unmapped[2].reason).toMatch(/RFC 7208 5\.5/);
  });

  test("an SPF record with nothing the kit can write stays in Cloudflare, listed", () => {
    const result = imported('@ IN A 203.0.113.5\nlegacy IN TXT "v=spf1 a mx ~all"');
    expect(result.config["launch-ready:email"]).toBeUndefined();
    expect(result.unmapped).toEqual([expect.objectContaining({ reason: expect.stringContaining("has no include or ip4/ip6 term") })]);
  });

  test("SPF endings differing between names follow the apex's, and the other is listed", () => {
    const result = imported('@ IN A 203.0.113.5\n@ IN TXT "v=spf1 include:_spf.google.com -all"\nsend IN TXT "v=spf1 include:amazonses.com ~all"');
    // An SES include with no feedback MX beside it is no MAIL FROM the SES preset writes: it stays a custom sender's, where it is.
    expect(result.config["launch-ready:email"]).toMatchObject({
      spfAll: "-all",
      senders: [{ provider: "google-workspace" }, { provider: "custom", domain: "send", include: "amazonses.com" }],
    });
    expect(result.unmapped).toEqual([expect.objectContaining({ part: "~all", reason: expect.stringContaining("will end -all") })]);
    const parsed = parseStackConfig(result.config);
    expect(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems)).toBe(true);
  });

  test("an apex SPF without all (ending in redirect=) leaves the kit's ~all for the zone; a subdomain's -all is listed as not kept", async () => {
    const result = imported(
      [
        "@ IN A 203.0.113.5",
        'send IN TXT "v=spf1 include:spf.mailer.example.net -all"',
        '@ IN TXT "v=spf1 include:_spf.google.com redirect=_spf.example.net"',
        'news IN TXT "v=spf1 include:spf.news.example.net ~all"',
      ].join("\n"),
    );
    expect((result.config["launch-ready:email"] as any).spfAll).toBeUndefined();
    const endings = result.unmapped.filter((entry) => /all$/.test(entry.part ?? ""));
    expect(endings).toEqual([
      expect.objectContaining({
        part: "-all",
        reason: expect.stringContaining("the apex has no SPF record ending -all or ~all, so the kit's default ~all applies; this record will end ~all"),
      }),
    ]);
    expect(endings[0].record.name).toBe("send.example.org");
    expect(result.notes).toContainEqual(expect.objectContaining({ note: "has no all term; the kit ends every SPF record with ~all" }));

    const report = await planImport(result);
    const spfAt = (name: string) => plannedRecords(report).find((r) => r.inputs.name === name && String(r.inputs.content).startsWith("v=spf1"))!;
    for (const name of ["example.org", "send.example.org", "news.example.org"]) expect(String(spfAt(name).inputs.content), name).toMatch(/ ~all$/);
    expect(checkCoverage(result, report.resources).gaps).toEqual([]);
    // The coverage check holds every SPF record to the ending the import reported, not only to its senders.
    const send = spfAt("send.example.org");
    const endingAsZone = report.resources.map((r) =>
      r === send ? { ...r, inputs: { ...r.inputs, content: String(r.inputs.content).replace(/~all$/, "-all") } } : r,
    );
    expect(checkCoverage(result, endingAsZone).gaps).toEqual([
      expect.objectContaining({ problem: expect.stringContaining("ends -all, but the import kept email.spfAll ~all") }),
    ]);
  });

  test("CAA records differing only in flags, and SRV records only in priority, plan as distinct DnsRecords, each covered", async () => {
    const result = imported(
      [
        "@ IN A 203.0.113.5",
        '@ IN CAA 0 issue "letsencrypt.org"',
        '@ IN CAA 128 issue "letsencrypt.org"',
        "_sip._tls IN SRV 10 1 443 sip.example.net.",
        "_sip._tls IN SRV 20 1 443 sip.example.net.",
      ].join("\n"),
    );
    expect(result.mapped.filter(({ record }) => record.type === "CAA" || record.type === "SRV")).toHaveLength(4);
    const report = await planImport(result);
    const names = plannedRecords(report).map((r) => r.name);
    expect(
      names.filter((name, index) => names.indexOf(name) !== index),
      "logical names planned twice (pulumi up fails with a duplicate URN)",
    ).toEqual([]);
    const coverage = checkCoverage(result, report.resources);
    expect(coverage.gaps).toEqual([]);
    expect(coverage.matched).toHaveLength(result.mapped.length);
  });

  test("DMARC tags the schema holds are kept, the others listed with why", () => {
    const result = imported(
      '@ IN A 203.0.113.5\n_dmarc IN TXT "v=DMARC1; p=reject; sp=quarantine; rua=mailto:a@example.org,mailto:b@example.org; ruf=mailto:f@example.org; adkim=s; aspf=s; ri=3600; rf=afrf; np=reject"',
    );
    expect((result.config["launch-ready:email"] as any).dmarc).toEqual({
      policy: "reject",
      subdomainPolicy: "quarantine",
      rua: ["a@example.org", "b@example.org"],
      ruf: ["f@example.org"],
      adkim: "s",
      aspf: "s",
    });
    expect(result.unmapped.map((entry) => entry.part)).toEqual(["ri=3600", "rf=afrf", "np=reject"]);
    expect(result.unmapped[0].reason).toMatch(/RFC 9989/);
  });

  test("a DMARC record without rua cannot be email.dmarc and is listed", () => {
    const result = imported('@ IN A 203.0.113.5\n_dmarc IN TXT "v=DMARC1; p=none"');
    expect((result.config["launch-ready:email"] as any)?.dmarc).toBeUndefined();
    expect(result.unmapped).toEqual([expect.objectContaining({ reason: expect.stringContaining("no rua=") })]);
  });

  test("a wildcard needs --owner, named in the error", () => {
    expect(() => imported("@ IN A 203.0.113.5\n*.preview IN CNAME previews.example.net.", { owner: undefined })).toThrow(ZoneImportError);
    try {
      imported("@ IN A 203.0.113.5\n*.preview IN CNAME previews.example.net.", { owner: undefined });
    } catch (error) {
      expect((error as ZoneImportError).option).toBe("--owner");
      expect((error as Error).message).toMatch(/\*\.preview\.example\.org.*DNS-SUBDOMAINS.*--owner/);
    }
  });

  test("A and AAAA records of one name become one host with an address list; the purpose comes from the name", () => {
    const result = imported(
      "@ IN A 203.0.113.5\napp IN A 203.0.113.5\napp IN AAAA 2001:db8::5\napp IN A 203.0.113.6\nmail IN A 203.0.113.9\nadmin IN CNAME admin.fly.dev.",
    );
    expect(result.config["launch-ready:hosts"]).toEqual([
      { name: "@", target: "203.0.113.5", purpose: "web" },
      { name: "www", target: "example.org", purpose: "web" },
      { name: "app", target: ["203.0.113.5", "2001:db8::5", "203.0.113.6"], purpose: "web" },
      { name: "mail", target: "203.0.113.9", purpose: "mail" },
      { name: "admin", target: "admin.fly.dev", purpose: "admin", platform: "fly" },
    ]);
    // Without Cloudflare's cf_tags the proxy status is the kit's default, and the report says so.
    expect(result.notes.filter((note) => /no cf_tags/.test(note.note))).toHaveLength(4);
  });

  test("relative targets and @ resolve against the zone, as BIND reads them", () => {
    const result = imported("@ IN A 203.0.113.5\nwww IN CNAME @\ndocs IN CNAME app\napp IN A 203.0.113.6\n@ IN MX 0 .");
    expect(result.config["launch-ready:hosts"]).toEqual([
      { name: "@", target: "203.0.113.5", purpose: "web" },
      { name: "www", target: "example.org", purpose: "web" },
      { name: "docs", target: "app.example.org", purpose: "docs" },
      { name: "app", target: "203.0.113.6", purpose: "web" },
    ]);
    // A null MX at an apex that neither sends nor receives: the apex is parked, as the kit would park it anyway.
    expect(result.config["launch-ready:email"]).toEqual({ parked: ["@"] });
  });

  test("a missing www is added as a CNAME to the apex and reported", () => {
    const result = imported("@ IN A 203.0.113.5");
    expect(result.added).toEqual([{ to: "launch-ready:hosts[1]", what: "www.example.org → example.org", why: expect.stringContaining("DNS-CANONICAL") }]);
    expect(parseStackConfig(result.config).ok).toBe(true);
  });

  test("a missing apex takes www's addresses; the redirecting host is proxied whatever the zone said", () => {
    const result = imported("www IN A 203.0.113.5 ; cf_tags=cf-proxied:false", { canonical: "apex" });
    expect(result.config["launch-ready:hosts"]).toEqual([
      { name: "@", target: "203.0.113.5", purpose: "web" },
      { name: "www", target: "203.0.113.5", purpose: "web" },
    ]);
    expect(result.notes).toEqual([expect.objectContaining({ note: expect.stringContaining("it will be proxied") })]);
  });

  test("an apex MX set is a preset only when it is exactly the preset's", () => {
    const preset = imported("@ IN A 203.0.113.5\n@ IN MX 1 smtp.google.com.");
    expect((preset.config["launch-ready:email"] as any).inbound).toEqual({ provider: "google-workspace" });
    const legacy = imported("@ IN A 203.0.113.5\n@ IN MX 1 aspmx.l.google.com.\n@ IN MX 5 alt1.aspmx.l.google.com.");
    expect((legacy.config["launch-ready:email"] as any).inbound).toEqual({
      provider: "custom",
      mx: [
        { host: "aspmx.l.google.com", priority: 1 },
        { host: "alt1.aspmx.l.google.com", priority: 5 },
      ],
    });
  });

  test("v=spf1 -all on a name that neither sends nor receives parks it; its null MX and p=reject DMARC are the kit's", () => {
    const result = imported('@ IN A 203.0.113.5\nnews IN TXT "v=spf1 -all"\nnews IN MX 0 .\n_dmarc.news IN TXT "v=DMARC1; p=reject"');
    expect((result.config["launch-ready:email"] as any).parked).toEqual(["news"]);
    expect(result.mapped.filter((entry) => entry.to === "launch-ready:email.parked[0]")).toHaveLength(3);
  });

  test("a DKIM key joins its sender; one without a sender at its name, and service records, go to launch-ready:records", () => {
    const result = imported(
      [
        "@ IN A 203.0.113.5",
        '@ IN TXT "v=spf1 include:spf.protection.outlook.com -all"',
        "selector1._domainkey IN CNAME selector1-example-org._domainkey.example.onmicrosoft.com.",
        "s1._domainkey IN CNAME s1.domainkey.u123.wl.sendgrid.net.",
        "_sip._tls IN SRV 100 1 443 sipdir.online.lync.com.",
        '@ IN CAA 128 issuewild ";"',
        "dev IN NS ns1.example.net.",
      ].join("\n"),
    );
    expect((result.config["launch-ready:email"] as any).senders).toEqual([
      { provider: "microsoft-365", dkim: [{ selector: "selector1", value: "selector1-example-org._domainkey.example.onmicrosoft.com" }] },
    ]);
    expect(result.config["launch-ready:records"]).toEqual([
      { name: "s1._domainkey", type: "CNAME", content: "s1.domainkey.u123.wl.sendgrid.net" },
      { name: "_sip._tls", type: "SRV", priority: 100, weight: 1, port: 443, target: "sipdir.online.lync.com" },
      { name: "@", type: "CAA", flags: 128, tag: "issuewild", value: ";" },
      { name: "dev", type: "NS", content: "ns1.example.net" },
    ]);
  });

  test("unsupported types and records outside the domain are listed, never dropped", () => {
    const result = imported(
      "@ IN A 203.0.113.5\n@ IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m\nold.example.com. IN A 203.0.113.7\n_ldap._tcp IN A 203.0.113.8",
    );
    expect(result.unmapped.map((entry) => `${entry.record.type} ${entry.record.name}`)).toEqual([
      "LOC example.org",
      "A old.example.com",
      "A _ldap._tcp.example.org",
    ]);
    expect(result.unmapped.map((entry) => entry.reason)).toEqual([
      expect.stringContaining("not LOC"),
      expect.stringContaining("outside example.org"),
      expect.stringContaining("service name"),
    ]);
  });

  test("a zone file of another domain is refused naming --domain", () => {
    expect(() => readZone("$ORIGIN example.com.\n@ IN A 203.0.113.5\n", "example.org")).toThrow(
      /--domain: is example.org, but the zone file's \$ORIGIN is example.com/,
    );
    expect(() => readZone("example.com. IN SOA ns.example.net. h.example.com. 1 2 3 4 5\n", "example.org")).toThrow(/SOA record is for example.com/);
    expect(() => readZone("hello world\n", "example.org")).toThrow(ZoneImportError);
  });
});

/** The import:zone verb in this process, as `npm run import:zone -- ...` runs it through its entry file. */
function importCli(...args: string[]) {
  return importCliIn(undefined, ...args);
}

/** The verb run from `cwd`, where relative --zone-file and --out paths start. */
function importCliIn(cwd: string | undefined, ...args: string[]) {
  return runInProcess(importZoneVerb, args, { failedAs: "import:zone failed", ...(cwd ? { cwd } : {}) });
}

const REQUIRED = (out: string, zoneFile = FIXTURE) => [
  "--zone-file",
  zoneFile,
  "--domain",
  "example.org",
  "--stack",
  "imported",
  "--out",
  out,
  "--zone-id",
  ZONE_ID,
  "--account-id",
  ACCOUNT_ID,
];

describe("a zone exported from the Cloudflare dashboard, as Cloudflare writes it", () => {
  test("imports in one command into a stack that plans every record it held, MAIL-* passing", async () => {
    const out = tempDir();
    const zoneFile = join(__dirname, "fixtures", "cloudflare-export.txt");
    const run = await importCli(
      ...["--zone-file", zoneFile, "--domain", "quill-example.com", "--stack", "prod", "--out", out, "--zone-id", ZONE_ID, "--account-id", ACCOUNT_ID],
      "--json",
    );
    // Its SOA owner is written without the final dot: it is the apex, not quill-example.com.quill-example.com.
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.unmapped).toEqual([]);
    const planned = await planStack(readStackFile(join(out, "Pulumi.prod.yaml")));
    const names = plannedRecords(planned).map((r) => `${r.inputs.type} ${r.inputs.name}`);
    expect(names.sort()).toEqual(
      [
        "A quill-example.com",
        "CNAME api.quill-example.com",
        "CNAME app.quill-example.com",
        "CNAME docs.quill-example.com",
        "CNAME status.quill-example.com",
        "CNAME www.quill-example.com",
        "MX quill-example.com",
        "TXT quill-example.com",
        "TXT google._domainkey.quill-example.com",
        "TXT _dmarc.quill-example.com",
      ].sort(),
    );
    // The DKIM key's two strings are one key again.
    const dkim = plannedRecords(planned).find((r) => r.inputs.name === "google._domainkey.quill-example.com");
    expect(String(dkim?.inputs.content)).toMatch(/^"?v=DKIM1; k=rsa; p=MIIB[A-Za-z0-9+/]+IDAQAB"?$/);
    expect(planned.bar.filter((r) => r.id.startsWith("MAIL-") && r.id !== "MAIL-TRANSPORT" && r.status === "fail")).toEqual([]);
    // An export holds no MTA-STS policy to take: the plan asks for one where it is written.
    expect(planned.bar.filter((r) => r.id === "MAIL-TRANSPORT").map((r) => [r.status, r.configPath])).toEqual([["fail", "launch-ready:email.mtaSts"]]);
  });

  test("a name written without its final dot that is not in the domain stays relative, as BIND reads it", () => {
    const records = readZone("www\t1\tIN\tCNAME\tquill-example.com.\nquill-example.com\t1\tIN\tA\t192.0.2.1\n", "quill-example.com");
    expect(records.map((r) => r.name)).toEqual(["www.quill-example.com", "quill-example.com"]);
  });
});

describe("npm run import:zone", () => {
  test("writes a stack file that plans and an import file with Cloudflare's IDs; refuses to overwrite without --force", async () => {
    const out = tempDir();
    const run = await importCli(...REQUIRED(out), "--owner", "ops@example.org", "--record-ids", RECORD_IDS, "--json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.files).toEqual({ stack: join(out, "Pulumi.imported.yaml"), importFile: join(out, "import.json"), removed: [] });
    expect(report.unmapped.map((entry: any) => entry.part ?? entry.record.type)).toEqual(["HTTPS", "pct=100", "fo=1"]);
    expect(report.createdByPulumiUp).toEqual([]);
    expect(report.bar.failures.map((failure: any) => failure.id)).toContain("OPS-HANDOVER");
    expect(report.nextSteps.join("\n")).toMatch(/pulumi import --file .*import\.json --stack imported/);

    const text = readFileSync(join(out, "Pulumi.imported.yaml"), "utf8");
    expect(text.split("\n")[0]).toMatch(/^# yaml-language-server: \$schema=.*stacks\/schema\.json$/);
    expect(text).toContain("from example-zone.txt on");
    const written = readStackFile(join(out, "Pulumi.imported.yaml"));
    const planned = await planStack(written);
    expect(plannedRecords(planned)).toHaveLength(EXPECTED_RECORDS.length);
    // The token's permissions are the kit's own list for this stack (stacks/access.ts), not a guess.
    const parsed = parseStackConfig(written.config);
    const permissions = parsed.ok ? cloudflareTokenPermissions(parsed.config) : [];
    expect(permissions.length).toBeGreaterThan(0);
    expect(report.cloudflareTokenPermissions).toEqual(permissions);
    const tokenStep: string = report.nextSteps.find((step: string) => step.includes("cloudflare:apiToken"));
    expect(tokenStep).toContain(`# a token scoped to example.org only, with: ${permissions.map((p) => p.permission).join(", ")}`);

    const live = JSON.parse(readFileSync(RECORD_IDS, "utf8")).result as Array<Record<string, any>>;
    const file = JSON.parse(readFileSync(join(out, "import.json"), "utf8"));
    expect(file.nameTable).toEqual({});
    const [site, dns, ...records] = file.resources;
    expect(site).toEqual({ type: "launch-ready:index:Site", name: "site", component: true });
    expect(dns).toMatchObject({ type: "launch-ready:cloudflare:DnsRecords", logicalName: "site-dns", parent: "site", component: true });
    expect(records).toHaveLength(EXPECTED_RECORDS.length);
    for (const entry of records) {
      expect(entry.type).toBe(DNS_RECORD);
      expect(entry.parent).toBe(dns.name);
      const resource = plannedRecords(planned).find((r) => r.name === (entry.logicalName ?? entry.name))!;
      expect(resource, entry.logicalName).toBeDefined();
      // The ID is the one Cloudflare lists for that name, type and value.
      const candidates = live.filter((record) => record.name === resource.inputs.name && record.type === resource.inputs.type);
      const chosen = candidates.length === 1 ? candidates[0] : candidates.find((record) => sameLiveValue(record, resource.inputs));
      expect(entry.id, entry.logicalName).toBe(`${ZONE_ID}/${chosen!.id}`);
    }

    const again = await importCli(...REQUIRED(out), "--owner", "ops@example.org", "--record-ids", RECORD_IDS);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exist.*--force/);
    expect(readFileSync(join(out, "Pulumi.imported.yaml"), "utf8")).toBe(text);
    // Without --record-ids, --force also removes the import.json written for the stack it replaces.
    const forced = await importCli(...REQUIRED(out), "--owner", "ops@example.org", "--canonical", "apex", "--force", "--json");
    expect(forced.code).toBe(0);
    expect(readStackFile(join(out, "Pulumi.imported.yaml")).config["launch-ready:canonical"]).toEqual({ host: "apex" });
    expect(JSON.parse(forced.stdout).files).toEqual({ stack: join(out, "Pulumi.imported.yaml"), importFile: null, removed: [join(out, "import.json")] });
    expect(readdirSync(out)).toEqual(["Pulumi.imported.yaml"]);
  });

  test("an import.json of an earlier run is refused without --record-ids, and removed with --force, saying so", async () => {
    const out = tempDir();
    const earlier = '{"nameTable":{},"resources":[]}\n';
    writeFileSync(join(out, "import.json"), earlier);
    const refused = await importCli(...REQUIRED(out), "--owner", "ops@example.org");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /import\.json already exists; nothing was written\. Give --force to overwrite \(without --record-ids, --force removes .*import\.json: written by an earlier run, it would not match the new stack/,
    );
    expect(readdirSync(out)).toEqual(["import.json"]);
    expect(readFileSync(join(out, "import.json"), "utf8")).toBe(earlier);

    const forced = await importCli(...REQUIRED(out), "--owner", "ops@example.org", "--force");
    expect(forced.code).toBe(0);
    expect(readdirSync(out)).toEqual(["Pulumi.imported.yaml"]);
    expect(forced.stdout).toMatch(/^Removed \S*import\.json: an earlier run wrote it, and without --record-ids it would not match the new stack\.$/m);
    expect(forced.stdout).toContain("import.json was not written");
  });

  test("a write that fails halfway puts the earlier files back and writes nothing", async () => {
    // Fails the second rename (the new import.json into place), after the stack file was renamed in.
    const dir = tempDir();
    renameFault.failing = (from, to) => from.endsWith(".tmp") && to.endsWith("import.json");
    const out = join(dir, "out");
    mkdirSync(out);
    const earlierStack = "# the earlier stack\nconfig: {}\n";
    const earlierImport = '{"nameTable":{},"resources":[]}\n';
    writeFileSync(join(out, "Pulumi.imported.yaml"), earlierStack);
    writeFileSync(join(out, "import.json"), earlierImport);
    const run = await importCli(...REQUIRED(out), "--owner", "ops@example.org", "--record-ids", RECORD_IDS, "--force");
    expect(run.code).toBe(1);
    expect(readdirSync(out).sort()).toEqual(["Pulumi.imported.yaml", "import.json"]);
    expect(readFileSync(join(out, "Pulumi.imported.yaml"), "utf8")).toBe(earlierStack);
    expect(readFileSync(join(out, "import.json"), "utf8")).toBe(earlierImport);
    expect(run.stderr).toMatch(/^Nothing was written: injected: the disk is full; .*out is as it was\.$/m);
    expect(run.stdout).toBe("");

    // Into a directory that did not exist: nothing is left behind, not even the directory.
    const fresh = join(dir, "fresh", "stacks");
    const again = await importCli(...REQUIRED(fresh), "--owner", "ops@example.org", "--record-ids", RECORD_IDS);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Nothing was written: injected/);
    expect(existsSync(join(dir, "fresh"))).toBe(false);
  });

  test("a record list that is empty or of another zone is refused naming --record-ids, and nothing is written", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    writeFileSync(join(dir, "empty.json"), '{"result":[],"success":true}');
    writeFileSync(join(dir, "other.json"), JSON.stringify(otherZoneRecords("example.com")));
    const empty = await importCli(...REQUIRED(out), "--owner", "ops@example.org", "--record-ids", join(dir, "empty.json"));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^--record-ids: holds no records, so import\.json would adopt none of the 15 records imported from the zone file/);
    expect(empty.stderr).toContain(`https://api.cloudflare.com/client/v4/zones/${ZONE_ID}/dns_records`);
    const other = await importCli(...REQUIRED(out), "--owner", "ops@example.org", "--record-ids", join(dir, "other.json"), "--json");
    expect(other.code).toBe(2);
    expect(JSON.parse(other.stderr).error).toMatch(
      /^--record-ids: holds 16 records outside example\.org .*; it looks like the record list of example\.com, not of example\.org\. Nothing was written; fetch the record list of example\.org/,
    );
    expect(existsSync(out)).toBe(false);
  });

  test("without --record-ids it writes only the stack file and says how to fetch the IDs", async () => {
    // Relative --zone-file and --out start where the command is run, and the steps name them from there.
    const cwd = tempDir();
    copyFileSync(FIXTURE, join(cwd, "zone.txt"));
    const run = await importCliIn(cwd, ...REQUIRED("out", "zone.txt"), "--owner", "ops@example.org");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = join(cwd, "out");
    expect(readdirSync(cwd).sort()).toEqual(["out", "zone.txt"]);
    expect(readdirSync(out)).toEqual(["Pulumi.imported.yaml"]);
    expect(run.stdout).toContain("Imported zone.txt (example.org) into out/Pulumi.imported.yaml.");
    expect(run.stdout).toContain("npm run import:zone -- --zone-file zone.txt --domain example.org --stack imported --out out ");
    expect(run.stdout).toContain("pulumi import --file out/import.json --stack imported");
    expect(run.stdout).toContain("import.json was not written");
    expect(run.stdout).toContain(`https://api.cloudflare.com/client/v4/zones/${ZONE_ID}/dns_records`);
    expect(run.stdout).toMatch(/--record-ids \S+records\.json --force/);
    expect(run.stdout).toContain("below the minimum bar");
    expect(run.stdout).toContain("Next steps (nothing has been run against Cloudflare or Pulumi)");
    expect(run.stdout).toMatch(/cloudflare:apiToken .*# a token scoped to example\.org only, with: Zone · DNS · Edit, Zone · Zone Settings · Edit, /);
    expect(run.stdout).not.toContain("Rulesets edit");
  });

  test("bad input exits 2 naming the option, and writes nothing", async () => {
    const out = join(tempDir(), "out");
    const wrongDomain = join(tempDir("launch-ready-zone-"), "other.zone");
    writeFileSync(wrongDomain, "$ORIGIN example.com.\n@ 300 IN A 203.0.113.5\n");
    const cases: Array<[string[], RegExp]> = [
      [[...REQUIRED(out, join(out, "missing.zone")), "--owner", "ops@example.org"], /--zone-file .*missing\.zone does not exist/],
      [[...REQUIRED(out, wrongDomain)], /--domain: is example\.org, but the zone file's \$ORIGIN is example\.com/],
      [REQUIRED(out), /--owner: is needed/],
      [
        [...REQUIRED(out).map((arg) => (arg === ZONE_ID ? "not-an-id" : arg)), "--owner", "ops@example.org"],
        /--zone-id "not-an-id" must be the 32-character hex ID/,
      ],
      [[...REQUIRED(out), "--owner", "ops@example.org", "--plan", "gold"], /--plan "gold" must be one of free, pro, business, enterprise/],
    ];
    for (const [args, message] of cases) {
      const run = await importCli(...args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe("");
      expect(existsSync(out)).toBe(false);
    }
    const json = await importCli(...REQUIRED(out), "--json");
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr).error).toMatch(/--owner/);
  });

  test("a zone the kit cannot plan as it is exits 1, names the problem and writes nothing", async () => {
    const dir = tempDir("launch-ready-zone-");
    const includes = "abcdefghijk"
      .split("")
      .map((letter) => `include:${letter}.example.net`)
      .join(" ");
    writeFileSync(join(dir, "spf.zone"), `$ORIGIN example.org.\n@ 1 IN A 203.0.113.5\n@ 1 IN TXT "v=spf1 ${includes} ~all"\n`);
    const out = join(dir, "out");
    const run = await importCli(...REQUIRED(out, join(dir, "spf.zone")));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/does not plan; nothing was written[\s\S]*needs 11 DNS lookups/);
    expect(existsSync(out)).toBe(false);
  });
});

/** A zone whose lines 4 to 9 hold no record the import reads, around records it does; `included` is the file its $INCLUDE names. */
function zoneWithUnreadLines(included: string): string {
  return [
    "$TTL 300",
    "@ IN SOA ns.example.net. hostmaster.example.org. 1 7200 3600 1209600 300",
    "@ IN A 203.0.113.5",
    `$INCLUDE ${included}`,
    "$GENERATE 1-50 host$ IN A 203.0.113.$",
    "bad!name IN A 203.0.113.6",
    '   IN TXT "continues the entry above"',
    "$FROB 1",
    '   IN TXT "v=spf1 -all"',
    "www IN CNAME @",
    "",
  ].join("\n");
}

describe("lines no record is read from", () => {
  test("$INCLUDE, $GENERATE, entries that are no record and what continues them are listed with their line numbers; the records around them are read", () => {
    const { records, unread } = readZoneLines(zoneWithUnreadLines("other.zone").split("\n"), "example.org");
    expect(unread.map(({ line, text }) => `${line} ${text}`)).toEqual([
      "4 $INCLUDE other.zone",
      "5 $GENERATE 1-50 host$ IN A 203.0.113.$",
      "6 bad!name IN A 203.0.113.6",
      '7 IN TXT "continues the entry above"',
      "8 $FROB 1",
      '9 IN TXT "v=spf1 -all"',
    ]);
    expect(unread.map(({ reason }) => reason)).toEqual([
      expect.stringMatching(/^\$INCLUDE names another file \(other\.zone\), and the import reads only the zone file it is given/),
      expect.stringMatching(/^\$GENERATE stands for records the import does not expand/),
      expect.stringMatching(/^does not read as one record/),
      expect.stringMatching(/continues line 6, which is not imported/),
      expect.stringMatching(/^\$FROB is not a directive the import follows/),
      // Its blank owner would continue an owner the unknown directive may have changed: listed, not guessed.
      expect.stringMatching(/continues line 8, which is not imported/),
    ]);
    expect(records.map((record) => `${record.name} ${record.type}`)).toEqual(["example.org SOA", "example.org A", "www.example.org CNAME"]);
  });

  test("a blank owner after $INCLUDE continues the owner above it, as BIND reads it; an unclosed parenthesis is listed, not the end of the import", () => {
    const { records, unread } = readZoneLines(
      ["api IN A 203.0.113.5", "$INCLUDE other.zone", '  IN TXT "after the include"', "@ IN SOA ns.example.net. h.example.org. ( 1 2 3", " 4 5"],
      "example.org",
    );
    expect(records.map((record) => `${record.name} ${record.type} ${record.content}`)).toEqual([
      "api.example.org A 203.0.113.5",
      'api.example.org TXT "after the include"',
    ]);
    expect(unread.map(({ line, reason }) => `${line}: ${reason}`)).toEqual([
      expect.stringMatching(/^2: \$INCLUDE/),
      expect.stringMatching(/^4: opens a parenthesis that is never closed/),
    ]);
  });

  test("init's reading refuses the first such line, naming it", () => {
    expect(() => readZone(zoneWithUnreadLines("other.zone"), "example.org")).toThrow(
      /^--zone-file: line 4 \[\$INCLUDE other\.zone\] is not imported: \$INCLUDE names another file/,
    );
  });

  test("the file is read a block at a time with the lines text.split reads, however the blocks fall", () => {
    const dir = tempDir("launch-ready-zone-");
    const text = "a\r\nbé\n\nc;d\r\n\r\ne\rf\n";
    writeFileSync(join(dir, "lines.zone"), text);
    for (const blockSize of [1, 2, 3, 7, 1 << 16]) {
      const fd = openSync(join(dir, "lines.zone"), "r");
      expect([...fileLines(fd, blockSize)], String(blockSize)).toEqual(text.split(/\r?\n/));
      closeSync(fd);
    }
  });

  test("npm run import:zone imports the rest and lists the lines, in the report, the JSON and the stack file; the file $INCLUDE names is never opened", async () => {
    const dir = tempDir("launch-ready-zone-");
    // Records that would surface in the stack if the included file were read.
    const included = join(dir, "included.zone");
    writeFileSync(included, "included-marker IN A 203.0.113.99\n");
    writeFileSync(join(dir, "main.zone"), zoneWithUnreadLines(included));
    fsPaths.touched = [];
    const json = await importCli(...REQUIRED(join(dir, "json"), join(dir, "main.zone")), "--json");
    const touched = fsPaths.touched;
    fsPaths.touched = undefined;
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
    // The recording saw the zone file opened, and nothing of the included file.
    expect(touched).toContain(join(dir, "main.zone"));
    expect(touched.filter((path) => path.includes("included"))).toEqual([]);
    const report = JSON.parse(json.stdout);
    expect(report.notImportedLines.map((entry: any) => entry.line)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(report.notImportedLines[0]).toEqual({
      line: 4,
      text: `$INCLUDE ${included}`,
      reason: expect.stringContaining("reads only the zone file it is given"),
    });
    expect(report.mapped.map((entry: any) => entry.record.name)).toEqual(["example.org", "www.example.org"]);
    const stackText = readFileSync(join(dir, "json", "Pulumi.imported.yaml"), "utf8");
    expect(stackText).toContain("# Lines of main.zone not imported:");
    expect(stackText).toContain(`#   line 5 [$GENERATE 1-50 host$ IN A 203.0.113.$]: $GENERATE stands for records`);
    expect(stackText).not.toContain("included-marker");

    const text = await importCli(...REQUIRED(join(dir, "text"), join(dir, "main.zone")));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Lines not imported \(\S*main\.zone is the only file read/);
    expect(text.stdout).toMatch(/│ 6 +│ bad!name IN A 203\.0\.113\.6 +│ does not read as one record/);
    expect(text.stdout).not.toContain("included-marker");
  });

  test("with --strict any such line refuses the import, exit 2, nothing written; a zone without one imports as before", async () => {
    const dir = tempDir("launch-ready-zone-");
    writeFileSync(join(dir, "main.zone"), zoneWithUnreadLines("other.zone"));
    const out = join(dir, "out");
    const refused = await importCli(...REQUIRED(out, join(dir, "main.zone")), "--strict");
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(
      /^--zone-file: 6 lines are not imported, and --strict refuses the import; nothing was written:\n {2}line 4 \[\$INCLUDE other\.zone\]: /,
    );
    expect(refused.stderr).toContain('  line 9 [IN TXT "v=spf1 -all"]: has no owner name of its own, and continues line 8');
    expect(existsSync(out)).toBe(false);

    const json = await importCli(...REQUIRED(out, join(dir, "main.zone")), "--strict", "--json");
    expect(json.code).toBe(2);
    const error = JSON.parse(json.stderr);
    expect(error.error).toMatch(/--strict refuses the import/);
    expect(error.notImportedLines.map((entry: any) => entry.line)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(existsSync(out)).toBe(false);

    const clean = await importCli(...REQUIRED(out), "--owner", "ops@example.org", "--strict");
    expect(clean.code).toBe(0);
    expect(clean.stdout).not.toContain("Lines not imported");
    // The rerun with the record IDs keeps --strict.
    expect(clean.stdout).toMatch(/--record-ids \S+ --strict --force/);
  });

  test("a report table of many rows prints line for line what one cli-table3 table of them prints", () => {
    // Rows of one and of several lines, so wrapped rows meet where the parts are joined.
    const rows = Array.from({ length: 1234 }, (_, i) => [
      `h${i}.example.org A 198.51.100.${i % 255}`,
      i % 7 === 0 ? `why ${"word ".repeat(i % 40)}` : `hosts[${i}]`,
    ]);
    const oneTable = (part: string[][]) => {
      const table = new Table({ head: ["Zone record", "Why"], style: { head: [], border: [] }, wordWrap: true, colWidths: [30, 24] });
      for (const row of part) table.push(row);
      return table.toString();
    };
    for (const count of [3, 500, 501, 1234])
      expect(renderTable(["Zone record", "Why"], [30, 24], rows.slice(0, count)), String(count)).toBe(oneTable(rows.slice(0, count)));
  });

  test("a zone of 20,000 generated records is read and mapped whole: every record declared once, in the file's order", () => {
    const lines = ["$ORIGIN example.org.", "$TTL 300", "@ IN SOA ns.example.net. hostmaster.example.org. 1 7200 3600 1209600 300", "@ IN A 203.0.113.5"];
    for (let i = 0; i < 20_000; i++) {
      if (i % 4 === 0) lines.push(`h${i} IN A 198.51.${(i >> 8) & 255}.${i & 255}`);
      else if (i % 4 === 1) lines.push(`h${i} IN AAAA 2001:db8::${i.toString(16)}`);
      else if (i % 4 === 2) lines.push(`t${i} IN TXT "token-${i}"`);
      else lines.push(`m${i} IN MX 10 mx${i}.example.net.`);
    }
    const zone = readZoneLines(lines, "example.org");
    expect(zone.unread).toEqual([]);
    expect(zone.records).toHaveLength(20_002);
    const result = mapZone(zone.records, OPTIONS);
    expect(result.unmapped).toEqual([]);
    expect(result.mapped).toHaveLength(20_001);
    const hosts = result.config["launch-ready:hosts"] as Array<{ name: string }>;
    const records = result.config["launch-ready:records"] as Array<{ name: string; type: string }>;
    // The apex, www (added), and one host per A or AAAA name.
    expect(hosts).toHaveLength(2 + 10_000);
    expect(records).toHaveLength(10_000);
    expect(records.slice(0, 2).map((record) => `${record.name} ${record.type}`)).toEqual(["t2 TXT", "m3 MX"]);
    expect(records.at(-1)).toMatchObject({ name: "m19999", type: "MX" });
    // Each mapped record's config path points at the entry that declares it.
    for (const { record, to } of result.mapped.slice(-4)) {
      const [, key, index] = /^launch-ready:(hosts|records)\[(\d+)\]$/.exec(to)!;
      const entry = (key === "hosts" ? hosts : records)[Number(index)];
      expect(record.name.startsWith(entry.name === "@" ? "example.org" : `${entry.name}.`), to).toBe(true);
    }
  });
});

describe("inputs that are not files", () => {
  test("a FIFO as the zone file, or a device as the record list, is refused at once, not waited on or read for ever", async () => {
    const dir = tempDir("launch-ready-zone-");
    const fifo = join(dir, "zone.fifo");
    execFileSync("mkfifo", [fifo]);
    const fromFifo = await importCli(...REQUIRED(join(dir, "out"), fifo), "--json");
    expect(fromFifo.code).toBe(2);
    expect(JSON.parse(fromFifo.stderr).error).toBe(
      `--zone-file ${fifo} is not a regular file (a pipe, a socket, a device or a directory): give the path of the zone's export`,
    );
    const fromDevice = await importCli(...REQUIRED(join(dir, "out")), "--record-ids", "/dev/zero", "--json");
    expect(fromDevice.code).toBe(2);
    expect(JSON.parse(fromDevice.stderr).error).toBe("--record-ids /dev/zero is not a regular file (a pipe, a socket or a device): give the path of a file");
    expect(existsSync(join(dir, "out"))).toBe(false);
    // An --out that cannot be made (under a file) is named, with nothing written.
    writeFileSync(join(dir, "a-file"), "");
    const under = await importCli(...REQUIRED(join(dir, "a-file", "out")), "--owner", "ops@example.org", "--json");
    expect(under.code).toBe(1);
    expect(JSON.parse(under.stderr).error).toBe(`--out ${join(dir, "a-file", "out")} cannot be created (ENOTDIR); nothing was written`);
  });
});

describe("the zone's record quota", () => {
  test("a zone past its plan's record quota is refused before it is planned; --record-quota says the zone holds more", async () => {
    const dir = tempDir("launch-ready-zone-");
    const body = ["@ IN A 203.0.113.5", "www IN CNAME example.org.", ...Array.from({ length: 210 }, (_, i) => `t${i} IN TXT "token-${i}"`)].join("\n");
    writeFileSync(join(dir, "big.zone"), zoneText(body));
    const out = join(dir, "out");
    const refused = await importCli(...REQUIRED(out, join(dir, "big.zone")), "--json");
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr).error).toBe(
      "--zone-file holds 212 records the stack would declare, but a free zone holds 200, so pulumi up could not create them all; nothing was written; a Free zone created before 2024-09-01 holds 1,000: say so with --record-quota 1000; give the zone's plan with --plan (pro and business hold 3,500), or --record-quota N if Cloudflare gave the zone more",
    );
    expect(existsSync(out)).toBe(false);

    const older = await importCli(...REQUIRED(out, join(dir, "big.zone")), "--record-quota", "1000");
    expect(older.code).toBe(0);
    expect(readStackFile(join(out, "Pulumi.imported.yaml")).config["launch-ready:zone"]).toMatchObject({ plan: "free", recordQuota: 1000 });
    // Enterprise's quota is far larger; one stack of the kit still plans at most MAX_STACK_RECORDS, refused before planning.
    const huge = ["@ IN A 203.0.113.5", ...Array.from({ length: MAX_STACK_RECORDS }, (_, i) => `t${i} IN TXT "token-${i}"`)].join("\n");
    writeFileSync(join(dir, "huge.zone"), zoneText(huge));
    const enterprise = await importCli(...REQUIRED(join(dir, "huge"), join(dir, "huge.zone")), "--plan", "enterprise", "--json");
    expect(enterprise.code).toBe(1);
    expect(JSON.parse(enterprise.stderr).error).toMatch(
      new RegExp(`^--zone-file holds ${MAX_STACK_RECORDS + 1} records the stack would declare, more than the ${MAX_STACK_RECORDS} one stack of the kit plans`),
    );
    expect(existsSync(join(dir, "huge"))).toBe(false);
    const bad = await importCli(...REQUIRED(out, join(dir, "big.zone")), "--record-quota", "0");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--record-quota "0" must be a whole number of at least 1');
    // Written in decimal digits only: 0x10 or 1e3 would be written back as another number than the one typed.
    for (const typed of ["0x10", "1e3", "1000.0", " 1000"]) {
      const lax = await importCli(...REQUIRED(out, join(dir, "big.zone")), "--record-quota", typed);
      expect(lax.code, typed).toBe(2);
      expect(lax.stderr, typed).toContain(`--record-quota "${typed}" must be a whole number of at least 1`);
    }
  });
});

describe("the import-zone entry file", () => {
  test("runs the verb as npm run does: the report on stdout, the files written, and the verb's exit code", async () => {
    const out = tempDir();
    const child = await runEntryFile("import-zone", [...REQUIRED(out), "--owner", "ops@example.org", "--record-ids", RECORD_IDS, "--json"]);
    expect(child.stderr).toBe("");
    expect(child.code).toBe(0);
    const report = JSON.parse(child.stdout);
    expect(report.files).toEqual({ stack: join(out, "Pulumi.imported.yaml"), importFile: join(out, "import.json"), removed: [] });
    expect(readdirSync(out).sort()).toEqual(["Pulumi.imported.yaml", "import.json"]);
    // The same import in this process writes the same stack file and the same import.json.
    const inProcessOut = tempDir();
    const inProcess = await importCli(...REQUIRED(inProcessOut), "--owner", "ops@example.org", "--record-ids", RECORD_IDS, "--json");
    expect(inProcess.code).toBe(0);
    expect(readStackFile(join(out, "Pulumi.imported.yaml")).config).toEqual(readStackFile(join(inProcessOut, "Pulumi.imported.yaml")).config);
    expect(readFileSync(join(out, "import.json"), "utf8")).toBe(readFileSync(join(inProcessOut, "import.json"), "utf8"));
    expect(report.mapped).toEqual(JSON.parse(inProcess.stdout).mapped);

    const usage = await runEntryFile("import-zone", ["--zone", "example.org"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Unknown option '--zone'");
    expect(usage.stdout).toBe("");
  });
});

/** An independent reading of Cloudflare's record list: TXT by its text, CAA by tag. */
function sameLiveValue(record: Record<string, any>, inputs: Record<string, any>): boolean {
  if (record.type === "CAA") return record.data.tag === inputs.data.tag;
  const text = String(record.content).replace(/^"|"$/g, "");
  return text.split(/[ ;]/)[0] === String(inputs.content).split(/[ ;]/)[0];
}
