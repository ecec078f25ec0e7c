/**
 * Issue 8, first part: `npm run verify` against real servers on loopback (a DNS server, HTTPS
 * and HTTP servers with a CA made at test time), a good setup and a broken one. The verb runs in
 * this process; one test runs its entry file as `npm run verify` does.
 */
import { KeyObject, webcrypto } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stringify } from "yaml";
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API loaded first.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import {
  judgeCanonicalRedirect,
  judgeCaa,
  judgeCertificate,
  judgeHttpsOnly,
  judgeSecurityHeaders,
  judgeHstsPreload,
  judgeSecurityTxt,
  judgeTlsVersions,
  type LiveCheck,
  runDeadlinePassed,
} from "../policies/live/live-checks";
import {
  follow,
  get,
  handshake,
  INCOMPLETE_BODY,
  MAX_REQUEST_TIMEOUT_MS,
  MAX_RUN_DEADLINE_MS,
  parseConnectTo,
  parseResolver,
  ProbeUsageError,
  route,
} from "../policies/live/probes";
import { verifyStack } from "../policies/live/verify-stack";
import { verify as verifyVerb } from "../scripts/commands/verify";
import { exampleConfig, parsedExample, runEntryFile, runInProcess } from "./helpers";
import { mailRecordSpecs, mtaStsPolicyOnDay } from "../components/mail-auth/mail-records";
import { zoneCaaProperties } from "../components/zone-caa";
import { caaNameFor } from "../domain/caa";
import { judgeMailTransport } from "../policies/live/live-mail";
import { mailView } from "../policies/live/probes";
import { mtaStsPolicyText, mtaStsPolicyUrl } from "../domain/mail/mta-sts";
import { securityTxtText } from "../domain/security-txt";
import { createTestCa, startDnsServer, startWebServers, type Handler, type TestCa, type WebServers, type Zone } from "../scripts/bench/loopback";

const DAY = 86_400_000;

const PROXIED = ["example.com", "www.example.com", "app.example.com", "api.example.com", "admin.example.com"];
const DNS_ONLY = ["status.example.com", "docs.example.com"];
/** Names the kit's edge Worker answers at (its custom domains): not hosts, declared by the mail config. */
const WORKER_HOSTS = ["mta-sts.example.com"];
/** The MTA-STS policy as the Worker serves it today. */
const MTA_STS_POLICY = mtaStsPolicyOnDay(parsedExample("prod"), new Date().toISOString().slice(0, 10))!.text;
const SECURITY_TXT = securityTxtText({ contacts: ["mailto:founder@example.com"], expires: new Date(Date.now() + 200 * 86_400_000).toISOString() });
const CLOUDFLARE = { a: ["104.16.132.229"], aaaa: ["2606:4700::6810:84e5"] };
const SECURITY_HEADERS = {
  "strict-transport-security": "max-age=31536000; includeSubDomains; preload",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "strict-origin-when-cross-origin",
};

let ca: TestCa;
/** The good zone's DNS server, and a directory with the CA certificate and the prod example's stack file. */
let goodDns: { port: number };
let dir: string;
let stackFile: string;
let caFile: string;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  // Its certificates read as Let's Encrypt's do (O=Let's Encrypt), so TLS-CAA maps them to letsencrypt.org.
  ca = await createTestCa("C=US, O=Let's Encrypt, CN=launch-ready test R11");
  const dns = await startDnsServer(goodZone());
  closers.push(dns.close);
  goodDns = dns;
  dir = mkdtempSync(join(tmpdir(), "launch-ready-verify-"));
  caFile = join(dir, "ca.pem");
  stackFile = join(dir, "Pulumi.prod.yaml");
  writeFileSync(caFile, ca.certificate);
  // Asking for the preload list, so verify also judges the base domain's header as the list reads it.
  const config = exampleConfig("prod");
  config["launch-ready:tls"].hsts.preload = true;
  writeFileSync(stackFile, stringify({ config }));
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The prod example's hosts, and its mail records as the stack declares them today, with Google's SPF chain (4 lookups) and Amazon SES's. */
function goodZone(): Zone {
  const zone: Zone = Object.fromEntries([...PROXIED.map((host) => [host, { ...CLOUDFLARE }]), ...DNS_ONLY.map((host) => [host, { a: ["203.0.113.5"] }])]);
  for (const record of mailRecordSpecs(parsedExample("prod"), new Date().toISOString().slice(0, 10))) {
    const entry = (zone[record.name] ??= {});
    if (record.type === "TXT") (entry.txt ??= []).push(record.content);
    if (record.type === "MX") (entry.mx ??= []).push({ exchange: record.content, priority: record.priority ?? 0 });
  }
  zone["_spf.google.com"] = { txt: ["v=spf1 include:_netblocks.google.com include:_netblocks2.google.com include:_netblocks3.google.com ~all"] };
  for (const name of ["_netblocks.google.com", "_netblocks2.google.com", "_netblocks3.google.com"]) zone[name] = { txt: ["v=spf1 ip4:35.190.247.0/24 ~all"] };
  // The apex serves the CAA set the kit writes for the prod example (TLS-CAA).
  zone["example.com"].caa = zoneCaaProperties(parsedExample("prod").tls.caa!);
  // Resend's bounce name includes Amazon SES, whose record lists address ranges only.
  zone["amazonses.com"] = { txt: ["v=spf1 ip4:199.255.192.0/22 ip4:199.127.232.0/22 -all"] };
  // A signed zone as a validating resolver shows it: the key, the parent's DS for it (both from
  // dnssec-keygen and dnssec-dsfromkey), and AD on its answers. test/dnssec-live.test.ts validates for real.
  Object.assign(zone["example.com"], {
    soa: { primary: "ns1.example.com", admin: "hostmaster.example.com" },
    dnskey: [{ flags: 257, protocol: 3, algorithm: 13, key: "7BfIjia43lOPhjxnMRGaRmc+wSAl4P0GJC0ZAuaLFey3ecFpWGZYkOhk3FoigWhFThBV85KS2k5ezNObIibHfw==" }],
    ds: ["32839 13 2 18032D6EB2A5AE2469D3BD2E8BCC31385AB585B52E5052262B15DA77381D0A5B"],
    authenticated: true,
  });
  return zone;
}

const posts = new Map<string, number>();
const ASSISTANT_FALLBACK = "The assistant is busy; here is your week without a summary";
/** Planted in the assistant's hidden context; made at test time, never written down. */
const CANARY = `canary-${Math.random().toString(36).slice(2)}`;
/** What verify sees of its environment: the canary under the name --canary-env gives. */
const ENV: NodeJS.ProcessEnv = { ...process.env, ASSISTANT_CANARY: CANARY };

/** What the app and Cloudflare answer in the good setup: each host as the bar wants it. */
const goodAnswers: Handler = (request, response) => {
  const host = request.headers.host;
  if (host === "mta-sts.example.com" && request.url === "/.well-known/mta-sts.txt")
    return void response.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(MTA_STS_POLICY);
  if (host === "www.example.com" && request.url === "/.well-known/security.txt")
    return void response.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(SECURITY_TXT);
  // The base domain's redirect carries HSTS too: the preload list reads it there (hstspreload.org).
  if (host === "example.com")
    return void response
      .writeHead(301, { location: `https://www.example.com${request.url}`, "strict-transport-security": SECURITY_HEADERS["strict-transport-security"] })
      .end();
  if (host === "admin.example.com") return void response.writeHead(403, { "cf-mitigated": "challenge" }).end();
  if (host === "api.example.com" && request.url === "/v1/assistant") {
    // A careful assistant: never repeats its hidden context, and falls back when its model stalls.
    if (request.headers["x-launch-ready-probe"] === "slow-upstream")
      return void setTimeout(() => response.writeHead(200).end(JSON.stringify({ answer: ASSISTANT_FALLBACK })), 300);
    // Cloudflare's limit on it as the prod example declares it, 10 per minute, counted on the burst's
    // empty POSTs only: the AI probes' prompts count as sent from another address.
    if (request.method === "POST" && !Number(request.headers["content-length"] ?? 0)) {
      const seen = (posts.get(request.url) ?? 0) + 1;
      posts.set(request.url, seen);
      if (seen > 10) return void response.writeHead(429).end();
    }
    return void response.writeHead(200).end(JSON.stringify({ answer: "I can help with your projects." }));
  }
  if (host === "api.example.com") {
    // Cloudflare's rate limits as the prod example declares them: 10 per minute on auth paths, 100 on webhooks.
    if (request.method === "POST") {
      const seen = (posts.get(request.url!) ?? 0) + 1;
      posts.set(request.url!, seen);
      if (seen > (request.url!.startsWith("/webhooks/") ? 100 : 10)) return void response.writeHead(429).end();
    }
    return void response.writeHead(200, { "content-type": "application/json", "cf-cache-status": "DYNAMIC" }).end("{}");
  }
  if (host === "www.example.com" && request.url === "/assets/app.css")
    return void response.writeHead(200, { "content-type": "text/css", "cf-cache-status": "HIT", "cache-control": "public, max-age=86400" }).end("body{}");
  const page = host === "app.example.com" ? "<html><body>Sign in</body></html>" : "<html></html>";
  response.writeHead(200, { "content-type": "text/html", ...(host === "www.example.com" ? SECURITY_HEADERS : {}) }).end(page);
};

async function goodServers(handler: Handler = goodAnswers, certificates: Record<string, { cert: string; key: string }> = {}): Promise<WebServers> {
  const servers = await startWebServers({
    certificates,
    fallback: await ca.issue([...PROXIED, ...DNS_ONLY, ...WORKER_HOSTS]),
    tls: { minVersion: "TLSv1.2" },
    // Cloudflare adds its Ray ID to every answer of a proxied host.
    handler: (request, response) => {
      if (PROXIED.includes(request.headers.host ?? "")) response.setHeader("cf-ray", "8f2b3c4d5e6f7a8b-LHR");
      handler(request, response);
    },
    httpHandler: (request, response) => void response.writeHead(301, { location: `https://${request.headers.host}${request.url}` }).end(),
  });
  closers.push(servers.close);
  return servers;
}

/**
 * A self-signed certificate naming `host` in its subject CN only, with no subjectAltName: node
 * still accepts it for `host` once trusted, browsers never do.
 */
async function cnOnlyCertificate(host: string): Promise<{ cert: string; key: string }> {
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    { name: `CN=${host}`, notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 30 * DAY), keys: keys as never, signingAlgorithm: algorithm },
    webcrypto as never,
  );
  return { cert: certificate.toString("pem"), key: KeyObject.from(keys.privateKey).export({ type: "pkcs8", format: "pem" }) as string };
}

/**
 * A resolver on loopback that relays questions to the DNS server at `upstreamPort`, except those
 * about a name it `fails` on, which get SERVFAIL at once: a resolver that does not answer for that
 * name (as one that validates DNSSEC does when validation fails), without a timeout to wait out.
 */
async function startResolverFailingOn(upstreamPort: number, fails: (name: string) => boolean): Promise<{ port: number; close(): Promise<void> }> {
  const socket = createSocket("udp4");
  socket.on("message", (question, client) => {
    const labels: string[] = [];
    for (let at = 12; question[at] > 0; at += question[at] + 1) labels.push(question.toString("latin1", at + 1, at + 1 + question[at]));
    if (fails(labels.join(".").toLowerCase())) {
      const servfail = Buffer.from(question);
      servfail[2] |= 0x80; // QR: a response
      servfail[3] = (servfail[3] & 0xf0) | 2; // RCODE 2: SERVFAIL
      return void socket.send(servfail, client.port, client.address);
    }
    const relay = createSocket("udp4");
    relay.once("message", (answer) => socket.send(answer, client.port, client.address, () => relay.close()));
    relay.send(question, upstreamPort, "127.0.0.1");
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { port: socket.address().port, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

/** The good setup, except that the homepage sends its headers and a promised 4,096-byte body, then drops the connection after 12 bytes. */
const homepageCutShort: Handler = (request, response) => {
  if (request.headers.host !== "www.example.com" || request.url !== "/") return goodAnswers(request, response);
  response.writeHead(200, { "content-type": "text/html", "content-length": "4096", ...SECURITY_HEADERS });
  response.write("<html><body>", () => response.socket?.destroy());
};

/** verify --config <the prod example> aimed at these servers through the good zone's DNS. */
function verifyArgs(servers: WebServers, ...more: string[]): string[] {
  return [
    "--config",
    stackFile,
    "--resolver",
    `127.0.0.1:${goodDns.port}`,
    "--connect-to",
    `:443:127.0.0.1:${servers.httpsPort}`,
    "--connect-to",
    `:80:127.0.0.1:${servers.httpPort}`,
    "--ca",
    caFile,
    ...more,
  ];
}

/** The verify verb in this process, as `npm run verify -- ...` runs it through its entry file. */
function verify(args: string[], env: NodeJS.ProcessEnv = ENV) {
  return runInProcess(verifyVerb, args, { failedAs: "verify failed", failureCode: 2, env });
}

const byId = (checks: LiveCheck[]) => {
  const out: Record<string, Record<string, string>> = {};
  for (const check of checks) (out[check.id] ??= {})[check.target] = check.status;
  return out;
};

describe("npm run verify against a good setup on loopback", () => {
  test("every live check of the prod example passes, as JSON, and exits 0", async () => {
    const servers = await goodServers();

    const { code, stdout, stderr } = await verify(verifyArgs(servers, "--burst", "--ai-probes", "--canary-env", "ASSISTANT_CANARY", "--json"));
    expect(stderr).toBe("");
    const report = JSON.parse(stdout) as { checks: LiveCheck[] };
    expect(report.checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(code).toBe(0);
    const ids = byId(report.checks);
    expect(Object.keys(ids)).toEqual([
      "DNS-CANONICAL",
      "DNS-SUBDOMAINS",
      "DNS-PROXIED",
      "DNS-SANE",
      "TLS-STRICT",
      "TLS-HTTPS-ONLY",
      "TLS-VERSION",
      "TLS-HSTS",
      "EDGE-HEADERS",
      "EDGE-CACHE-STATIC",
      "EDGE-CACHE-PRIVATE",
      "EDGE-RATE-LIMIT",
      "EDGE-ADMIN",
      "EDGE-CORS",
      "MAIL-SPF",
      "MAIL-DKIM",
      "MAIL-DMARC",
      "MON-UPTIME",
      "AI-TIMEOUT",
      "DNS-DNSSEC",
      "TLS-CAA",
      "MAIL-TRANSPORT",
      "OPS-SECURITY-TXT",
      "EDGE-BOTS",
      "OPS-REQUEST-ID",
    ]);
    // Each monitored URL of the app answers with its CF-Ray; the status page is another provider's.
    expect(ids["OPS-REQUEST-ID"]).toEqual({
      "https://www.example.com/": "pass",
      "https://app.example.com/login": "pass",
      "https://api.example.com/health": "pass",
      "https://api.example.com/webhooks/health": "pass",
      "https://status.example.com/": "skip",
    });
    expect(Object.keys(ids["AI-TIMEOUT"])).toHaveLength(13);
    expect(ids["DNS-DNSSEC"]).toEqual({ "example.com": "pass" });
    // Every host's certificate, proxied or not, comes from a CA the apex's CAA set allows.
    expect(ids["TLS-CAA"]).toEqual(Object.fromEntries([...PROXIED, ...DNS_ONLY].map((h) => [h, "pass"])));
    expect(report.checks.find((c) => c.id === "TLS-CAA" && c.target === "docs.example.com")?.detail).toMatch(
      /^Let's Encrypt \(letsencrypt\.org\) issued its certificate; the CAA set at example\.com \(0 issue "letsencrypt\.org", .*0 iodef "mailto:security@example\.com"\) allows it$/,
    );
    // Stripe's User-Agent, no cookies: the webhook answers, not a challenge.
    expect(ids["EDGE-BOTS"]).toEqual({ "https://api.example.com/webhooks/stripe": "pass" });
    expect(ids["OPS-SECURITY-TXT"]).toEqual({ "https://www.example.com/.well-known/security.txt": "pass" });
    expect(Object.keys(ids["AI-TIMEOUT"])).toHaveLength(13);
    expect(ids["MAIL-TRANSPORT"]).toEqual({ "_mta-sts.example.com": "pass", "_smtp._tls.example.com": "pass", [mtaStsPolicyUrl("example.com")]: "pass" });
    expect(ids["TLS-HSTS"]).toEqual({ "https://www.example.com/": "pass", "https://example.com/": "pass" });
    expect(stdout).not.toContain(CANARY);

    // The same run for a person: a table by bar ID and a closing count.
    const human = await verify(verifyArgs(servers));
    expect(human.stdout).toContain("Live verification of prod (production), example.com:");
    expect(human.stdout).toMatch(/│ pass\s+│ TLS-STRICT\s+│ www\.example\.com/);
    expect(human.stdout).toMatch(/Live bar: \d+ pass, 0 fail, 0 warn, \d+ skip\./);
    expect(human.code).toBe(0);
    expect(ids["EDGE-RATE-LIMIT"]).toEqual(
      Object.fromEntries(
        ["/auth/login", "/auth/password-reset", "/auth/signup", "/v1/assistant", "/webhooks/stripe"].map((path) => [`https://api.example.com${path}`, "pass"]),
      ),
    );
    expect(report.checks.find((c) => c.id === "MAIL-SPF")).toMatchObject({ target: "example.com", detail: "4 DNS lookups (limit 10), 0 void (limit 2)" });
    expect(Object.keys(ids["MON-UPTIME"])).toHaveLength(5);
    expect(Object.values(ids["DNS-SUBDOMAINS"])).toHaveLength(7);
    expect(ids["DNS-PROXIED"]).toEqual({ ...Object.fromEntries(PROXIED.map((h) => [h, "pass"])), ...Object.fromEntries(DNS_ONLY.map((h) => [h, "skip"])) });
    // A DNS-only host's origin answers for itself: the zone's TLS settings are skipped there, and say so.
    for (const id of ["TLS-VERSION", "TLS-HTTPS-ONLY"])
      expect(ids[id]).toEqual({ ...Object.fromEntries(PROXIED.map((h) => [h, "pass"])), ...Object.fromEntries(DNS_ONLY.map((h) => [h, "skip"])) });
    expect(ids["DNS-CANONICAL"]).toEqual({
      "http://example.com/launch-ready-verify?check=canonical": "pass",
      "https://example.com/launch-ready-verify?check=canonical": "pass",
    });
  });

  test("--canary-env names a variable of verify's own environment; an unset one is a usage error", async () => {
    const { CANARY_NOT_SET: _unset, ...env } = ENV;
    const { code, stdout, stderr } = await verify(["--stack", "prod", "--ai-probes", "--canary-env", "CANARY_NOT_SET"], env);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("--canary-env CANARY_NOT_SET: that variable is not set");
  });
});

describe("MAIL-TRANSPORT live: the MTA-STS policy over valid HTTPS, against the MX the domain publishes", () => {
  test("a good policy passes; a missing, redirected, unparsable or non-covering one fails, and so does an untrusted certificate", async () => {
    let answer: { status: number; headers?: Record<string, string>; body?: string } = { status: 200 };
    const servers = await goodServers((request, response) => {
      if (request.headers.host !== "mta-sts.example.com") return goodAnswers(request, response);
      response.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers }).end(answer.body);
    });
    const view = mailView(parseResolver(`127.0.0.1:${goodDns.port}`), 5_000);
    const options = { connectTo: [parseConnectTo(`:443:127.0.0.1:${servers.httpsPort}`)], timeoutMs: 5_000, ca: ca.certificate };
    const url = mtaStsPolicyUrl("example.com");
    const policyCheck = async (given: typeof answer, probe = options) => {
      answer = given;
      const checks = await judgeMailTransport("example.com", view, await get(probe, url, { bodyBytes: 65_536 }));
      // The TXT records are the good zone's in every case.
      expect(checks.filter((c) => c.target !== url).map((c) => c.status)).toEqual(["pass", "pass"]);
      return checks.filter((c) => c.target === url).map((c) => `${c.status}: ${c.detail}`);
    };
    expect(await policyCheck({ status: 200, body: MTA_STS_POLICY })).toEqual([
      expect.stringMatching(/^pass: mode enforce, mx smtp\.google\.com covers smtp\.google\.com/),
    ]);
    expect(await policyCheck({ status: 404, body: "Not found" })).toEqual([
      expect.stringContaining("fail: answers 404 text/plain; senders want 200 text/plain"),
    ]);
    expect(await policyCheck({ status: 301, headers: { location: "https://www.example.com/mta-sts.txt" } })).toEqual([
      expect.stringContaining("follow no redirect"),
    ]);
    expect(await policyCheck({ status: 200, body: "version: STSv1\nmode: enforce\nmax_age: 86400\n" })).toEqual([
      "fail: the policy does not parse: needs at least one mx line",
    ]);
    expect(await policyCheck({ status: 200, body: mtaStsPolicyText({ mode: "testing", mx: ["*.googlemail.com"], maxAge: 86400 }) })).toEqual([
      expect.stringContaining("fail: mode testing, mx *.googlemail.com covers no pattern for smtp.google.com, which example.com publishes"),
    ]);
    expect(await policyCheck({ status: 200, body: mtaStsPolicyText({ mode: "testing", mx: ["*.google.com"], maxAge: 86400 }) })).toEqual([
      expect.stringMatching(/^warn: mode testing, mx \*\.google\.com covers smtp\.google\.com.*deliver anyway$/),
    ]);
    // Without the test CA the certificate is not valid, and senders would not read the policy.
    expect(await policyCheck({ status: 200, body: MTA_STS_POLICY }, { ...options, ca: undefined as unknown as string })).toEqual([
      expect.stringMatching(/^fail: could not be checked because .* did not answer over valid HTTPS/),
    ]);
  });
});

describe("OPS-SECURITY-TXT live: security.txt on the canonical host over valid HTTPS", () => {
  test("a good file passes; an expired one, one without Contact and a missing one fail", async () => {
    let answer: { status: number; body?: string } = { status: 200 };
    const servers = await goodServers((request, response) => {
      if (request.headers.host !== "www.example.com" || request.url !== "/.well-known/security.txt") return goodAnswers(request, response);
      response.writeHead(answer.status, { "content-type": "text/plain; charset=utf-8" }).end(answer.body);
    });
    const options = { connectTo: [parseConnectTo(`:443:127.0.0.1:${servers.httpsPort}`)], timeoutMs: 5_000, ca: ca.certificate };
    const url = "https://www.example.com/.well-known/security.txt";
    const judged = async (given: typeof answer, now = new Date()) => {
      answer = given;
      const got = await get(options, url, { bodyBytes: 32_768 });
      const check = judgeSecurityTxt(url, "error" in got ? { because: got.error } : got, now);
      return `${check.status}: ${check.detail}`;
    };
    expect(await judged({ status: 200, body: SECURITY_TXT })).toMatch(/^pass: Contact mailto:founder@example\.com; expires /);
    expect(await judged({ status: 200, body: SECURITY_TXT }, new Date(Date.now() + 300 * 86_400_000))).toMatch(/^fail: expired on .*renew Expires$/);
    expect(await judged({ status: 200, body: SECURITY_TXT }, new Date(Date.now() + 190 * 86_400_000))).toMatch(/^warn: .*expires in \d+ days/);
    expect(await judged({ status: 200, body: "Expires: 2027-01-01T00:00:00Z\n" })).toBe("fail: security.txt has no Contact (RFC 9116 2.5.3 requires one)");
    expect(await judged({ status: 200, body: `${SECURITY_TXT}Expires: 2027-01-01T00:00:00Z\n` })).toContain("has 2 Expires fields");
    expect(await judged({ status: 404, body: "Not found" })).toContain(
      "fail: answers 404 text/plain; charset=utf-8; researchers look for a 200 text/plain security.txt",
    );
  });
});

describe("probes keep to their deadline and to the declared hosts", () => {
  const requested: string[] = [];
  let port: number;
  let server: import("node:http").Server;
  beforeAll(async () => {
    const { createServer } = await import("node:http");
    server = createServer((request, response) => {
      requested.push(`${request.headers.host}${request.url}`);
      if (request.url === "/dribble") {
        // Headers at once, then a byte every 20 ms forever: every read resets an idle timeout.
        response.writeHead(200, { "content-type": "text/plain" });
        const drip = setInterval(() => response.write("."), 20);
        response.once("close", () => clearInterval(drip));
      } else if (request.url === "/ftp") response.writeHead(301, { location: "ftp://www.example.com/files" }).end();
      else response.writeHead(301, { location: "http://metadata.internal.example/latest/" }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as import("node:net").AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  const options = () => ({ connectTo: [parseConnectTo(`::127.0.0.1:${port}`)], timeoutMs: 300 });

  test("a server that dribbles its body is cut off at the probe's deadline, not held by it", async () => {
    expect(await get(options(), "http://www.example.com/dribble")).toEqual({ error: "no complete answer within 300 ms" });
  });

  test("a redirect to a host the stack does not declare ends the chain unrequested", async () => {
    const { hops, failed } = await follow(options(), "http://example.com/start", (host) => host === "example.com" || host === "www.example.com");
    expect(failed).toBeUndefined();
    expect(hops.map((hop) => [hop.url, hop.status, hop.location])).toEqual([["http://example.com/start", 301, "http://metadata.internal.example/latest/"]]);
    expect(requested.filter((r) => r.startsWith("metadata.internal.example"))).toEqual([]);
  });

  test("a redirect to another scheme than http(s) ends the chain there, as browsers stop, even on a declared host", async () => {
    requested.length = 0;
    const { hops } = await follow(options(), "http://www.example.com/ftp", (host) => host === "www.example.com");
    expect(hops.map((hop) => [hop.url, hop.status, hop.location])).toEqual([["http://www.example.com/ftp", 301, "ftp://www.example.com/files"]]);
    expect(requested).toEqual(["www.example.com/ftp"]);
  });
});

describe("the handshake and the whole run keep to their deadlines", () => {
  let silent: import("node:net").Server;
  let port: number;
  beforeAll(async () => {
    const { createServer } = await import("node:net");
    // A TLS record header announcing a long handshake, then one byte of it every 20 ms, for ever on
    // /dribble; on every other connection, nothing at all. Either holds a client that waits.
    silent = createServer((socket) => {
      socket.once("data", (hello) => {
        if (!hello.includes("dribble.example.com")) return;
        socket.write(Buffer.from([0x16, 0x03, 0x03, 0x40, 0x00]));
        const drip = setInterval(() => socket.write(Buffer.from([0x02])), 20);
        socket.once("close", () => clearInterval(drip));
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    port = (silent.address() as import("node:net").AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => silent.close(resolve)));

  test("a server that dribbles its handshake is cut off at the deadline, which its bytes do not reset", async () => {
    expect(await handshake({ connectTo: [parseConnectTo(`::127.0.0.1:${port}`)], timeoutMs: 300 }, "dribble.example.com")).toEqual({
      accepted: false,
      authorized: false,
      error: "no handshake within 300 ms",
    });
  });

  test("at the run's deadline every probe still waiting fails, named, and every check is still reported", async () => {
    const { code, stdout } = await verify([
      "--stack",
      "prod",
      "--resolver",
      `127.0.0.1:${goodDns.port}`,
      "--connect-to",
      `::127.0.0.1:${port}`,
      "--timeout",
      "120000",
      "--deadline",
      "300",
      "--json",
    ]);
    const { checks } = JSON.parse(stdout) as { checks: LiveCheck[] };
    const passed = runDeadlinePassed(300);
    // Nothing on the web side ever answers: each such check fails with the deadline as its cause.
    const web = checks.filter((c) => /^(TLS|EDGE|MON)-/.test(c.id) || c.id === "DNS-CANONICAL");
    expect(web.length).toBeGreaterThan(20);
    for (const check of web.filter((c) => c.status !== "skip")) expect(check.detail, `${check.id} ${check.target}`).toContain(passed);
    expect(checks.filter((c) => c.status === "pass" && web.includes(c))).toEqual([]);
    expect(code).toBe(1);
  });
});

describe("verify asks only the hosts the stack declares, and refuses options it cannot keep to", () => {
  test("a monitor or AI endpoint on a host the stack does not declare is not requested, and says why", async () => {
    // Handshakes are recorded by the name they ask for; nothing answers them.
    const asked: string[] = [];
    const { createServer } = await import("node:net");
    const recorder = createServer((socket) => {
      socket.once("data", (hello) => asked.push(hello.toString("latin1")));
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => recorder.listen(0, "127.0.0.1", resolve));
    try {
      const raw = exampleConfig("prod");
      raw["launch-ready:monitoring"].checks.push({ kind: "webhook", url: "https://metadata.someone-else.example.net/latest/meta-data/" });
      const assistant = raw["launch-ready:performance"].endpoints.find((e: { kind: string }) => e.kind === "ai");
      assistant.url = "https://ai.someone-else.example.net/v1/assistant";
      const foreign = join(dir, "Pulumi.foreign.yaml");
      writeFileSync(foreign, stringify({ config: raw }));
      const { stdout } = await verify([
        "--config",
        foreign,
        "--resolver",
        `127.0.0.1:${goodDns.port}`,
        "--connect-to",
        `::127.0.0.1:${(recorder.address() as import("node:net").AddressInfo).port}`,
        "--ai-probes",
        "--deadline",
        "500",
        "--json",
      ]);
      const { checks } = JSON.parse(stdout) as { checks: LiveCheck[] };
      const because = (host: string) => `could not be checked because ${host} is not a host this stack declares, and verify sends requests only to those`;
      expect(checks.filter((c) => c.target.includes("someone-else") || c.target === "assistant")).toEqual([
        {
          id: "MON-UPTIME",
          target: "https://metadata.someone-else.example.net/latest/meta-data/",
          status: "fail",
          detail: because("metadata.someone-else.example.net"),
        },
        { id: "AI-TIMEOUT", target: "assistant", status: "fail", detail: because("ai.someone-else.example.net") },
      ]);
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.filter((hello) => hello.includes("someone-else"))).toEqual([]);
    } finally {
      await new Promise((resolve) => recorder.close(resolve));
    }
  });

  test("a --ca that holds no certificate, and deadlines past what timers keep, exit 2 naming the option", async () => {
    const notPem = join(dir, "not-a-ca.txt");
    writeFileSync(notPem, "this is not a certificate\n");
    const ca = await verify(["--stack", "prod", "--ca", notPem, "--json"]);
    expect(ca.code).toBe(2);
    expect(JSON.parse(ca.stderr).error).toBe(
      `--ca ${notPem} holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA certificate the server's chain ends at`,
    );
    for (const [flag, max] of [
      ["--timeout", MAX_REQUEST_TIMEOUT_MS],
      ["--deadline", MAX_RUN_DEADLINE_MS],
    ] as const) {
      const tooLong = await verify(["--stack", "prod", flag, String(2 ** 31), "--json"]);
      expect(tooLong.code, flag).toBe(2);
      expect(JSON.parse(tooLong.stderr).error, flag).toBe(`${flag} "${2 ** 31}" must be a whole number from 1 to ${max}`);
    }
  });
});

describe("verify against a server that cuts a response body short", () => {
  test("the probe settles as a failure, verify reports it and exits 1", async () => {
    const servers = await goodServers(homepageCutShort);
    const { code, stdout, stderr } = await verify(verifyArgs(servers, "--json"));
    expect(stderr).toBe("");
    const { checks } = JSON.parse(stdout) as { checks: LiveCheck[] };
    // Only the probes of https://www.example.com/ are cut short; the headers they would have judged fail with them, and everything else still passes.
    const because = `could not be checked because https://www.example.com/ did not answer: ${INCOMPLETE_BODY} (12 of 4096 bytes arrived)`;
    expect(checks.filter((c) => c.status === "fail")).toEqual([
      { id: "TLS-HSTS", target: "https://www.example.com/", status: "fail", detail: because },
      { id: "EDGE-HEADERS", target: "https://www.example.com/", status: "fail", detail: because },
      { id: "MON-UPTIME", target: "https://www.example.com/", status: "fail", detail: `does not answer: ${INCOMPLETE_BODY} (12 of 4096 bytes arrived)` },
      { id: "OPS-REQUEST-ID", target: "https://www.example.com/", status: "fail", detail: because },
    ]);
    expect(checks.filter((c) => c.status === "pass").length).toBeGreaterThan(30);
    expect(code).toBe(1);
  });
});

describe("the verify entry file", () => {
  test("npm run verify runs the verb and exits with its code, output unchanged", async () => {
    const servers = await goodServers(homepageCutShort);
    const args = verifyArgs(servers, "--json");
    const [child, inProcess] = [await runEntryFile("verify", args, ENV), await verify(args)];
    expect(child.stderr).toBe("");
    expect(child.code).toBe(1);
    expect(JSON.parse(child.stdout)).toEqual(JSON.parse(inProcess.stdout));
    expect(inProcess.code).toBe(1);
  });
});

describe("verify against a broken setup on loopback", () => {
  let checks: LiveCheck[];

  // Its timeout is a safety net, as testTimeout is: one whole verify against slow and stalled servers, many seconds on a busy machine.
  beforeAll(async () => {
    const zone = goodZone();
    delete zone["admin.example.com"];
    zone["app.example.com"] = { a: ["198.51.100.7"] };
    // Google's include now fans out to 11 more includes: 12 lookups in all.
    zone["_spf.google.com"] = { txt: [`v=spf1 ${Array.from({ length: 11 }, (_, i) => `include:_n${i}.google.com`).join(" ")} ~all`] };
    for (let i = 0; i < 11; i++) zone[`_n${i}.google.com`] = { txt: ["v=spf1 ip4:35.190.247.0/24 ~all"] };
    zone["_dmarc.example.com"] = { txt: ["v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"] };
    // Only Google Trust Services may issue, and no iodef: the hosts' Let's Encrypt certificates could not be renewed.
    zone["example.com"] = { ...zone["example.com"], caa: [{ flags: 0, tag: "issue", value: "pki.goog" }] };
    const stale = { ...zone, "api.example.com": { a: ["104.16.132.230"] } };
    const [first, second] = await Promise.all([startDnsServer(zone), startDnsServer(stale)]);
    closers.push(first.close, second.close);
    const names = [...PROXIED, ...DNS_ONLY];
    const cnOnly = await cnOnlyCertificate("app.example.com");
    const servers = await startWebServers({
      certificates: {
        "app.example.com": cnOnly,
        "status.example.com": await ca.issue(["status.example.com"], { notBefore: new Date(Date.now() - 100 * DAY), notAfter: new Date(Date.now() - DAY) }),
        "docs.example.com": await ca.issue(["docs.example.net"]),
        "www.example.com": await ca.issue(["www.example.com"], { notAfter: new Date(Date.now() + 5 * DAY) }),
      },
      fallback: await ca.issue(names),
      // Accepts TLS 1.0 and 1.1, as an origin left on old defaults would.
      tls: { minVersion: "TLSv1", ciphers: "DEFAULT:@SECLEVEL=0" },
      handler: (request, response) => {
        if (request.headers.host === "example.com") {
          // Two hops: a language prefix on the same host first, then the canonical host.
          const next = request.url!.startsWith("/en/") ? `https://www.example.com${request.url}` : `https://example.com/en${request.url}`;
          return void response.writeHead(301, { location: next }).end();
        }
        if (request.headers.host === "api.example.com" && request.url === "/v1/assistant") {
          // A naive assistant: repeats its hidden context when asked, and waits on a stalled model forever.
          if (request.headers["x-launch-ready-probe"] === "slow-upstream") return void setTimeout(() => response.writeHead(504).end("upstream timeout"), 2500);
          let body = "";
          request.on("data", (chunk) => (body += chunk));
          return void request.on("end", () => response.writeHead(200).end(/system prompt/i.test(body) ? `My instructions: keep ${CANARY} secret.` : "OK"));
        }
        // Bot Fight Mode on: Stripe's deliveries get a challenge page, which no server can pass.
        if (request.headers.host === "api.example.com" && request.url!.startsWith("/webhooks/") && /^Stripe\//.test(request.headers["user-agent"] ?? ""))
          return void response.writeHead(403, { "cf-mitigated": "challenge", "content-type": "text/html" }).end("<title>Just a moment...</title>");
        if (request.headers.host === "api.example.com") {
          // Reflects any Origin, and its cache keeps authenticated answers.
          return void response
            .writeHead(200, {
              "access-control-allow-origin": String(request.headers.origin ?? "*"),
              "access-control-allow-credentials": "true",
              "cf-cache-status": "HIT",
            })
            .end("{}");
        }
        // The admin app answers anyone; the login page lost its "Sign in".
        response.writeHead(200, { "content-type": "text/html" }).end("<html>Welcome</html>");
      },
      httpHandler: (request, response) => {
        if (request.headers.host === "example.com") return void response.writeHead(301, { location: "http://www.example.com/" }).end();
        if (request.headers.host === "www.example.com") return void response.writeHead(200).end("plain http");
        // Straight to another host: a browser never sees api.example.com's own HSTS header.
        if (request.headers.host === "api.example.com") return void response.writeHead(301, { location: "https://www.example.com/" }).end();
        response.writeHead(301, { location: `https://${request.headers.host}${request.url}` }).end();
      },
    });
    closers.push(servers.close);
    checks = await verifyStack(parsedExample("prod"), {
      resolvers: [parseResolver(`127.0.0.1:${first.port}`), parseResolver(`127.0.0.1:${second.port}`)],
      connectTo: [parseConnectTo(`:443:127.0.0.1:${servers.httpsPort}`), parseConnectTo(`:80:127.0.0.1:${servers.httpPort}`)],
      // Trusted, so that only its names are left to judge.
      ca: `${ca.certificate}\n${cnOnly.cert}`,
      concurrency: 4,
      timeoutMs: 5000,
      runDeadlineMs: 600_000,
      burst: true,
      aiProbes: true,
      canary: CANARY,
    });
  }, 60_000);

  const status = (id: string, target: string) => checks.find((c) => c.id === id && c.target === target);

  test("DNS: an NXDOMAIN host, a proxied host answering outside Cloudflare, resolvers that disagree", () => {
    expect(status("DNS-SUBDOMAINS", "admin.example.com")).toMatchObject({ status: "fail", detail: expect.stringContaining("NXDOMAIN on 127.0.0.1:") });
    expect(status("DNS-PROXIED", "app.example.com")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("198.51.100.7, outside Cloudflare's edge"),
    });
    expect(status("DNS-SANE", "api.example.com")).toMatchObject({ status: "fail", detail: expect.stringContaining("resolvers disagree") });
    expect(status("DNS-SANE", "www.example.com")?.status).toBe("pass");
  });

  test("TLS: an expired certificate, a certificate for another name, one naming its host in the CN only, one expiring in 5 days, TLS 1.0/1.1 accepted", () => {
    expect(status("TLS-STRICT", "status.example.com")).toMatchObject({ status: "fail", detail: "certificate not accepted: CERT_HAS_EXPIRED" });
    expect(status("TLS-STRICT", "docs.example.com")).toMatchObject({ status: "fail", detail: expect.stringContaining("ERR_TLS_CERT_ALTNAME_INVALID") });
    expect(status("TLS-STRICT", "app.example.com")).toMatchObject({
      status: "fail",
      detail:
        "the certificate names app.example.com only in the subject CN, with no subjectAltName DNS name, and browsers ignore the CN (RFC 6125 6.4.4): reissue it with app.example.com as a subjectAltName",
    });
    expect(status("TLS-STRICT", "www.example.com")).toMatchObject({ status: "fail", detail: expect.stringMatching(/^certificate expires in [45] days/) });
    expect(status("TLS-STRICT", "admin.example.com")?.status).toBe("pass");
    expect(status("TLS-VERSION", "www.example.com")).toMatchObject({
      status: "fail",
      detail: "accepts TLSv1 and TLSv1.1; set the zone's minimum TLS version to 1.2",
    });
  });

  test("TLS-CAA: the served set lacks the hosts' issuer and an iodef; a self-signed certificate names no CA to look for", () => {
    expect(status("TLS-CAA", "www.example.com")).toMatchObject({
      status: "fail",
      detail:
        'the CAA set at example.com (0 issue "pki.goog") does not allow Let\'s Encrypt (letsencrypt.org), which issued the certificate www.example.com presents, so its renewal would be refused; add issue "letsencrypt.org" to launch-ready:tls.caa, or move www.example.com to a CA the set names, and has no iodef, so a CA has nowhere to report a refused request; set launch-ready:tls.caa.iodef',
    });
    expect(status("TLS-CAA", "app.example.com")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("names no organisation and is not a CA the kit knows"),
    });
  });

  test("HTTP: plain http answered, a downgrade, http:// sent straight to another host, a canonical redirect of two hops, no HSTS or security headers", () => {
    expect(status("TLS-HTTPS-ONLY", "www.example.com")).toMatchObject({
      status: "fail",
      detail: "http://www.example.com/ answers 200 instead of a redirect to https://www.example.com/",
    });
    expect(status("TLS-HTTPS-ONLY", "api.example.com")).toMatchObject({
      status: "fail",
      detail:
        "http://api.example.com/ redirects to https://www.example.com/; http:// must first redirect to https:// on api.example.com itself (HSTS preload requires it, and only there does a browser see api.example.com's HSTS header)",
    });
    expect(status("TLS-HTTPS-ONLY", "admin.example.com")?.status).toBe("pass");
    expect(status("TLS-HTTPS-ONLY", "example.com")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("redirects to http://www.example.com/, not to https://"),
    });
    expect(status("DNS-CANONICAL", "https://example.com/launch-ready-verify?check=canonical")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("2 hops"),
    });
    expect(status("DNS-CANONICAL", "http://example.com/launch-ready-verify?check=canonical")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("downgrades to http://www.example.com/"),
    });
    expect(status("TLS-HSTS", "https://www.example.com/")).toMatchObject({ status: "fail", detail: "no Strict-Transport-Security header" });
    expect(status("EDGE-HEADERS", "https://www.example.com/")?.status).toBe("fail");
  });

  test("edge and monitors: an open admin host, a reflected Origin with credentials, a cache HIT on an authenticated call, a login page without its text", () => {
    expect(status("EDGE-ADMIN", "https://admin.example.com/")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("gets 200: the admin surface is open to the world"),
    });
    expect(status("EDGE-CORS", "https://api.example.com/")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("reflects a foreign Origin (https://launch-ready-verify.invalid) with credentials"),
    });
    expect(status("EDGE-CACHE-PRIVATE", "https://api.example.com/api/launch-ready-verify")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("came back HIT"),
    });
    expect(status("EDGE-CACHE-STATIC", "https://www.example.com/assets/app.css")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("cf-cache-status is absent"),
    });
    expect(status("MON-UPTIME", "https://app.example.com/login")).toMatchObject({ status: "fail", detail: expect.stringContaining('without "Sign in"') });
    expect(status("MON-UPTIME", "https://api.example.com/health")?.status).toBe("pass");
    // No proxy in front, no request ID of the app's own: a failed request there cannot be found.
    expect(status("OPS-REQUEST-ID", "https://api.example.com/health")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("answers without CF-Ray or X-Request-ID, so a failed request here cannot be found in the logs"),
    });
    expect(status("EDGE-BOTS", "https://api.example.com/webhooks/stripe")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("a request shaped like Stripe's gets a Cloudflare challenge (403, cf-mitigated: challenge)"),
    });
    expect(status("EDGE-RATE-LIMIT", "https://api.example.com/auth/login")).toMatchObject({
      status: "fail",
      detail: "12 requests against a limit of 10 per 60 s: none stopped; the rate-limit rule is missing or not matching this path",
    });
  });

  test("AI: the canary leaks to an injection probe, and a stalled model gets no fallback in time", () => {
    expect(status("AI-TIMEOUT", "assistant probe 1")).toMatchObject({ status: "fail", detail: expect.stringContaining("the planted canary came back") });
    expect(status("AI-TIMEOUT", "assistant probe 7")?.status).toBe("pass");
    expect(status("AI-TIMEOUT", "assistant slow upstream")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^answered after \d+ ms, over the 2000 ms budget/),
    });
    expect(JSON.stringify(checks)).not.toContain(CANARY);
  });

  test("mail: an SPF chain of 12 lookups, and a DMARC policy weaker than the declared one", () => {
    // Receivers stop at the eleventh term: that is where the permanent error is named.
    expect(status("MAIL-SPF", "example.com")).toMatchObject({
      status: "fail",
      detail:
        "11 DNS lookups (limit 10), 0 void (limit 2): is a permanent error for receivers: _spf.google.com: include:_n9.google.com is DNS lookup 11; receivers stop at 10 (RFC 7208 4.6.4)",
    });
    expect(status("MAIL-DMARC", "_dmarc.example.com")).toMatchObject({ status: "fail", detail: "p=none, the stack declares p=reject for today" });
    expect(status("MAIL-DKIM", "google._domainkey.example.com")?.status).toBe("pass");
  });

  test("in development the same failures are warnings, and nothing fails the run", async () => {
    const development = { ...parsedExample("prod"), environment: "development" as const };
    const relaxed = await verifyStack(development, {
      resolvers: [parseResolver("127.0.0.1:9")],
      connectTo: [parseConnectTo("::127.0.0.1:9")],
      concurrency: 8,
      timeoutMs: 300,
      runDeadlineMs: 600_000,
    });
    expect(relaxed.filter((c) => c.status === "fail")).toEqual([]);
    expect(relaxed.filter((c) => c.status === "warn").length).toBeGreaterThan(10);
    expect(relaxed.find((c) => c.id === "TLS-STRICT")?.detail).toContain("(advisory in development)");
    // No burst unless asked: it would trip the limit for this IP.
    expect(relaxed.find((c) => c.id === "EDGE-RATE-LIMIT")).toMatchObject({
      status: "skip",
      detail: expect.stringContaining("pass --burst to send 12 requests"),
    });
  });
});

describe("verify reports every check that applies, whatever fails before it", () => {
  const expired = { notBefore: new Date(Date.now() - 100 * DAY), notAfter: new Date(Date.now() - DAY) };
  let good: LiveCheck[];
  let partial: LiveCheck[];
  let dead: LiveCheck[];
  let failingResolver: string;

  beforeAll(async () => {
    const [goodWeb, expiredWeb, failing] = await Promise.all([
      goodServers(),
      // The canonical host and the alternate one fail their handshakes; the rest is the good setup.
      goodServers(goodAnswers, { "www.example.com": await ca.issue(["www.example.com"], expired), "example.com": await ca.issue(["example.com"], expired) }),
      startResolverFailingOn(goodDns.port, (name) => name === "docs.example.com"),
    ]);
    closers.push(failing.close);
    failingResolver = `127.0.0.1:${failing.port}`;
    const run = (connectTo: string[], resolvers: string[]) =>
      verifyStack(parsedExample("prod"), {
        resolvers: resolvers.map(parseResolver),
        connectTo: connectTo.map(parseConnectTo),
        ca: ca.certificate,
        concurrency: 8,
        timeoutMs: 30_000,
        runDeadlineMs: 600_000,
      });
    const web = (servers: WebServers) => [`:443:127.0.0.1:${servers.httpsPort}`, `:80:127.0.0.1:${servers.httpPort}`];
    [good, partial, dead] = await Promise.all([
      run(web(goodWeb), [`127.0.0.1:${goodDns.port}`]),
      run(web(expiredWeb), [`127.0.0.1:${goodDns.port}`, failingResolver]),
      // Nothing listens there: no resolver answers, no server either.
      run(["::127.0.0.1:9"], ["127.0.0.1:9"]),
    ]);
  });

  const found = (checks: LiveCheck[], id: string, target: string) => checks.find((c) => c.id === id && c.target === target);
  const applying = (checks: LiveCheck[]) => checks.map((c) => `${c.id} ${c.target}`);

  test("a failed handshake on the canonical host, a redirect into a failed one, a resolver failing on one name: each shows as the cause of what it stopped", () => {
    expect(applying(partial)).toEqual(applying(good));
    const handshake = "could not be checked because the TLS handshake with www.example.com failed: CERT_HAS_EXPIRED";
    expect(found(partial, "TLS-HSTS", "https://www.example.com/")).toMatchObject({ status: "fail", detail: handshake });
    expect(found(partial, "EDGE-HEADERS", "https://www.example.com/")).toMatchObject({ status: "fail", detail: handshake });
    // Every HTTPS check on that host stands on the same handshake.
    const onWww = partial.filter((c) => c.id.startsWith("EDGE-") && c.target.startsWith("https://www.example.com/"));
    expect(onWww.length).toBeGreaterThan(1);
    for (const check of onWww) expect(check, check.id).toMatchObject({ status: "fail", detail: handshake });
    for (const scheme of ["http", "https"])
      expect(found(partial, "DNS-CANONICAL", `${scheme}://example.com/launch-ready-verify?check=canonical`)).toMatchObject({
        status: "fail",
        detail: "could not be checked because https://example.com/launch-ready-verify?check=canonical did not answer: CERT_HAS_EXPIRED",
      });
    // The failing resolver fails docs.example.com's DNS-SUBDOMAINS alone; every other name and check keeps its verdict.
    expect(found(partial, "DNS-SUBDOMAINS", "docs.example.com")).toMatchObject({ status: "fail", detail: `no answer from ${failingResolver} (ESERVFAIL)` });
    expect(found(partial, "DNS-SANE", "docs.example.com")).toMatchObject({
      status: "pass",
      detail: `127.0.0.1:${goodDns.port} answers: 203.0.113.5; no answer from ${failingResolver} (ESERVFAIL)`,
    });
    expect(found(partial, "TLS-STRICT", "docs.example.com")?.status).toBe("pass");
    expect(partial.filter((c) => c.id.startsWith("DNS-") && c.id !== "DNS-CANONICAL" && c.target !== "docs.example.com" && c.status === "fail")).toEqual([]);
  });

  test("with nothing answering, nothing passes and nothing goes missing", () => {
    expect(applying(dead)).toEqual(applying(good));
    expect(dead.filter((c) => c.status === "pass")).toEqual([]);
    const silent = "no resolver answered for www.example.com: 127.0.0.1:9 (ECONNREFUSED); check the network path to them, or name others with --resolver";
    expect(found(dead, "DNS-SUBDOMAINS", "www.example.com")).toMatchObject({ status: "fail", detail: silent });
    expect(found(dead, "DNS-SANE", "www.example.com")).toMatchObject({ status: "fail", detail: `could not be checked because ${silent}` });
    expect(found(dead, "DNS-PROXIED", "www.example.com")).toMatchObject({ status: "fail", detail: `could not be checked because ${silent}` });
    expect(found(dead, "TLS-STRICT", "www.example.com")).toMatchObject({ status: "fail", detail: "no TLS handshake with www.example.com: ECONNREFUSED" });
    expect(found(dead, "TLS-HSTS", "https://www.example.com/")).toMatchObject({
      status: "fail",
      detail: "could not be checked because the TLS handshake with www.example.com failed: ECONNREFUSED",
    });
  });
});

describe("security headers as browsers read them, from a real server", () => {
  /** What www.example.com sends on each path, over the good headers; an array is one header line per value. */
  const SENT: Record<string, Record<string, string | string[]>> = {
    "/hsts-repeated": { "strict-transport-security": "max-age=31536000; includeSubDomains; max-age=0" },
    "/hsts-quoted": { "strict-transport-security": 'MAX-AGE="31536000"; INCLUDESUBDOMAINS; preload' },
    "/hsts-quoted-semicolon": { "strict-transport-security": 'max-age=31536000; report="a;includeSubDomains"' },
    "/hsts-first-invalid": { "strict-transport-security": ["includeSubDomains", "max-age=31536000"] },
    "/hsts-first-counts": { "strict-transport-security": ["max-age=31536000; includeSubDomains", "max-age=0"] },
    "/nosniff-listed-twice": { "x-content-type-options": "nosniff, nosniff" },
    "/nosniff-sent-twice": { "x-content-type-options": ["nosniff", "nosniff"] },
    "/nosniff-then-other": { "x-content-type-options": "nosniff, foo" },
    "/sniff-first": { "x-content-type-options": ["sniff", "nosniff"] },
    "/frame-options-sent-twice": { "x-frame-options": ["DENY", "DENY"] },
    "/frame-options-conflicting": { "x-frame-options": "SAMEORIGIN, ALLOW-FROM https://example.net" },
    "/referrer-unknown-last": { "referrer-policy": "no-referrer, some-future-policy" },
    "/referrer-weak-last": { "referrer-policy": "no-referrer, unsafe-url" },
  };
  let options: Parameters<typeof get>[0];

  beforeAll(async () => {
    const servers = await goodServers((request, response) => {
      const sent = SENT[request.url!];
      if (!sent) return goodAnswers(request, response);
      response.writeHead(200, { "content-type": "text/html", ...SECURITY_HEADERS, ...sent }).end("<html></html>");
    });
    options = { connectTo: [parseConnectTo(`:443:127.0.0.1:${servers.httpsPort}`)], ca: ca.certificate, timeoutMs: 5000 };
  });

  /** TLS-HSTS's and EDGE-HEADERS's status and detail on one path, fetched as verify fetches the canonical page. */
  async function judged(path: string) {
    const url = `https://www.example.com${path}`;
    const answer = await get(options, url);
    const [hsts, headers] = judgeSecurityHeaders(url, "error" in answer ? { because: answer.error } : answer, false);
    return { hsts: { status: hsts.status, detail: hsts.detail }, headers: { status: headers.status, detail: headers.detail } };
  }

  test("HSTS (RFC 6797 6.1, 8.1): a repeated directive voids the header, names are case-insensitive, values may be quoted, only the first header counts", async () => {
    expect((await judged("/hsts-repeated")).hsts).toEqual({
      status: "fail",
      detail:
        'Strict-Transport-Security "max-age=31536000; includeSubDomains; max-age=0" is invalid (it repeats max-age), so browsers ignore it: send one Strict-Transport-Security: max-age=31536000; includeSubDomains',
    });
    expect((await judged("/hsts-quoted")).hsts.status).toBe("pass");
    expect((await judged("/hsts-quoted-semicolon")).hsts).toEqual({
      status: "fail",
      detail: "no includeSubDomains: subdomains can still be reached over http",
    });
    expect((await judged("/hsts-first-invalid")).hsts).toMatchObject({
      status: "fail",
      detail: expect.stringContaining(
        '"includeSubDomains" is invalid (it has no max-age), so browsers ignore it (the first of 2 Strict-Transport-Security headers',
      ),
    });
    expect((await judged("/hsts-first-counts")).hsts).toEqual({
      status: "pass",
      detail: "max-age=31536000; includeSubDomains (the first of 2 Strict-Transport-Security headers: browsers ignore the rest)",
    });
  });

  test("EDGE-HEADERS reads each header as the Fetch and HTML standards do: nosniff is the first value, a header sent twice is one list", async () => {
    for (const path of [
      "/nosniff-listed-twice",
      "/nosniff-sent-twice",
      "/nosniff-then-other",
      "/frame-options-sent-twice",
      "/frame-options-conflicting",
      "/referrer-unknown-last",
    ])
      expect({ path, ...(await judged(path)).headers }).toMatchObject({ path, status: "pass" });
    expect((await judged("/sniff-first")).headers).toEqual({
      status: "fail",
      detail: 'missing: X-Content-Type-Options: nosniff (it sends "sniff, nosniff", and browsers read only its first value)',
    });
    expect((await judged("/referrer-weak-last")).headers).toEqual({
      status: "fail",
      detail: "missing: Referrer-Policy strict-origin-when-cross-origin or stricter",
    });
  });
});

describe("the live judges on exact inputs", () => {
  test("a temporary redirect, or one that drops the path, is not a canonical redirect", () => {
    const start = "https://example.com/pricing?plan=pro";
    expect(
      judgeCanonicalRedirect(
        start,
        [
          { url: start, status: 302, location: "https://www.example.com/pricing?plan=pro" },
          { url: "https://www.example.com/pricing?plan=pro", status: 200 },
        ],
        "www.example.com",
      ),
    ).toMatchObject({ status: "fail", detail: expect.stringContaining("permanent") });
    expect(
      judgeCanonicalRedirect(
        start,
        [
          { url: start, status: 301, location: "https://www.example.com/" },
          { url: "https://www.example.com/", status: 200 },
        ],
        "www.example.com",
      ),
    ).toMatchObject({ status: "fail", detail: expect.stringContaining("expected https://www.example.com/pricing?plan=pro") });
  });

  test("a Location that is not a URL fails the redirect it was for, instead of throwing", () => {
    expect(judgeHttpsOnly("www.example.com", { url: "http://www.example.com/", status: 301, location: "https://exa mple.com:99999/" })).toMatchObject({
      status: "fail",
      detail:
        'http://www.example.com/ answers 301 with Location "https://exa mple.com:99999/", which is not a URL, instead of a redirect to https://www.example.com/',
    });
    const start = "https://example.com/pricing";
    expect(judgeCanonicalRedirect(start, [{ url: start, status: 301, location: "https://[bad/" }], "www.example.com")).toMatchObject({
      status: "fail",
      detail: 'redirects to "https://[bad/", which is not a URL',
    });
  });

  test("CSP frame-ancestors decides framing where it is sent, over X-Frame-Options; a repeated unknown HSTS directive is skipped, as browsers do", () => {
    const headersWith = (extra: Record<string, string>) =>
      judgeSecurityHeaders("https://www.example.com/", { headers: { ...SECURITY_HEADERS, ...extra } }, false).find((c) => c.id === "EDGE-HEADERS")!;
    expect(headersWith({ "content-security-policy": "default-src 'self'; frame-ancestors *" })).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("CSP frame-ancestors that refuses other sites (it allows *"),
    });
    expect(headersWith({ "content-security-policy": "frame-ancestors https:", "x-frame-options": "DENY" }).status).toBe("fail");
    const { "x-frame-options": _, ...withoutFrameOptions } = SECURITY_HEADERS;
    expect(
      judgeSecurityHeaders(
        "https://www.example.com/",
        { headers: { ...withoutFrameOptions, "content-security-policy": "frame-ancestors 'self' https://*.example.com" } },
        false,
      ).find((c) => c.id === "EDGE-HEADERS")?.status,
    ).toBe("pass");
    const hsts = (value: string) =>
      judgeSecurityHeaders("https://www.example.com/", { headers: { ...SECURITY_HEADERS, "strict-transport-security": value } }, false)[0].status;
    expect(hsts("max-age=31536000; includeSubDomains; preload; preload")).toBe("pass");
    expect(hsts("max-age=31536000; includeSubDomains; includeSubDomains")).toBe("fail");
  });

  test("TLS-HSTS preload is judged on the base domain's own answer, a redirect included, as the preload list reads it", () => {
    const url = "https://example.com/";
    const answer = (hsts?: string) => ({ status: 301, headers: hsts === undefined ? {} : { "strict-transport-security": hsts } });
    expect(judgeHstsPreload(url, answer("max-age=63072000; includeSubDomains; preload"))).toMatchObject({ status: "pass" });
    expect(judgeHstsPreload(url, answer()).detail).toBe(
      "preload: the base domain's 301 answer has no Strict-Transport-Security header, which the preload list refuses; send Strict-Transport-Security: max-age=31536000; includeSubDomains; preload on it",
    );
    expect(judgeHstsPreload(url, answer("max-age=15552000; includeSubDomains")).detail).toMatch(
      /has max-age=15552000, under 31536000, no preload directive, which/,
    );
    expect(judgeHstsPreload(url, answer("max-age=31536000; preload; preload; includeSubDomains")).status).toBe("pass");
    expect(judgeHstsPreload(url, answer("max-age=1; max-age=31536000; includeSubDomains; preload")).detail).toContain("is invalid (it repeats max-age)");
    expect(judgeHstsPreload(url, { because: "https://example.com/ did not answer: ECONNREFUSED" })).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^could not be checked because/),
    });
  });

  test("TLS-CAA reads the set as a CA does: issuewild for a wildcard certificate, a critical unknown tag forbids all, no set allows all", () => {
    const letsEncrypt = { accepted: true, authorized: true, issuerOrganization: "Let's Encrypt", dnsNames: ["*.example.com", "example.com"] };
    const set = (...properties: Array<[string, string, number?]>) => ({
      name: "example.com",
      properties: properties.map(([tag, value, flags]) => ({ flags: flags ?? 0, tag, value })),
    });
    const iodef: [string, string] = ["iodef", "mailto:security@example.com"];
    expect(judgeCaa("www.example.com", letsEncrypt, set(["issue", "letsencrypt.org"], iodef)).status).toBe("pass");
    // The wildcard certificate is judged by issuewild once the set has one (RFC 8659 4.3); the apex's own name by issue.
    expect(judgeCaa("www.example.com", letsEncrypt, set(["issue", "letsencrypt.org"], ["issuewild", "pki.goog"], iodef)).detail).toContain(
      'which issued the wildcard certificate www.example.com presents, so its renewal would be refused; add issuewild "letsencrypt.org"',
    );
    // verify asks for a wildcard-certified host's set at the wildcard's base, as the CA did (RFC 8659 3).
    expect([caaNameFor("www.example.com", true), caaNameFor("www.example.com", false)]).toEqual(["example.com", "www.example.com"]);
    expect(judgeCaa("example.com", letsEncrypt, set(["issue", "letsencrypt.org; validationmethods=dns-01"], ["issuewild", ";"], iodef)).status).toBe("pass");
    expect(judgeCaa("example.com", letsEncrypt, set(["issue", "letsencrypt.org"], ["tbs", "x", 128], iodef)).status).toBe("fail");
    expect(judgeCaa("example.com", letsEncrypt, { none: true }).detail).toBe(
      "no CAA record at example.com or any parent, so every CA may issue for it: the zone's CAA set (launch-ready:tls.caa) is not served",
    );
    expect(judgeCaa("example.com", letsEncrypt, { error: "127.0.0.1:53 answered ESERVFAIL for example.com" })).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^could not be checked because no CAA answer/),
    });
    expect(judgeCaa("example.com", { ...letsEncrypt, issuerOrganization: "Example Trust" }, set(["issue", "letsencrypt.org"], iodef))).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("issuer O=Example Trust is not a CA the kit knows"),
    });
  });

  test("TLS-VERSION cannot be judged when no version got through to the host", () => {
    const refused = { accepted: false, authorized: false, error: "ECONNREFUSED" };
    expect(judgeTlsVersions("www.example.com", { TLSv1: refused, "TLSv1.1": refused, "TLSv1.2": refused, "TLSv1.3": refused })).toMatchObject({
      status: "fail",
      detail: "could not be checked because no TLS handshake with www.example.com at any version: ECONNREFUSED",
    });
    const alert = { accepted: false, authorized: false, error: "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION" };
    const ok = { accepted: true, authorized: true };
    expect(judgeTlsVersions("www.example.com", { TLSv1: alert, "TLSv1.1": alert, "TLSv1.2": ok, "TLSv1.3": ok }).status).toBe("pass");
    // This client's own limit (a certificate chain past OpenSSL's message size) is no refusal of a version.
    const tooLarge = { accepted: false, authorized: false, error: "ERR_SSL_EXCESSIVE_MESSAGE_SIZE" };
    expect(judgeTlsVersions("www.example.com", { TLSv1: tooLarge, "TLSv1.1": tooLarge, "TLSv1.2": tooLarge, "TLSv1.3": tooLarge }).detail).toBe(
      "could not be checked because no TLS handshake with www.example.com at any version: ERR_SSL_EXCESSIVE_MESSAGE_SIZE",
    );
  });

  test("a wildcard subjectAltName covers one whole leftmost label, as browsers match it (node also accepts a partial one)", () => {
    const now = new Date();
    const handshake = (dnsNames: string[]) => ({ accepted: true, authorized: true, validTo: new Date(now.getTime() + 60 * DAY), dnsNames });
    expect(judgeCertificate("app.example.com", handshake(["example.com", "*.EXAMPLE.com"]), now).status).toBe("pass");
    expect(judgeCertificate("app.example.com", handshake(["ap*.example.com"]), now)).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("app.example.com is not among the certificate's subjectAltName DNS names (ap*.example.com)"),
    });
    expect(judgeCertificate("example.com", handshake(["*.example.com"]), now).status).toBe("fail");
    expect(judgeCertificate("a.b.example.com", handshake(["*.example.com"]), now).status).toBe("fail");
    expect(judgeCertificate("example.com", handshake(["*.com"]), now).status).toBe("fail");
  });

  test("a short HSTS max-age fails in production and warns where the bar relaxes it", () => {
    const headers = { ...SECURITY_HEADERS, "strict-transport-security": "max-age=86400; includeSubDomains" };
    expect(judgeSecurityHeaders("https://www.example.com/", { headers }, false)[0].status).toBe("fail");
    expect(judgeSecurityHeaders("https://www.example.com/", { headers }, true)[0].status).toBe("warn");
  });

  test("--connect-to follows curl: empty host or port matches any, the first matching rule wins", () => {
    const options = { connectTo: [parseConnectTo("www.example.com:443:[::1]:8443"), parseConnectTo(":443:127.0.0.1:9443")], timeoutMs: 1 };
    expect(route(options, "www.example.com", 443)).toEqual({ host: "::1", port: 8443 });
    expect(route(options, "api.example.com", 443)).toEqual({ host: "127.0.0.1", port: 9443 });
    expect(route(options, "api.example.com", 80)).toEqual({ host: "api.example.com", port: 80 });
    expect(() => parseConnectTo("127.0.0.1:8443")).toThrow("is not HOST1:PORT1:HOST2:PORT2");
    // Ports past 65535 or 0, and a HOST2 that is no host, are refused rather than handed to the socket layer.
    for (const spec of ["::127.0.0.1:99999", "::127.0.0.1:0", "www.example.com:70000:127.0.0.1:443", "::exa_mple!:443"])
      expect(() => parseConnectTo(spec), spec).toThrow(ProbeUsageError);
  });

  test("--resolver takes an IP address and a port from 1 to 65535: c-ares aborts the process on port 0 and wraps larger ones", () => {
    expect(parseResolver("127.0.0.1:5353")).toEqual({ label: "127.0.0.1:5353", server: "127.0.0.1:5353" });
    expect(parseResolver("[::1]")).toEqual({ label: "[::1]", server: "[::1]:53" });
    for (const spec of ["127.0.0.1:0", "127.0.0.1:65536", "999.1.1.1", "[:::]", "1.1.1.1:053"])
      expect(() => parseResolver(spec), spec).toThrow(ProbeUsageError);
  });
});
