import { generateKeyPairSync } from "node:crypto";
import { describe, expect, test } from "vitest";
import { parseDkimKey } from "../domain/mail/dkim";
import { externalReportAuthorizations, parseDmarc } from "../domain/mail/dmarc";
import { countSpfLookups, parseSpf, splitTxtStrings, type SpfResolver } from "../domain/mail/spf";

/** A zone of TXT and MX answers, as a DNS server would give them. */
function resolverOf(txt: Record<string, string[]>, mx: Record<string, string[]> = {}): SpfResolver {
  return { txt: async (name) => txt[name.toLowerCase()] ?? [], mx: async (name) => mx[name.toLowerCase()] ?? [] };
}

const GOOGLE = {
  "_spf.google.com": ["v=spf1 include:_netblocks.google.com include:_netblocks2.google.com include:_netblocks3.google.com ~all"],
  "_netblocks.google.com": ["v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ~all"],
  "_netblocks2.google.com": ["v=spf1 ip6:2001:4860:4000::/36 ~all"],
  "_netblocks3.google.com": ["v=spf1 ip4:172.217.0.0/19 ~all"],
};

describe("SPF parsing", () => {
  test("mechanisms, qualifiers and modifiers", () => {
    const parsed = parseSpf("v=spf1 ip4:203.0.113.0/24 a:mail.example.com mx -include:x.example.net redirect=_spf.example.com");
    expect(
      parsed.ok &&
        parsed.record.terms.map((t) => (t.kind === "mechanism" ? `${t.qualifier}${t.name}:${t.value ?? ""}${t.cidr ?? ""}` : `${t.name}=${t.value}`)),
    ).toEqual(["+ip4:203.0.113.0/24", "+a:mail.example.com", "+mx:", "-include:x.example.net", "redirect=_spf.example.com"]);
    expect(parseSpf("v=spf1 +all").ok && parseSpf("v=spf1 +all")).toMatchObject({ record: { all: "+" } });
  });

  test.each([
    ["v=spf2 -all", 'does not start with "v=spf1"'],
    ["v=spf1 inclde:_spf.google.com -all", 'has the unknown term "inclde:_spf.google.com"'],
    ["v=spf1 include: -all", "without a domain"],
    ["v=spf1 redirect=a.example redirect=b.example", 'has "redirect=" twice'],
    ["v=spf1 all:example.com", "all takes no argument"],
  ])("%s is refused", (record, problem) => {
    const parsed = parseSpf(record);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toContain(problem);
  });

  test("long records are split into 255-character strings", () => {
    const record = `v=spf1 ${Array.from({ length: 30 }, (_, i) => `ip4:198.51.100.${i}`).join(" ")} -all`;
    const strings = splitTxtStrings(record);
    expect(strings.every((s) => s.length <= 255)).toBe(true);
    expect(strings.join("")).toBe(record);
  });
});

describe("SPF lookup counting (RFC 7208 4.6.4)", () => {
  test("Google Workspace costs 4: the include and its three netblocks; ip4/ip6/all cost nothing", async () => {
    const report = await countSpfLookups("example.com", "v=spf1 include:_spf.google.com ip4:203.0.113.5 ~all", resolverOf(GOOGLE));
    expect(report).toMatchObject({ lookups: 4, voidLookups: 0, problems: [] });
  });

  test("eleven lookups are counted through nested includes", async () => {
    const txt: Record<string, string[]> = { ...GOOGLE };
    for (let i = 0; i < 6; i++) txt[`s${i}.example.net`] = ["v=spf1 a mx -all"];
    const record = "v=spf1 include:_spf.google.com include:s0.example.net include:s1.example.net -all";
    const report = await countSpfLookups(
      "example.com",
      record,
      resolverOf(txt, { "s0.example.net": ["mx1.example.net"], "s1.example.net": ["mx1.example.net"] }),
    );
    // 4 (google) + 2 includes + 2 × (a + mx) = 10; one more term makes 11.
    expect(report.lookups).toBe(10);
    const more = await countSpfLookups(
      "example.com",
      `${record.replace(" -all", "")} exists:%{i}.x.example.net -all`,
      resolverOf(txt, { "s0.example.net": ["m"], "s1.example.net": ["m"] }),
    );
    expect(more.lookups).toBe(11);
    expect(more.problems).toContain("example.com: 11 DNS lookups; receivers stop at 10 (RFC 7208 4.6.4)");
  });

  test("loops, repeated includes, void lookups and ptr are reported", async () => {
    const txt = {
      "a.example.net": ["v=spf1 include:b.example.net -all"],
      "b.example.net": ["v=spf1 include:a.example.net ptr -all"],
    };
    const report = await countSpfLookups(
      "example.com",
      "v=spf1 include:a.example.net include:a.example.net include:gone.example.net include:gone2.example.net include:gone3.example.net -all",
      resolverOf(txt),
    );
    expect(report.problems.join("\n")).toContain("loops back (example.com → a.example.net → b.example.net → a.example.net)");
    expect(report.problems.join("\n")).toContain("a.example.net is included more than once");
    expect(report.problems.join("\n")).toContain("uses ptr");
    expect(report.voidLookups).toBe(3);
    expect(report.problems).toContain("example.com: 3 lookups found nothing; more than 2 is a permanent error (RFC 7208 4.6.4)");
  });

  test("redirect costs a lookup and is followed; an mx term with 11 hosts is flagged", async () => {
    const txt = { "_spf.example.com": ["v=spf1 mx -all"] };
    const mx = { "_spf.example.com": Array.from({ length: 11 }, (_, i) => `mx${i}.example.com`) };
    const report = await countSpfLookups("example.com", "v=spf1 redirect=_spf.example.com", resolverOf(txt, mx));
    expect(report.lookups).toBe(2);
    expect(report.problems).toEqual(["_spf.example.com: mx of _spf.example.com has 11 MX hosts; SPF allows 10 per mx term"]);
  });

  test("two SPF records at an included name are reported", async () => {
    const report = await countSpfLookups(
      "example.com",
      "v=spf1 include:two.example.net -all",
      resolverOf({ "two.example.net": ["v=spf1 -all", "v=spf1 ~all"] }),
    );
    expect(report.problems).toEqual(["two.example.net publishes 2 SPF records; RFC 7208 3.2 allows one"]);
  });
});

describe("DMARC (RFC 7489, RFC 9989)", () => {
  test("a complete record parses", () => {
    const parsed = parseDmarc("v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.com,mailto:ops@reports.example.net!10m; adkim=s");
    expect(parsed.errors).toEqual([]);
    expect(parsed.record).toMatchObject({ p: "reject", sp: "quarantine", rua: ["dmarc@example.com", "ops@reports.example.net"], adkim: "s", aspf: "r" });
  });

  test.each([
    ["v=DMARC1; rua=mailto:d@example.com", "has no p= policy"],
    ["p=reject; v=DMARC1", 'must start with "v=DMARC1"'],
    ["v=DMARC1; p=monitor", "p=monitor is not none, quarantine or reject"],
    ["v=DMARC1; p=reject; rua=dmarc@example.com", 'rua has "dmarc@example.com"'],
    ["v=DMARC1; p=reject; pct=150", "pct=150 must be 0 to 100"],
    ["v=DMARC1; p=reject; p=none", "has the tag p twice"],
  ])("%s is invalid", (record, error) => {
    expect(parseDmarc(record).errors.join("\n")).toContain(error);
  });

  test("tags RFC 9989 removes, and a missing rua, are warnings", () => {
    const parsed = parseDmarc("v=DMARC1; p=quarantine; pct=50; ri=86400");
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings).toEqual([
      "pct= is removed by RFC 9989 and ignored; drop it",
      "ri= is removed by RFC 9989 and ignored; drop it",
      "has no rua= address, so nobody sees who sends mail as this domain",
    ]);
  });

  test("a report address at another domain needs that domain's authorisation record", () => {
    const { record } = parseDmarc("v=DMARC1; p=reject; rua=mailto:dmarc@example.com,mailto:x@dmarc-reports.example.net");
    expect(externalReportAuthorizations("example.com", record!)).toEqual([
      { address: "x@dmarc-reports.example.net", name: "example.com._report._dmarc.dmarc-reports.example.net" },
    ]);
  });
});

describe("DKIM key records (RFC 6376, RFC 8301, RFC 8463)", () => {
  const rsa = (bits: number) => generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ type: "spki", format: "der" }).toString("base64");

  test("the RSA key length is read from the key itself", () => {
    expect(parseDkimKey(`v=DKIM1; k=rsa; p=${rsa(2048)}`)).toMatchObject({ key: { keyType: "rsa", bits: 2048, revoked: false }, errors: [], warnings: [] });
    expect(parseDkimKey(`v=DKIM1; p=${rsa(1024)}`)).toMatchObject({ key: { bits: 1024 }, warnings: ["the RSA key has 1024 bits; publish 2048"] });
    expect(parseDkimKey(`v=DKIM1; p=${rsa(768)}`).errors).toEqual(["the RSA key has 768 bits; receivers refuse keys under 1024 (RFC 8301)"]);
  });

  test("a truncated key, a missing p=, a revoked key and an Ed25519 key", () => {
    expect(parseDkimKey(`v=DKIM1; k=rsa; p=${rsa(2048).slice(0, 200)}`).errors).toEqual(["p= is not a valid rsa public key (truncated or mis-pasted?)"]);
    expect(parseDkimKey("v=DKIM1; k=rsa").errors).toEqual(["has no p= public key"]);
    expect(parseDkimKey("v=DKIM1; p=")).toMatchObject({ key: { revoked: true } });
    const ed = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "der" }).subarray(-32).toString("base64");
    expect(parseDkimKey(`v=DKIM1; k=ed25519; p=${ed}`)).toMatchObject({ key: { keyType: "ed25519", bits: 256 } });
  });

  test("a key split over strings with spaces still parses", () => {
    const key = rsa(2048);
    expect(parseDkimKey(`v=DKIM1; k=rsa; p=${key.slice(0, 100)} ${key.slice(100)}`).key?.bits).toBe(2048);
  });
});
