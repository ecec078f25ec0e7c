/**
 * Issue 18: SPF exact to RFC 7208. The openspf.org RFC 7208 test suite (release 2014.04, as
 * Debian's python3-spf ships it) runs through the kit's check_host() and the live checks' own
 * DNS client, against a real DNS server on loopback serving each section's zone. The zone data
 * is read as pyspf's driver reads it: SPF-type records stand in for TXT where a name has none,
 * `TIMEOUT` makes the types not listed before it fail (here SERVFAIL, so nothing waits on a
 * timer), and `result` may list several acceptable results.
 */
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { createServer, type AddressInfo, type Socket } from "node:net";
import dns2 from "dns2";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { parseAllDocuments } from "yaml";
import { checkHost, parseSpf, STRANGER_ADDRESSES, type SpfResult } from "../domain/mail/spf";
import { mailRecordSpecs } from "../components/mail-auth/mail-records";
import { judgeMail } from "../policies/live/live-mail";
import { mailView } from "../policies/live/probes";
import { parseStackConfig } from "../stacks/stack-config";
import { exampleConfig } from "./helpers";
import { startDnsServer, type Zone } from "../scripts/bench/loopback";

interface Scenario {
  description?: string;
  spec?: string | string[];
  helo: string;
  host: string;
  mailfrom: string;
  result: SpfResult | SpfResult[];
  explanation?: string;
}
interface Section {
  description: string;
  tests: Record<string, Scenario>;
  zonedata: Record<string, Array<string | Record<string, unknown>>>;
}

const sections = parseAllDocuments(readFileSync(join(__dirname, "fixtures", "spf", "rfc7208-tests.yml"), "utf8"))
  .map((document) => document.toJS() as Section | null)
  .filter((section): section is Section => section !== null);

type Records = Zone[string];
const TYPES = ["A", "AAAA", "TXT", "MX", "PTR", "CNAME"] as const;

/** One section's zonedata as the loopback server's zone. */
function zoneOf(zonedata: Section["zonedata"]): Zone {
  const zone: Zone = {};
  for (const [name, entries] of Object.entries(zonedata)) {
    const records: Records = {};
    const seen = new Set<string>();
    const spf: Array<string | string[]> = [];
    let hasTxt = false;
    for (const entry of entries) {
      if (entry === "TIMEOUT") {
        records.servfail = TYPES.filter((type) => !seen.has(type));
        break;
      }
      const [[type, value]] = Object.entries(entry as Record<string, unknown>);
      seen.add(type === "SPF" ? "SPF" : type);
      if (value === "TIMEOUT") {
        records.servfail = [...(records.servfail ?? []), type as (typeof TYPES)[number]];
        continue;
      }
      // A TXT record of no strings cannot cross the wire (RFC 1035 3.3.14 needs one); the suite has one, and expects it ignored.
      if (type === "SPF") {
        if ([value].flat().length > 0) spf.push(value as string | string[]);
      } else if (type === "TXT") {
        // "NONE" gives the name TXT so SPF-type records are not copied, yet no TXT record of its own.
        hasTxt = true;
        if (value === "NONE") seen.delete("TXT");
        else (records.txt ??= []).push(value as string | string[]);
      } else if (type === "A") (records.a ??= []).push(...[value as string].flat());
      else if (type === "AAAA") (records.aaaa ??= []).push(...[value as string].flat());
      else if (type === "MX") {
        const [priority, exchange] = value as [number, string];
        (records.mx ??= []).push({ priority, exchange });
      } else if (type === "PTR") (records.ptr ??= []).push(value as string);
      else if (type === "CNAME") records.cname = value as string;
      else throw new Error(`zonedata for ${name} has the record type ${type}, which this driver does not serve`);
    }
    if (!hasTxt && spf.length > 0) {
      records.txt = spf;
      seen.add("TXT");
    }
    zone[name.toLowerCase()] = records;
  }
  return zone;
}

const zone: Zone = {};
let server: Awaited<ReturnType<typeof startDnsServer>>;
let dns: ReturnType<typeof mailView>;
beforeAll(async () => {
  server = await startDnsServer(zone);
  dns = mailView({ label: "loopback", server: `127.0.0.1:${server.port}` }, 5_000);
});
afterAll(() => server.close());

describe.each(sections)("RFC 7208 test suite: $description", (section) => {
  beforeAll(() => {
    for (const name of Object.keys(zone)) delete zone[name];
    Object.assign(zone, zoneOf(section.zonedata));
  });

  test.each(Object.entries(section.tests))("%s", async (_name, scenario) => {
    // With an empty MAIL FROM, the identity checked is HELO's (RFC 7208 2.3, 2.4).
    const sender = scenario.mailfrom === "" ? `postmaster@${scenario.helo}` : scenario.mailfrom;
    const domain = sender.slice(sender.lastIndexOf("@") + 1);
    const evaluation = await checkHost({ ip: scenario.host, domain, sender, helo: scenario.helo }, dns);
    expect([scenario.result].flat(), evaluation.reason).toContain(evaluation.result);
    if (scenario.explanation !== undefined && evaluation.result === "fail") expect(evaluation.explanation ?? "DEFAULT").toBe(scenario.explanation);
  });
});

test("the suite is all there: 203 scenarios in 16 sections", () => {
  expect(sections).toHaveLength(16);
  expect(sections.reduce((total, section) => total + Object.keys(section.tests).length, 0)).toBe(203);
});

/** Where Debian's python3-spf keeps pyspf; .ci/run installs it, so only off CI may it be missing. */
const PYSPF = existsSync("/usr/lib/python3/dist-packages/spf.py");

describe.skipIf(!PYSPF && !process.env.CI)("beside pyspf, on the same loopback DNS", () => {
  /** Policies where receivers' readings part (void lookups, redirect beside all, depth, grammar), and what the zone holds for them. */
  const policies: Zone = {
    "mx-v4.example.com": { txt: ["v=spf1 mx -all"], mx: [1, 2, 3].map((i) => ({ exchange: `mx${i}.example.com`, priority: 10 })) },
    ...Object.fromEntries([1, 2, 3].map((i) => [`mx${i}.example.com`, { a: [`198.51.100.${i}`] }])),
    "twice.example.com": { txt: ["v=spf1 include:senders.example.net include:senders.example.net -all"] },
    "senders.example.net": { txt: ["v=spf1 ip4:198.51.100.0/24 -all"] },
    "all-then-redirect.example.com": { txt: ["v=spf1 -all redirect=open.example.net"] },
    "redirect-open.example.com": { txt: ["v=spf1 redirect=open.example.net"] },
    "open.example.net": { txt: ["v=spf1 +all"] },
    "deep-open.example.com": { txt: ["v=spf1 include:l1.example.net -all"] },
    "l1.example.net": { txt: ["v=spf1 include:l2.example.net ~all"] },
    "l2.example.net": { txt: ["v=spf1 all"] },
    "bad-ip.example.com": { txt: ["v=spf1 ip4:198.51.100.300 -all"] },
    "bad-cidr.example.com": { txt: ["v=spf1 ip4:198.51.100.0/33 -all"] },
    "include-cidr.example.com": { txt: ["v=spf1 include:senders.example.net/24 -all"] },
    "void-a.example.com": { txt: ["v=spf1 a:gone1.example.net a:gone2.example.net a:gone3.example.net -all"] },
    "eleven.example.com": { txt: [`v=spf1 ${Array.from({ length: 11 }, (_, i) => `include:n${i}.example.net`).join(" ")} -all`] },
    ...Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`n${i}.example.net`, { txt: ["v=spf1 -all"] }])),
    "exists.example.com": { txt: ["v=spf1 exists:%{i}._spf.example.net -all"] },
    "ptr.example.com": { txt: ["v=spf1 ptr -all"] },
    "neutral.example.com": { txt: ["v=spf1 ip4:198.51.100.1"] },
    "loop.example.com": { txt: ["v=spf1 include:loop2.example.com -all"] },
    "loop2.example.com": { txt: ["v=spf1 include:loop.example.com -all"] },
  };
  const domains = Object.keys(policies).filter((name) => policies[name].txt && name.endsWith(".example.com") && !/^(mx\d|loop2)\./.test(name));
  const queries = domains.flatMap((domain) => STRANGER_ADDRESSES.map((ip) => ({ ip, sender: `postmaster@${domain}`, helo: domain, domain })));

  test("check_host() reaches pyspf's result for every stranger on every policy", async () => {
    for (const name of Object.keys(zone)) delete zone[name];
    Object.assign(zone, policies);
    const child = spawn("/usr/bin/python3", [join(__dirname, "fixtures", "spf", "pyspf-check.py"), String(server.port)]);
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.stdin.end(JSON.stringify(queries));
    // Asynchronously: the DNS server pyspf asks runs in this process.
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code, output).toBe(0);
    const theirs: string[] = JSON.parse(output);
    expect(domains).toHaveLength(14);
    // The policies part receivers' readings: the comparison spans every kind of result.
    expect(new Set(theirs)).toEqual(new Set(["pass", "fail", "neutral", "permerror"]));
    const ours = await Promise.all(queries.map(async (q) => (await checkHost(q, dns)).result));
    expect(Object.fromEntries(queries.map((q, i) => [`${q.domain} ${q.ip}`, ours[i]]))).toEqual(
      Object.fromEntries(queries.map((q, i) => [`${q.domain} ${q.ip}`, theirs[i]])),
    );
  });
});

describe("what a verdict needs beyond the result", () => {
  test("a name c-ares will not send goes on the wire as written, and its failure is still a failure", async () => {
    Object.assign(zone, { "foo:bar/baz.example.com": { a: ["192.0.2.1"] }, "down:host.example.com": { servfail: ["TXT"] } });
    expect(await dns.query("foo:bar/baz.example.com", "A")).toEqual(["192.0.2.1"]);
    expect(await dns.query("no:such.example.com", "A")).toEqual([]);
    await expect(dns.query("down:host.example.com", "TXT")).rejects.toMatchObject({ code: "ESERVFAIL" });
  });

  test("a truncated answer is asked again over TCP within the query's deadline, and the run's deadline ends a TCP connection that never answers", async () => {
    // A server that answers every UDP query truncated; over TCP it answers, or accepts and holds.
    let tcpAnswers = true;
    const udp = createSocket("udp4");
    udp.on("message", (message, from) => {
      const response = dns2.Packet.createResponseFromRequest(dns2.Packet.parse(message));
      response.header.tc = 1;
      udp.send(response.toBuffer(), from.port, from.address);
    });
    await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
    const port = (udp.address() as AddressInfo).port;
    const held: Socket[] = [];
    let queryHeld = () => {};
    const tcp = createServer((socket) => {
      held.push(socket);
      socket.once("data", (chunk) => {
        if (!tcpAnswers) return queryHeld();
        const request = dns2.Packet.parse(chunk.subarray(2));
        const response = dns2.Packet.createResponseFromRequest(request);
        response.answers.push({
          name: request.questions[0].name,
          type: dns2.Packet.TYPE.TXT,
          class: dns2.Packet.CLASS.IN,
          ttl: 300,
          data: "v=spf1 -all",
        } as any);
        const bytes = response.toBuffer();
        socket.end(Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 255]), bytes]));
      });
    });
    await new Promise<void>((resolve) => tcp.listen(port, "127.0.0.1", resolve));
    try {
      const server = { label: "truncating", server: `127.0.0.1:${port}` };
      // The space keeps c-ares from sending the name: it goes on the wire as written.
      expect(await mailView(server, 5_000).query("x y.example.com", "TXT")).toEqual(["v=spf1 -all"]);
      tcpAnswers = false;
      await expect(mailView(server, 200).query("x y.example.com", "TXT")).rejects.toMatchObject({ code: "ETIMEOUT" });
      // Aborted once the server holds the query over TCP: the stage dns2's own client never let go of.
      const run = new AbortController();
      const holding = new Promise<void>((resolve) => (queryHeld = resolve));
      const asked = mailView(server, 600_000, run.signal).query("x y.example.com", "TXT");
      await holding;
      run.abort("the run's deadline of 3000 ms passed first");
      await expect(asked).rejects.toMatchObject({ code: "the run's deadline of 3000 ms passed first" });
    } finally {
      for (const socket of held) socket.destroy();
      udp.close();
      await new Promise((resolve) => tcp.close(resolve));
    }
  });

  test("grammar errors the suite does not cover are permerrors", () => {
    for (const record of ["v=spf1 ip4:198.51.100.300 -all", "v=spf1 ip4:198.51.100.0/33 -all", "v=spf1 include:x/24 -all", "v=spf1 ip6:2001:db8::/129 -all"])
      expect(parseSpf(record).ok, record).toBe(false);
    expect(parseSpf("v=spf1 a:mail.example.com/24//64 ip6:2001:db8::/32 -all").ok).toBe(true);
  });
});

describe("live MAIL-* verdicts over loopback DNS", () => {
  const DAY = "2026-12-02";
  const raw = exampleConfig("prod");
  // A SendGrid sender adds DKIM selectors delegated by CNAME to the provider's keys.
  raw["launch-ready:email"].senders.push({
    provider: "sendgrid",
    domain: "news",
    returnPath: { name: "em1234", target: "u1234.wl123.sendgrid.net" },
    dkim: [
      { selector: "s1", value: "s1.domainkey.u1234.wl123.sendgrid.net" },
      { selector: "s2", value: "s2.domainkey.u1234.wl123.sendgrid.net" },
    ],
  });
  const configOf = (edit: (raw: Record<string, any>) => void = () => {}) => {
    const copy = structuredClone(raw);
    edit(copy);
    const parsed = parseStackConfig(copy);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    return parsed.config;
  };
  const config = configOf();
  const PROVIDER_KEY =
    "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB";

  /** What the internet would answer once the stack is applied: its mail records, and its providers' own. */
  function publishedZone(): Zone {
    const published: Zone = {
      "_spf.google.com": { txt: ["v=spf1 include:_netblocks.google.com include:_netblocks2.google.com include:_netblocks3.google.com ~all"] },
      "_netblocks.google.com": { txt: ["v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ~all"] },
      "_netblocks2.google.com": { txt: ["v=spf1 ip6:2001:4860:4000::/36 ~all"] },
      "_netblocks3.google.com": { txt: ["v=spf1 ip4:172.217.0.0/19 ~all"] },
      "amazonses.com": { txt: ["v=spf1 ip4:199.255.192.0/22 ip4:54.240.0.0/18 ~all"] },
      "s1.domainkey.u1234.wl123.sendgrid.net": { txt: [PROVIDER_KEY] },
      "s2.domainkey.u1234.wl123.sendgrid.net": { txt: [PROVIDER_KEY] },
    };
    for (const record of mailRecordSpecs(config, DAY)) {
      const at = (published[record.name] ??= {});
      if (record.type === "TXT") (at.txt ??= []).push(record.content);
      if (record.type === "MX") (at.mx ??= []).push({ exchange: record.content, priority: record.priority ?? 10 });
      if (record.type === "CNAME") at.cname = record.content;
    }
    return published;
  }
  const verdicts = async (judged = config) =>
    Object.fromEntries((await judgeMail(judged, DAY, dns)).map((check) => [`${check.id} ${check.target}`, `${check.status}: ${check.detail}`]));
  let passing: Record<string, string>;

  beforeEach(() => {
    for (const name of Object.keys(zone)) delete zone[name];
    Object.assign(zone, publishedZone());
  });

  test("the published example passes every MAIL-* check it declares, each once", async () => {
    passing = await verdicts();
    expect(Object.keys(passing).sort()).toEqual([
      "MAIL-DKIM google._domainkey.example.com",
      "MAIL-DKIM resend._domainkey.mail.example.com",
      "MAIL-DKIM s1._domainkey.news.example.com",
      "MAIL-DKIM s2._domainkey.news.example.com",
      "MAIL-DMARC _dmarc.example.com",
      "MAIL-SPF example.com",
      "MAIL-SPF send.mail.example.com",
    ]);
    expect(Object.values(passing).filter((v) => !v.startsWith("pass"))).toEqual([]);
    expect(passing["MAIL-SPF example.com"]).toBe("pass: 4 DNS lookups (limit 10), 0 void (limit 2)");
  });

  test("a name that answers SERVFAIL fails its own check, named, and nothing else", async () => {
    zone["_netblocks2.google.com"].servfail = ["TXT"];
    zone["_dmarc.example.com"].servfail = ["TXT"];
    const judged = await verdicts();
    expect(judged).toEqual({
      ...passing,
      "MAIL-SPF example.com": "fail: could not be checked because _netblocks2.google.com TXT did not answer (ESERVFAIL)",
      "MAIL-DMARC _dmarc.example.com": "fail: could not be checked because _dmarc.example.com TXT did not answer (ESERVFAIL)",
    });
  });

  test("a permissive record deep in a provider's includes fails MAIL-SPF", async () => {
    zone["_netblocks3.google.com"].txt = ["v=spf1 ip4:172.217.0.0/19 +all"];
    expect((await verdicts())["MAIL-SPF example.com"]).toContain(
      "authorises 192.0.2.123, an address no sender owns, through _netblocks3.google.com: all: remove the permissive term",
    );
  });

  test("a DKIM key is the declared one whatever the tag order and spacing; other bytes are another key", async () => {
    const declared = zone["google._domainkey.example.com"].txt![0] as string;
    const p = /p=([^;]+)/.exec(declared)![1];
    zone["google._domainkey.example.com"].txt = [`k=rsa;  p=${p.slice(0, 50)} ${p.slice(50)} ;`];
    expect((await verdicts())["MAIL-DKIM google._domainkey.example.com"]).toMatch(/^pass: valid rsa key of 2048 bits/);
    zone["google._domainkey.example.com"].txt = [`v=DKIM1; k=rsa; p=${PROVIDER_KEY.split("p=")[1]}`];
    expect((await verdicts())["MAIL-DKIM google._domainkey.example.com"]).toBe("fail: publishes a different key from the one the stack declares (p= differs)");
  });

  test("a selector delegated by CNAME is followed to the provider's key", async () => {
    delete zone["s2.domainkey.u1234.wl123.sendgrid.net"];
    zone["s1.domainkey.u1234.wl123.sendgrid.net"].txt = ["v=DKIM1; k=rsa; p=MIGfMA0GCSqG"];
    const judged = await verdicts();
    expect(judged["MAIL-DKIM s2._domainkey.news.example.com"]).toBe(
      "fail: publishes no DKIM key (through the CNAME to s2.domainkey.u1234.wl123.sendgrid.net): receivers cannot verify signed mail",
    );
    expect(judged["MAIL-DKIM s1._domainkey.news.example.com"]).toMatch(
      /^fail: key unusable \(through the CNAME to s1\.domainkey\.u1234\.wl123\.sendgrid\.net\): /,
    );
  });

  test("p=reject with pct=0 or t=y is not the enforcement the stack declares; a tag receivers discard fails", async () => {
    const declared = zone["_dmarc.example.com"].txt![0] as string;
    zone["_dmarc.example.com"].txt = [`${declared}; pct=0`];
    expect((await verdicts())["MAIL-DMARC _dmarc.example.com"]).toMatch(/^fail: p=reject, but .*pct=0/);
    zone["_dmarc.example.com"].txt = [`${declared}; t=y`];
    expect((await verdicts())["MAIL-DMARC _dmarc.example.com"]).toMatch(/^fail: p=reject, but /);
    zone["_dmarc.example.com"].txt = [declared.replace("adkim=r", "adkim=x")];
    expect((await verdicts())["MAIL-DMARC _dmarc.example.com"]).toMatch(/^fail: receivers discard part of it: .*adkim/);
  });

  test("reports sent to another domain need its _report._dmarc authorisation (RFC 7489 7.1)", async () => {
    const external = configOf((copy) => {
      copy["launch-ready:email"].dmarc.rua = ["dmarc@reports.example.net"];
    });
    const record = mailRecordSpecs(external, DAY).find((r) => r.name === "_dmarc.example.com")!;
    zone["_dmarc.example.com"].txt = [record.content];
    expect((await verdicts(external))["MAIL-DMARC _dmarc.example.com"]).toBe(
      "fail: reports go to dmarc@reports.example.net (no v=DMARC1 record at example.com._report._dmarc.reports.example.net): that domain has not agreed to take them, so receivers send nothing there (RFC 7489 7.1)",
    );
    zone["example.com._report._dmarc.reports.example.net"] = { txt: ["v=DMARC1"] };
    expect((await verdicts(external))["MAIL-DMARC _dmarc.example.com"]).toMatch(/^pass: p=reject, reports to dmarc@reports\.example\.net/);
  });
});
