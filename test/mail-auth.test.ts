import { generateKeyPairSync } from "node:crypto";
import { describe, expect, test } from "vitest";
import { parseDkimKey } from "../domain/mail/dkim";
import { appliedPolicy, enforcementGap, externalReportAuthorizations, isDmarcRecord, parseDmarc } from "../domain/mail/dmarc";
import { judgeSpfPolicy, parseSpf, splitTxtStrings, type SpfDns, type SpfQueryType } from "../domain/mail/spf";

/** A zone as DNS answers it: records by lower-case name and type; a name listed under `servfail` does not answer. */
function dnsOf(records: Record<string, Partial<Record<SpfQueryType, string[]>>>, servfail: string[] = []): SpfDns {
  return {
    async query(name, type) {
      if (servfail.includes(name.toLowerCase())) throw Object.assign(new Error("SERVFAIL"), { code: "ESERVFAIL" });
      return records[name.toLowerCase()]?.[type] ?? [];
    },
  };
}
const txt = (zone: Record<string, string[]>) => Object.fromEntries(Object.entries(zone).map(([name, records]) => [name, { TXT: records }]));

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

describe("SPF policy as receivers judge a stranger (RFC 7208 4.6.4, 5, 6)", () => {
  test("Google Workspace costs 4: the include and its three netblocks; ip4/ip6/all cost nothing", async () => {
    const zone = txt({ ...GOOGLE, "example.com": ["v=spf1 include:_spf.google.com ip4:203.0.113.5 ~all"] });
    expect(await judgeSpfPolicy("example.com", dnsOf(zone))).toMatchObject({ lookups: 4, voidLookups: 0, problems: [] });
  });

  test("the eleventh DNS-querying term is a permanent error, named where it is", async () => {
    const zone: Record<string, Partial<Record<SpfQueryType, string[]>>> = txt(GOOGLE);
    for (let i = 0; i < 2; i++)
      zone[`s${i}.example.net`] = { TXT: ["v=spf1 a mx -all"], A: ["198.51.100.1"], AAAA: ["2001:db8:1::1"], MX: ["mx1.example.net"] };
    zone["mx1.example.net"] = { A: ["198.51.100.2"], AAAA: ["2001:db8:1::2"] };
    const record = "v=spf1 include:_spf.google.com include:s0.example.net include:s1.example.net";
    zone["example.com"] = { TXT: [`${record} -all`] };
    // 4 (google) + 2 includes + 2 × (a + mx) = 10.
    expect(await judgeSpfPolicy("example.com", dnsOf(zone))).toMatchObject({ lookups: 10, problems: [] });
    zone["example.com"] = { TXT: [`${record} exists:%{i}.x.example.net -all`] };
    const over = await judgeSpfPolicy("example.com", dnsOf(zone));
    expect(over.problems.map((p) => p.text)).toEqual([
      "is a permanent error for receivers: example.com: exists:%{i}.x.example.net is DNS lookup 11; receivers stop at 10 (RFC 7208 4.6.4)",
    ]);
  });

  test("void lookups count for a, mx and exists targets too; the third is a permanent error", async () => {
    const zone = txt({ "example.com": ["v=spf1 a:gone1.example.net mx:gone2.example.net exists:gone3.example.net -all"] });
    expect((await judgeSpfPolicy("example.com", dnsOf(zone))).problems.map((p) => p.text)).toEqual([
      "is a permanent error for receivers: example.com: exists:gone3.example.net is void lookup 3 (no answer); more than 2 is a permanent error (RFC 7208 4.6.4)",
    ]);
    zone["example.com"].TXT = ["v=spf1 a:gone1.example.net mx:gone2.example.net -all"];
    expect(await judgeSpfPolicy("example.com", dnsOf(zone))).toMatchObject({ voidLookups: 2, problems: [] });
  });

  test("a permissive record at any depth authorises strangers; the same include twice costs its lookups twice, and is no loop", async () => {
    const zone = txt({
      "example.com": ["v=spf1 include:a.example.net include:a.example.net -all"],
      "a.example.net": ["v=spf1 include:b.example.net ~all"],
      "b.example.net": ["v=spf1 ip4:198.51.100.0/24 -all"],
    });
    expect(await judgeSpfPolicy("example.com", dnsOf(zone))).toMatchObject({ lookups: 4, problems: [] });
    zone["b.example.net"].TXT = ["v=spf1 ip4:198.51.100.0/24 all"];
    expect((await judgeSpfPolicy("example.com", dnsOf(zone))).problems.map((p) => p.text)).toEqual([
      "authorises 192.0.2.123, an address no sender owns, through b.example.net: all: remove the permissive term",
      "authorises 2001:db8::123, an address no sender owns, through b.example.net: all: remove the permissive term",
    ]);
  });

  test("redirect is ignored when the record has all, and followed when it has none (RFC 7208 6.1)", async () => {
    const zone = txt({ "example.com": ["v=spf1 -all redirect=open.example.net"], "open.example.net": ["v=spf1 +all"] });
    expect(await judgeSpfPolicy("example.com", dnsOf(zone))).toMatchObject({ lookups: 0, problems: [] });
    zone["example.com"].TXT = ["v=spf1 redirect=open.example.net"];
    expect((await judgeSpfPolicy("example.com", dnsOf(zone))).problems[0].text).toContain(
      "authorises 192.0.2.123, an address no sender owns, through open.example.net: all",
    );
  });

  test("a loop, an mx term of 11 hosts and two records at an include are permanent errors", async () => {
    const loop = txt({ "example.com": ["v=spf1 include:a.example.net -all"], "a.example.net": ["v=spf1 include:example.com -all"] });
    expect((await judgeSpfPolicy("example.com", dnsOf(loop))).problems[0].text).toContain("is DNS lookup 11; receivers stop at 10");
    const mx = { "example.com": { TXT: ["v=spf1 mx -all"], MX: Array.from({ length: 11 }, (_, i) => `mx${i}.example.com`) } };
    expect((await judgeSpfPolicy("example.com", dnsOf(mx))).problems.map((p) => p.text)).toEqual([
      "is a permanent error for receivers: example.com: mx finds 11 MX hosts; SPF allows 10 (RFC 7208 4.6.4)",
    ]);
    const two = txt({ "example.com": ["v=spf1 include:two.example.net -all"], "two.example.net": ["v=spf1 -all", "v=spf1 ~all"] });
    expect((await judgeSpfPolicy("example.com", dnsOf(two))).problems.map((p) => p.text)).toEqual([
      "is a permanent error for receivers: two.example.net publishes 2 SPF records; RFC 7208 4.5 allows one",
    ]);
  });

  test("a name that does not answer is a temporary error naming that name", async () => {
    const zone = txt({ "example.com": ["v=spf1 include:a.example.net include:down.example.net -all"], "a.example.net": ["v=spf1 -all"] });
    const report = await judgeSpfPolicy("example.com", dnsOf(zone, ["down.example.net"]));
    expect(report.failedQuery).toEqual({ name: "down.example.net", type: "TXT" });
    expect(report.problems.map((p) => p.text)).toEqual(["could not be checked because down.example.net TXT did not answer (ESERVFAIL)"]);
  });

  test("every empty answer is a void lookup, an MX host's too; a PTR lookup that errs is none", async () => {
    const mx = ["mx1", "mx2", "mx3"].map((host) => `${host}.example.com`);
    const zone: Record<string, Partial<Record<SpfQueryType, string[]>>> = {
      "example.com": { TXT: ["v=spf1 mx -all"], MX: mx },
      ...Object.fromEntries(mx.map((host) => [host, { A: ["198.51.100.25"] }])),
    };
    // IPv4-only MX hosts: the IPv6 stranger's three AAAA lookups come back empty.
    expect((await judgeSpfPolicy("example.com", dnsOf(zone))).problems.map((p) => p.text)).toEqual([
      "is a permanent error for receivers: example.com: mx is void lookup 3 (no answer); more than 2 is a permanent error (RFC 7208 4.6.4)",
    ]);
    const ptr = { "example.com": { TXT: ["v=spf1 ptr ptr ptr -all"] } };
    expect(await judgeSpfPolicy("example.com", dnsOf(ptr, ["123.2.0.192.in-addr.arpa"]))).toMatchObject({ voidLookups: 3 });
    const failing = await judgeSpfPolicy("example.com", {
      query: async (name, type) => {
        if (type === "PTR") throw Object.assign(new Error("SERVFAIL"), { code: "ESERVFAIL" });
        return ptr[name as "example.com"]?.[type as "TXT"] ?? [];
      },
    });
    // A ptr term whose lookup errs fails to match (RFC 7208 5.5) and is no void lookup.
    expect(failing).toMatchObject({ voidLookups: 0, problems: [] });
  });

  test("an IPv4-mapped ip6 network counts its prefix over 128 bits", async () => {
    const zone = txt({ "example.com": ["v=spf1 ip6:::ffff:192.0.2.0/120 -all"] });
    expect((await judgeSpfPolicy("example.com", dnsOf(zone))).problems[0].text).toContain("authorises 192.0.2.123");
  });

  test("offline, a name the stack does not hold matches nothing and is not void; a trailing dot costs the same", async () => {
    const zone = txt({
      "example.com": ["v=spf1 include:_spf.google.com. exists:%{i}._spf.mta.example.net a:mail.example.net include:own.example.com -all"],
      "own.example.com": ["v=spf1 redirect=_spf.elsewhere.example.net"],
    });
    const known = new Set(["example.com", "own.example.com"]);
    const report = await judgeSpfPolicy("example.com", dnsOf(zone), {
      opaqueCost: (domain) => (known.has(domain) ? undefined : domain === "_spf.google.com" ? 4 : 1),
    });
    expect(report).toMatchObject({ lookups: 8, voidLookups: 0, problems: [] });
    expect(report.opaque).toEqual(expect.arrayContaining(["_spf.google.com", "mail.example.net", "_spf.elsewhere.example.net"]));
    // An included record left undecided by an opaque redirect does not match; the rest still decides.
    zone["example.com"].TXT = ["v=spf1 include:own.example.com"];
    expect((await judgeSpfPolicy("example.com", dnsOf(zone), { opaqueCost: (domain) => (known.has(domain) ? undefined : 1) })).problems[0]).toMatchObject({
      kind: "neutral",
    });
  });

  test("offline, a provider's include costs what it documents and is not read", async () => {
    const zone = txt({ "example.com": ["v=spf1 include:_spf.google.com include:unknown.example.net -all"] });
    const report = await judgeSpfPolicy("example.com", dnsOf(zone), { opaqueCost: (domain) => (domain === "_spf.google.com" ? 4 : 1) });
    expect(report).toMatchObject({ lookups: 5, opaque: ["_spf.google.com", "unknown.example.net"], problems: [] });
  });
});

describe("DMARC (RFC 7489, RFC 9989)", () => {
  test("a complete record parses", () => {
    const parsed = parseDmarc("v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.com,mailto:ops@reports.example.net!10m; adkim=s");
    expect(parsed).toMatchObject({ errors: [], discarded: [], warnings: [] });
    expect(parsed.record).toMatchObject({
      p: "reject",
      sp: "quarantine",
      rua: ["dmarc@example.com", "ops@reports.example.net"],
      adkim: "s",
      aspf: "r",
      pct: 100,
      testing: false,
      psd: "u",
    });
    expect(enforcementGap(parsed.record!)).toBeUndefined();
  });

  test("a tag named like an object's own property is an unknown tag like any other, never taken for one already given", () => {
    for (const name of ["constructor", "__proto__", "toString"]) {
      const parsed = parseDmarc(`v=DMARC1; p=reject; rua=mailto:dmarc@example.com; ${name}=1`);
      expect(parsed.errors, name).toEqual([]);
      expect(parsed.record?.p, name).toBe("reject");
    }
  });

  test("RFC 7489 Appendix B.2: p=none watches, pct=25 enforces a quarter, and neither is full enforcement", () => {
    const watching = parseDmarc("v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com");
    expect(watching).toMatchObject({ errors: [], discarded: [], warnings: [], record: { p: "none", rua: ["dmarc-feedback@example.com"] } });
    expect(enforcementGap(watching.record!)).toBe("receivers apply p=none, which only watches: failing mail is delivered as usual");

    const sampled = parseDmarc("v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,mailto:tld-test@thirdparty.example.net!10m; pct=25");
    expect(sampled.record).toMatchObject({ p: "quarantine", pct: 25, rua: ["dmarc-feedback@example.com", "tld-test@thirdparty.example.net"] });
    const partial = "pct=25 asks receivers that follow RFC 7489 to apply the policy to 25% of failing mail only (RFC 9989 removes pct); drop pct";
    expect(sampled.warnings).toEqual([partial]);
    expect(enforcementGap(sampled.record!)).toBe(partial);
    expect(enforcementGap(parseDmarc("v=DMARC1; p=reject; pct=0; rua=mailto:d@example.com").record!)).toBeDefined();
    expect(enforcementGap(parseDmarc("v=DMARC1; p=reject; pct=100; rua=mailto:d@example.com").record!)).toBeUndefined();
  });

  test("t=y (RFC 9989 testing mode) is understood and is not enforcement; np and psd are read", () => {
    const parsed = parseDmarc("v=DMARC1; p=reject; sp=quarantine; np=reject; psd=n; t=y; rua=mailto:d@example.com");
    expect(parsed).toMatchObject({ errors: [], discarded: [], record: { testing: true, np: "reject", psd: "n" } });
    expect(parsed.warnings).toEqual(["t=y (testing mode, RFC 9989) asks receivers not to apply the policy yet; drop t=y to enforce it"]);
    expect(enforcementGap(parsed.record!)).toBeDefined();
    expect(enforcementGap(parseDmarc("v=DMARC1; p=reject; t=n; rua=mailto:d@example.com").record!)).toBeUndefined();
    expect(parseDmarc("v=DMARC1; p=reject; psd=y; rua=mailto:d@example.com").warnings[0]).toContain("psd=y marks the domain as a public suffix");
  });

  test("the policy for subdomains is sp, for names that do not exist np, then sp, then p", () => {
    const { record } = parseDmarc("v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com");
    expect([appliedPolicy(record!), appliedPolicy(record!, "subdomain"), appliedPolicy(record!, "non-existent")]).toEqual(["reject", "none", "none"]);
    expect(enforcementGap(record!, "subdomain")).toBe("receivers apply sp=none, which only watches: failing mail is delivered as usual");
    const withNp = parseDmarc("v=DMARC1; p=none; np=reject; rua=mailto:d@example.com").record!;
    expect([appliedPolicy(withNp, "subdomain"), appliedPolicy(withNp, "non-existent")]).toEqual(["none", "reject"]);
  });

  test.each([
    ["p=reject; v=DMARC1", 'must start with "v=DMARC1"'],
    ["v=dmarc1; p=reject", "v must be DMARC1 (got dmarc1)"],
    ["v=DMARC1; p=monitor", "p=monitor is not none, quarantine or reject, and with no valid rua address receivers ignore the whole record"],
    ["v=DMARC1; sp=reject", "has no p= policy (none, quarantine or reject), and with no valid rua address"],
    ["v=DMARC1; p=reject; rua=dmarc@example.com; sp=bogus", "sp=bogus is not none, quarantine or reject, and with no valid rua address"],
    ["v=DMARC1; p=reject; p=none", "has the tag p twice"],
  ])("%s is unusable: receivers ignore it", (record, error) => {
    const parsed = parseDmarc(record);
    expect(parsed.record).toBeUndefined();
    expect(parsed.errors.join("\n")).toContain(error);
  });

  test("receivers discard invalid values and apply the rest (RFC 7489 6.3)", () => {
    const parsed = parseDmarc("v=DMARC1; p=reject; adkim=x; pct=150; t=maybe; fo=2; rua=dmarc@example.com,mailto:d@example.com; oops");
    expect(parsed.errors).toEqual([]);
    expect(parsed.record).toMatchObject({ p: "reject", adkim: "r", pct: 100, testing: false, rua: ["d@example.com"] });
    expect(parsed.discarded).toEqual([
      { part: "oops", problem: '"oops" is not a tag=value pair, so receivers skip it; write tag=value or remove it' },
      { part: "rua=dmarc@example.com", problem: 'rua has "dmarc@example.com", which receivers skip; a report address is mailto:someone@domain' },
      { part: "adkim=x", problem: "adkim=x must be r (relaxed) or s (strict); receivers use r" },
      { part: "pct=150", problem: "pct=150 must be 0 to 100; receivers apply the policy to all failing mail" },
      { part: "t=maybe", problem: "t=maybe must be y or n; receivers use n (apply the policy)" },
      { part: "fo=2", problem: "fo=2 must be 0, 1, d or s (colon-separated); receivers use 0" },
    ]);
    expect(enforcementGap(parsed.record!)).toBeUndefined();
  });

  test("an invalid policy with a valid rua leaves receivers with p=none (RFC 7489 6.6.3)", () => {
    for (const record of ["v=DMARC1; p=rejct; rua=mailto:d@example.com", "v=DMARC1; p=reject; sp=bogus; rua=mailto:d@example.com"]) {
      const parsed = parseDmarc(record);
      expect(parsed.errors, record).toEqual([]);
      expect(parsed.record, record).toMatchObject({ p: "none", sp: undefined, np: undefined });
      expect(parsed.discarded[0].problem, record).toContain("so receivers act as if the record said p=none (RFC 7489 6.6.3)");
      expect(enforcementGap(parsed.record!), record).toBeDefined();
    }
    // np is RFC 9989's: a bad one is dropped, and p stays in force (RFC 7489 receivers never read np).
    const np = parseDmarc("v=DMARC1; p=reject; np=never; rua=mailto:d@example.com");
    expect(np.record).toMatchObject({ p: "reject", np: undefined });
    expect(np.discarded.map((d) => d.part)).toEqual(["np=never"]);
    const missing = parseDmarc("v=DMARC1; rua=mailto:d@example.com");
    expect(missing.record?.p).toBe("none");
    expect(missing.warnings).toEqual(["has no p= policy, so receivers act as if p=none; write p=quarantine or p=reject"]);
  });

  test("unknown tags, tags RFC 9989 removes, and a missing rua, are warnings", () => {
    const parsed = parseDmarc("v=DMARC1; p=quarantine; pct=100; ri=86400; foo=bar");
    expect(parsed).toMatchObject({ errors: [], discarded: [], record: { p: "quarantine", pct: 100 } });
    expect(parsed.warnings).toEqual([
      "pct= is removed by RFC 9989 and ignored; drop it",
      "ri= is removed by RFC 9989 and ignored; drop it",
      "unknown tag foo is ignored by receivers",
      "has no rua= address, so nobody sees who sends mail as this domain",
    ]);
  });

  test("a report address at another domain needs that domain's authorisation record (RFC 7489 7.1, B.2.3)", () => {
    const { record } = parseDmarc(
      "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,mailto:tld-test@ThirdParty.Example.NET!10m,mailto:x@reports.example.org; ruf=mailto:tld-test@thirdparty.example.net,mailto:f@mail.example.com",
    );
    expect(externalReportAuthorizations("Example.COM.", record!)).toEqual([
      { address: "tld-test@ThirdParty.Example.NET", name: "example.com._report._dmarc.thirdparty.example.net" },
      { address: "x@reports.example.org", name: "example.com._report._dmarc.reports.example.org" },
    ]);
    // The record answering there, as in B.2.3, is a bare version tag.
    expect(isDmarcRecord("v=DMARC1")).toBe(true);
    // A subdomain's policy reporting to its organizational domain needs no authorisation; the zone says what is its own.
    const sub = parseDmarc("v=DMARC1; p=reject; rua=mailto:d@example.com,mailto:r@reports.example.com").record!;
    expect(externalReportAuthorizations("staging.example.com", sub)).toEqual([
      { address: "r@reports.example.com", name: "staging.example.com._report._dmarc.reports.example.com" },
    ]);
    expect(externalReportAuthorizations("staging.example.com", sub, "example.com")).toEqual([]);
  });
});

describe("DKIM key records (RFC 6376, RFC 8301, RFC 8463)", () => {
  const rsa = (bits: number, type: "spki" | "pkcs1" = "spki") =>
    generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ type, format: "der" }).toString("base64");
  /** RFC 6376 Appendix C (the key of the Appendix A example). */
  const RFC6376_KEY =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB";
  /** RFC 8463 Appendix A.2. */
  const RFC8463_KEY = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

  test("a tag named like an object's own property is an unknown tag, not one given twice", () => {
    // (__proto__ is no DKIM tag name at all: a tag name starts with a letter, RFC 6376 3.2.)
    for (const name of ["constructor", "toString", "hasOwnProperty"])
      expect(parseDkimKey(`v=DKIM1; k=rsa; ${name}=1; p=${RFC6376_KEY}`).errors, name).toEqual([]);
  });

  test("the RSA key length is read from the key itself", () => {
    expect(parseDkimKey(`v=DKIM1; k=rsa; p=${rsa(2048)}`)).toMatchObject({ key: { keyType: "rsa", bits: 2048 }, errors: [], warnings: [] });
    expect(parseDkimKey(`v=DKIM1; p=${RFC6376_KEY}`)).toMatchObject({ key: { bits: 1024 }, errors: [], warnings: ["the RSA key has 1024 bits; publish 2048"] });
    expect(parseDkimKey(`v=DKIM1; p=${rsa(768)}`).errors).toEqual(["the RSA key has 768 bits; receivers refuse keys under 1024 (RFC 8301)"]);
  });

  test("a PKCS#1 RSAPublicKey, what RFC 6376 3.6.1 literally specifies, is read like a SubjectPublicKeyInfo", () => {
    expect(parseDkimKey(`v=DKIM1; k=rsa; p=${rsa(2048, "pkcs1")}`)).toMatchObject({ key: { keyType: "rsa", bits: 2048 }, errors: [], warnings: [] });
    expect(parseDkimKey(`v=DKIM1; p=${rsa(768, "pkcs1")}`).errors).toEqual(["the RSA key has 768 bits; receivers refuse keys under 1024 (RFC 8301)"]);
  });

  test("Ed25519 keys are the raw 32 bytes of RFC 8463", () => {
    expect(parseDkimKey(`v=DKIM1; k=ed25519; p=${RFC8463_KEY}`)).toMatchObject({ key: { keyType: "ed25519", bits: 256 }, errors: [], warnings: [] });
    const spki = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "der" }).toString("base64");
    expect(parseDkimKey(`v=DKIM1; k=ed25519; p=${spki}`).errors).toEqual([
      "p= for k=ed25519 must be the raw 32-byte key (RFC 8463), this one has 44 bytes; this is a SubjectPublicKeyInfo: publish its last 32 bytes",
    ]);
    expect(parseDkimKey(`v=DKIM1; p=${spki}`).errors[0]).toContain("p= holds an ed25519 key but k= is rsa");
  });

  test("a revoked key (empty p=) is refused", () => {
    const parsed = parseDkimKey("v=DKIM1; p=");
    expect(parsed.key).toBeUndefined();
    expect(parsed.errors).toEqual([
      "the key is revoked (empty p=, RFC 6376 3.6.1), so every signature made with this selector fails; publish the provider's current key, or remove the record once nothing signs with it",
    ]);
  });

  test("a truncated key, a missing p= and text that is not base64", () => {
    expect(parseDkimKey(`v=DKIM1; k=rsa; p=${rsa(2048).slice(0, 200)}`).errors).toEqual([
      "p= is not a valid rsa public key (truncated or mis-pasted?); copy the whole key again from the provider",
    ]);
    expect(parseDkimKey("v=DKIM1; k=rsa").errors).toEqual(["has no p= public key"]);
    expect(parseDkimKey(`v=DKIM1; p=${RFC6376_KEY.slice(0, 40)}"${RFC6376_KEY.slice(40)}`).errors).toEqual([
      "p= is not base64 (A-Z, a-z, 0-9, + and /); copy the key again from the provider",
    ]);
  });

  test.each([
    ["v=DKIM1; p=KEY; p=KEY", "has the tag p= twice, which makes the whole record invalid (RFC 6376 3.2); keep one"],
    ["k=rsa; v=DKIM1; p=KEY", "v=DKIM1 must be the first tag (RFC 6376 3.6.1); move it to the front or drop it"],
    ["v=DKIM2; p=KEY", "v must be DKIM1 (got DKIM2)"],
    ["v=DKIM1; k=dsa; p=KEY", "k=dsa is not rsa or ed25519, so receivers cannot use the key; write k=rsa or k=ed25519"],
    ["v=DKIM1; h=sha1; p=KEY", "h=sha1 allows only SHA-1, which receivers refuse (RFC 8301); write h=sha256 or drop h="],
    ["v=DKIM1; h=md5; p=KEY", "h=md5 names no hash algorithm receivers know; write h=sha256 or drop h="],
    ["v=DKIM1; s=tlsrpt; p=KEY", "s=tlsrpt does not include email or *, so receivers do not use the key for mail (RFC 6376 3.6.1); drop s= or write s=email"],
    ["v=DKIM1; P=KEY", "has no p= public key"],
    ["v=DKIM1; p KEY", '"p KEY" is not a tag=value pair (RFC 6376 3.2); copy the record again from the provider'],
  ])("%s breaks the tag list (RFC 6376 3.2, 3.6.1)", (record, error) => {
    const parsed = parseDkimKey(record.replaceAll("KEY", RFC6376_KEY));
    expect(parsed.key).toBeUndefined();
    expect(parsed.errors).toContain(error.replaceAll("KEY", RFC6376_KEY));
  });

  test("whitespace is RFC 6376's only: a pasted no-break space fails; grammar literals ignore case, but dkimpy's k= does not", () => {
    const key = RFC6376_KEY;
    expect(parseDkimKey(`v=DKIM1; k=rsa; p=${key.slice(0, 40)} \t${key.slice(40)}`).errors).toEqual([]);
    expect(parseDkimKey(`v=DKIM1;\u00a0k=rsa; p=${key}`).errors).toEqual([
      "has the character U+00A0, outside ASCII, so receivers refuse the key; copy the record again",
    ]);
    const upper = parseDkimKey(`v=DKIM1; k=RSA; h=SHA256; s=Email; p=${key}`);
    expect(upper.errors).toEqual([]);
    expect(upper.warnings).toContain("write k=rsa in lower case: dkimpy refuses k=RSA");
  });

  test("known flags, hashes and services pass; unknown tags and flags are ignored with a warning", () => {
    const parsed = parseDkimKey(`v=DKIM1; h=sha1:sha256; s=email:*; t=s:y:z; n=rotated 2026; x_note=1; P=x; p=${RFC6376_KEY}`);
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings).toEqual([
      "unknown tag x_note= is ignored by receivers",
      "P= is not p=: tag names are case-sensitive (RFC 6376 3.2), so receivers ignore it; write p=",
      "t= flag z is unknown and ignored (RFC 6376 defines y and s)",
      "the RSA key has 1024 bits; publish 2048",
      "t=y marks the key as testing: receivers treat its mail as unsigned (RFC 6376 3.6.1); drop t=y once signing works",
    ]);
  });

  test("a key split over strings with spaces still parses", () => {
    const key = rsa(2048);
    expect(parseDkimKey(`v=DKIM1; k=rsa; p=${key.slice(0, 100)} ${key.slice(100)}`).key?.bits).toBe(2048);
  });
});
