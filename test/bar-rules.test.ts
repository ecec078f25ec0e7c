import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { levelFor } from "../domain/bar/weighing";
import { evaluateBar, type BarContext, type BarRule, type DeclaredResource, type Verdict } from "../policies/bar";
import { BAR_RULES } from "../policies/rules";
import { dnsCanonical } from "../policies/rules/dns-canonical";
import { dnsDnssec } from "../policies/rules/dns-dnssec";
import { dnsProxied } from "../policies/rules/dns-proxied";
import { dnsSane } from "../policies/rules/dns-sane";
import { dnsSubdomains } from "../policies/rules/dns-subdomains";
import { edgeBots } from "../policies/rules/edge-bots";
import { mailDkim } from "../policies/rules/mail-dkim";
import { mailDmarc } from "../policies/rules/mail-dmarc";
import { mailParked } from "../policies/rules/mail-parked";
import { opsDrift } from "../policies/rules/ops-drift";
import { mailTransport } from "../policies/rules/mail-transport";
import { opsSecurityTxt } from "../policies/rules/ops-security-txt";
import { mtaStsPolicyText } from "../domain/mail/mta-sts";
import { opsProtect } from "../policies/rules/ops-protect";
import { opsRequestId } from "../policies/rules/ops-request-id";
import { tlsCaa } from "../policies/rules/tls-caa";
import { tlsHsts } from "../policies/rules/tls-hsts";
import { tlsHttpsOnly } from "../policies/rules/tls-https-only";
import { tlsStrict } from "../policies/rules/tls-strict";
import { tlsVersion } from "../policies/rules/tls-version";
import { contextForStackFile } from "../policies/stack-context";
import { verifyWorkflowYaml } from "../scripts/init/workflow";
import { planStack } from "../scripts/plan/plan-stack";
import { projectWorkflows } from "../stacks/project";
import { parseStackConfig } from "../stacks/stack-config";
import { exampleConfig, exampleStack, FIXTURE_PROJECT, parsedExample, ROOT, scratchDir } from "./helpers";

let prod: DeclaredResource[];
const context: BarContext = {};

beforeAll(async () => {
  const report = await planStack(exampleStack("prod"));
  prod = report.resources.filter((r) => r.custom).map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs, protect: r.protect }));
  context.config = parsedExample("prod");
});

const byName = (name: string) => structuredClone(prod.find((r) => r.name === name)!);
const failures = (verdicts: Verdict[]) => verdicts.filter((v) => v.status === "fail");

/** Every verdict a rule gives over a set of resources, resource checks and stack checks alike. */
function judge(rule: BarRule, resources: DeclaredResource[], ctx: BarContext = context): Verdict[] {
  const perResource = rule.checkResource ? resources.filter((r) => rule.resourceTypes?.includes(r.type)).map((r) => rule.checkResource!(r, ctx)) : [];
  return [...perResource, ...(rule.checkStack?.(resources, ctx) ?? [])];
}

function withSetting(settingId: string, value: unknown): DeclaredResource[] {
  return prod.map((r) => (r.props.settingId === settingId ? { ...r, props: { ...r.props, value } } : r));
}

describe("every rule passes the prod example and fails a broken one", () => {
  test("the prod example has no failure under any rule", () => {
    for (const rule of BAR_RULES) expect(failures(judge(rule, prod)), rule.id).toEqual([]);
  });

  test("TLS-STRICT", () => {
    for (const mode of ["off", "flexible", "full"]) {
      expect(failures(judge(tlsStrict, withSetting("ssl", mode)))).toEqual([
        expect.objectContaining({ configPath: "launch-ready:tls.ssl", message: expect.stringContaining(`is ${mode}`) }),
      ]);
    }
    expect(
      failures(
        judge(
          tlsStrict,
          prod.filter((r) => r.props.settingId !== "ssl"),
        ),
      )[0],
    ).toMatchObject({ message: expect.stringContaining("no ssl zone setting is declared") });
  });

  test("TLS-HTTPS-ONLY", () => {
    expect(failures(judge(tlsHttpsOnly, withSetting("always_use_https", "off")))).toHaveLength(1);
    expect(failures(judge(tlsHttpsOnly, withSetting("automatic_https_rewrites", "off")))[0]).toMatchObject({
      configPath: "launch-ready:tls.automaticHttpsRewrites",
    });
  });

  test("TLS-VERSION", () => {
    expect(failures(judge(tlsVersion, withSetting("min_tls_version", "1.1")))[0]).toMatchObject({ message: expect.stringContaining("RFC 8996") });
    expect(failures(judge(tlsVersion, withSetting("tls_1_3", "off")))).toHaveLength(1);
    expect(failures(judge(tlsVersion, withSetting("tls_1_3", "zrt")))).toEqual([]);
  });

  test("TLS-HSTS: off, subdomains left out, or a short max-age (relaxable outside production)", () => {
    const hsts = (h: Record<string, unknown>) =>
      withSetting("security_header", { strict_transport_security: { enabled: true, include_subdomains: true, max_age: 31536000, ...h } });
    expect(failures(judge(tlsHsts, hsts({ enabled: false })))[0]).toMatchObject({ configPath: "launch-ready:tls.hsts.enabled" });
    expect(failures(judge(tlsHsts, hsts({ include_subdomains: false })))).toHaveLength(1);
    const short = failures(judge(tlsHsts, hsts({ max_age: 86400 })));
    expect(short[0]).toMatchObject({ relaxedOutsideProduction: true, configPath: "launch-ready:tls.hsts.maxAge" });
  });

  test("TLS-HSTS with preload: the preload list's requirements, in every environment", () => {
    const preloaded = (h: Record<string, unknown>, resources = prod) =>
      resources.map((r) =>
        r.props.settingId === "security_header"
          ? {
              ...r,
              props: { ...r.props, value: { strict_transport_security: { enabled: true, include_subdomains: true, max_age: 31536000, preload: true, ...h } } },
            }
          : r,
      );
    expect(failures(judge(tlsHsts, preloaded({})))).toEqual([]);
    // A shorter max-age is advisory outside production, but never for the preload list.
    const short = failures(judge(tlsHsts, preloaded({ max_age: 15552000 })));
    expect(short.map((f) => [f.configPath, f.relaxedOutsideProduction ?? false])).toEqual([
      ["launch-ready:tls.hsts.maxAge", true],
      ["launch-ready:tls.hsts.maxAge", false],
    ]);
    expect(short[1].message).toContain("takes a max-age of at least 31536000 s (one year) in every environment, and this is 15552000");
    const noUpgrade = failures(judge(tlsHsts, preloaded({}, withSetting("always_use_https", "off"))));
    expect(noUpgrade).toEqual([
      expect.objectContaining({
        configPath: "launch-ready:tls.alwaysUseHttps",
        message: expect.stringContaining("http:// to redirect to https:// on the same host"),
      }),
    ]);
    // Without preload, neither is asked.
    expect(failures(judge(tlsHsts, withSetting("always_use_https", "off")))).toEqual([]);
  });

  test("DNS-DNSSEC: the owning stack signs the zone; off or not active fails at zone.dnssec, advisory outside production", () => {
    const dnssec = byName("example.com-dnssec");
    expect(judge(dnsDnssec, prod)).toEqual([{ status: "pass", urn: dnssec.urn }]);
    const unsigned = failures(
      judge(
        dnsDnssec,
        prod.filter((r) => r.urn !== dnssec.urn),
      ),
    );
    expect(unsigned).toEqual([
      {
        status: "fail",
        message:
          "the zone is not signed: no DNSSEC is declared; write launch-ready:zone.dnssec: true (or leave it out, true is the default), then add the DS record the handover shows at the registrar (Cloudflare Registrar adds it itself)",
        configPath: "launch-ready:zone.dnssec",
        relaxedOutsideProduction: true,
      },
    ]);
    const disabled = prod.map((r) => (r.urn === dnssec.urn ? { ...r, props: { ...r.props, status: "disabled" } } : r));
    expect(failures(judge(dnsDnssec, disabled))).toEqual([
      expect.objectContaining({
        configPath: "launch-ready:zone.dnssec",
        message: expect.stringMatching(/^the zone's DNSSEC is declared with status "disabled"/),
      }),
    ]);
    // A status the preview does not know yet is no violation.
    const unknown = prod.map((r) => (r.urn === dnssec.urn ? { ...r, props: { ...r.props, status: undefined } } : r));
    expect(judge(dnsDnssec, unknown).map((v) => v.status)).toEqual(["not-applicable"]);
    // zone.dnssec: false declares no resource at all: the kit never turns DNSSEC off under a DS the registrar still publishes.
    const off = exampleConfig("prod");
    off["launch-ready:zone"].dnssec = false;
    const parsed = parseStackConfig(off);
    expect(parsed.ok && parsed.config.zone.dnssec).toBe(false);
  });

  test("DNS-DNSSEC for a stack in another stack's zone: judged with the owner's declaration, and the key is the owner's alone", () => {
    const staging = contextForStackFile(exampleStack("staging"));
    expect(judge(dnsDnssec, staging.zone!.ownersResources, staging)).toEqual([
      {
        status: "pass",
        urn: "urn:pulumi:prod::launch-ready::cloudflare:index/zoneDnssec:ZoneDnssec::example.com-dnssec",
        note: "signed by the zone's owner, stack prod",
      },
    ]);
    const ownerUnsigned = staging.zone!.ownersResources.filter((r) => r.type !== "cloudflare:index/zoneDnssec:ZoneDnssec");
    expect(failures(judge(dnsDnssec, ownerUnsigned, staging))).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^the zone is not signed: stack prod owns it \(zone.owner\) and declares no DNSSEC; write launch-ready:zone.dnssec: true in stack prod's file \(.*Pulumi.prod.yaml\)/,
        ),
        subjects: ["launch-ready:zone.dnssec"],
      }),
    ]);
    const config = exampleConfig("staging");
    config["launch-ready:zone"].dnssec = true;
    const refused = parseStackConfig(config);
    expect(refused.ok ? [] : refused.problems.map((p) => [p.path, p.message])).toContainEqual([
      "launch-ready:zone.dnssec",
      expect.stringMatching(/^is set, but stack prod owns this zone \(zone.owner\) and DNSSEC signs the whole zone/),
    ]);
  });

  test("TLS-CAA: the set every name falls under names exactly the CAs in use and an iodef, each failure naming its key and fix", () => {
    const caa = (r: DeclaredResource) => (r.props.type === "CAA" ? (r.props.data as { tag: string; value: string }) : undefined);
    expect(judge(tlsCaa, prod)).toEqual([{ status: "pass", urn: expect.stringContaining("example.com-CAA-0-issue-letsencrypt.org") }]);
    // Google Trust Services gone: the proxied hosts' edge certificate could not be renewed from it.
    const noGoogle = failures(
      judge(
        tlsCaa,
        prod.filter((r) => caa(r)?.value !== "pki.goog"),
      ),
    );
    expect(noGoogle).toEqual([expect.objectContaining({ configPath: "launch-ready:tls.caa", relaxedOutsideProduction: true })]);
    expect(noGoogle[0].message).toMatch(
      /^the CAA set at example\.com does not allow Cloudflare's edge CA pki\.goog \(Google Trust Services\) for issue and issuewild, so the renewal of the edge certificate of example\.com, www\.example\.com, .* would fail/,
    );
    // A CA nobody uses, and no iodef.
    const extra = {
      ...byName("example.com-CAA-0-issue-ssl.com"),
      urn: "urn:extra",
      props: { ...byName("example.com-CAA-0-issue-ssl.com").props, data: { flags: 0, tag: "issue", value: "digicert.com" } },
    };
    const loose = failures(judge(tlsCaa, [...prod.filter((r) => caa(r)?.tag !== "iodef"), extra]));
    expect(loose.map((f) => [f.configPath, (f as { message: string }).message.slice(0, 80)])).toEqual([
      ["launch-ready:tls.caa", "the CAA set at example.com names digicert.com (DigiCert), which no host uses (ne"],
      ["launch-ready:tls.caa.iodef", "the CAA set at example.com has no iodef, so a CA refusing a request for example."],
    ]);
    expect(loose[1].message).toContain('write launch-ready:tls.caa.iodef: "mailto:security@example.com"');
    // No CAA at all: every CA may issue.
    const none = failures(
      judge(
        tlsCaa,
        prod.filter((r) => !caa(r)),
      ),
    );
    expect(none).toEqual([
      expect.objectContaining({ configPath: "launch-ready:tls.caa", subjects: expect.arrayContaining(["example.com", "docs.example.com"]) }),
    ]);
    expect(none[0].message).toContain("so every CA may issue certificates for them (RFC 8659 3); write launch-ready:tls.caa: { authorities:");
    // A subdomain's own set governs the certificates naming it (RFC 8659 3): api's Let's Encrypt origin
    // certificate would be refused, while its edge certificate, the zone's wildcard, is looked up at the apex.
    const apiOnly = { ...extra, urn: "urn:api", props: { ...extra.props, name: "api.example.com", data: { flags: 0, tag: "issue", value: "pki.goog" } } };
    const apiIodef = { ...apiOnly, urn: "urn:api-iodef", props: { ...apiOnly.props, data: { flags: 0, tag: "iodef", value: "mailto:security@example.com" } } };
    const api = failures(judge(tlsCaa, [...prod, apiOnly, apiIodef]));
    expect(api).toEqual([
      expect.objectContaining({
        subjects: ["api.example.com"],
        message: expect.stringContaining("does not allow letsencrypt.org (Let's Encrypt), which launch-ready:tls.caa.authorities says"),
      }),
    ]);
    // The apex's set without Cloudflare's issuewild: the zone's wildcard, certifying every proxied host below the apex, could not renew.
    const noWild = failures(
      judge(
        tlsCaa,
        prod.filter((r) => caa(r)?.tag !== "issuewild" || caa(r)?.value === "letsencrypt.org"),
      ),
    );
    expect(noWild[0].message).toContain(
      "does not allow Cloudflare's edge CAs pki.goog (Google Trust Services), ssl.com (SSL.com), sectigo.com (Sectigo) for issue and issuewild, so the renewal of the edge certificate of www.example.com, app.example.com, api.example.com, admin.example.com would fail",
    );
    // A stack in another stack's zone: the owner's plan judges the zone's set.
    expect(judge(tlsCaa, [], { config: parsedExample("staging") })).toEqual([
      expect.objectContaining({ status: "not-applicable", message: expect.stringContaining("stack prod's (zone.owner)") }),
    ]);
  });

  test("EDGE-BOTS: Bot Fight Mode is refused under webhooks, Super Bot Fight Mode needs its skip rule, and a posture must be declared", () => {
    const bots = (props: Record<string, unknown>) =>
      prod.map((r) => (r.type.endsWith("botManagement:BotManagement") ? { ...r, props: { ...r.props, ...props } } : r));
    expect(judge(edgeBots, prod).map((v) => v.status)).toEqual(["pass"]);
    // The fix names what the zone's plan can do instead.
    const onPro = failures(judge(edgeBots, bots({ fightMode: true })));
    expect(onPro).toEqual([expect.objectContaining({ configPath: "launch-ready:edge.bots.fightMode", subjects: ["api.example.com/webhooks/stripe"] })]);
    expect(onPro[0].message).toContain("no rule can skip it");
    expect(onPro[0].message).toContain("write superBotFightMode instead of fightMode");
    const free = { ...context, config: { ...context.config!, zone: { ...context.config!.zone, plan: "free" as const } } };
    expect(failures(judge(edgeBots, bots({ fightMode: true, sbfmDefinitelyAutomated: undefined }), free))[0].message).toContain(
      "set fightMode: false and rely on the rate limits and the managed WAF (EDGE-RATE-LIMIT, EDGE-WAF), or move the zone to Pro",
    );
    // Super Bot Fight Mode with the skip rule gone: the webhook is named, at its endpoint.
    const unskipped = prod.map((r) =>
      r.props.phase === "http_request_firewall_custom"
        ? { ...r, props: { ...r.props, rules: (r.props.rules as Array<{ action: string }>).filter((rule) => rule.action !== "skip") } }
        : r,
    );
    expect(failures(judge(edgeBots, unskipped))).toEqual([
      expect.objectContaining({
        configPath: "launch-ready:edge.endpoints[3]",
        message: expect.stringContaining("no custom rule skips it (phase http_request_sbfm) for api.example.com/webhooks/stripe"),
      }),
    ]);
    // Everything allowed: nothing to skip.
    expect(
      failures(
        judge(
          edgeBots,
          bots({ sbfmDefinitelyAutomated: "allow" }).filter((r) => r.props.phase !== "http_request_firewall_custom"),
        ),
      ),
    ).toEqual([]);
    // No posture while webhooks exist: a dashboard click could challenge them unseen.
    expect(
      failures(
        judge(
          edgeBots,
          prod.filter((r) => !r.type.endsWith("botManagement:BotManagement")),
        ),
      ),
    ).toEqual([
      expect.objectContaining({
        configPath: "launch-ready:edge.bots",
        message: expect.stringContaining("{ superBotFightMode: { definitelyAutomated: managed_challenge } }"),
      }),
    ]);
  });

  test("EDGE-BOTS: a posture the zone's plan does not have is refused when the stack file is read", () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:zone"].plan = "free";
    raw["launch-ready:edge"].endpoints = raw["launch-ready:edge"].endpoints.map((e: Record<string, unknown>) => ({ ...e, period: 10, timeout: undefined }));
    const onFree = parseStackConfig(raw);
    expect(onFree.ok ? [] : onFree.problems).toContainEqual(
      expect.objectContaining({ path: "launch-ready:edge.bots.superBotFightMode", message: expect.stringContaining("Super Bot Fight Mode is Pro's and up") }),
    );
    const both = exampleConfig("prod");
    both["launch-ready:edge"].bots = { fightMode: true, superBotFightMode: { definitelyAutomated: "block", likelyAutomated: "block" } };
    both["launch-ready:edge"].endpoints[0].sender = "stripe";
    const parsed = parseStackConfig(both);
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(
        ["edge.bots", "edge.bots.fightMode", "edge.bots.superBotFightMode.likelyAutomated", "edge.endpoints[0].sender"].map((at) => `launch-ready:${at}`),
      ),
    );
  });

  test("OPS-REQUEST-ID: the handover says where logs are read, and a DNS-only app host names the app's own request ID", () => {
    const config = context.config!;
    const withConfig = (changes: Partial<typeof config>) => ({ ...context, config: { ...config, ...changes } });
    expect(judge(opsRequestId, prod).map((v) => v.status)).toEqual(["pass"]);
    const { logs: _logs, ...noLogs } = config.handover;
    expect(failures(judge(opsRequestId, prod, withConfig({ handover: noLogs })))).toEqual([
      expect.objectContaining({ configPath: "launch-ready:handover.logs", message: expect.stringContaining("leads nowhere") }),
    ]);
    // A DNS-only api host: Cloudflare adds no CF-Ray there, so the app's own header must be named.
    const dnsOnly = config.hosts.map((host) => (host.purpose === "api" ? { ...host, proxied: false } : host));
    expect(failures(judge(opsRequestId, prod, withConfig({ hosts: dnsOnly })))).toEqual([
      expect.objectContaining({
        configPath: "launch-ready:handover.logs.requestIdHeader",
        subjects: ["api.example.com"],
        message: expect.stringContaining("api.example.com is DNS-only, so Cloudflare adds no CF-Ray there"),
      }),
    ]);
    const named = { ...config.handover, logs: { ...config.handover.logs!, requestIdHeader: "X-Request-ID" } };
    expect(failures(judge(opsRequestId, prod, withConfig({ hosts: dnsOnly, handover: named })))).toEqual([]);
    const raw = exampleConfig("prod");
    raw["launch-ready:handover"].logs.requestIdHeader = "X Request ID";
    const refused = parseStackConfig(raw);
    expect(refused.ok ? [] : refused.problems).toEqual([
      expect.objectContaining({ path: "launch-ready:handover.logs.requestIdHeader", message: expect.stringContaining("must be an HTTP header name") }),
    ]);
  });

  test("MAIL-TRANSPORT: MTA-STS served by the Worker, its id the policy's, every MX covered, enforce in production, and TLS-RPT", () => {
    expect(judge(mailTransport, prod)).toEqual([expect.objectContaining({ status: "pass" })]);
    const workerName = "site-documents-worker";
    /** The prod resources with the Worker serving `text` as the policy, and the _mta-sts id left as declared. */
    const serving = (text: string) =>
      prod.map((r) => {
        if (r.name !== workerName) return r;
        const binding = (r.props.bindings as Array<{ json: string }>)[0];
        const documents = JSON.parse(binding.json) as Record<string, { body: string }>;
        documents["mta-sts.example.com/.well-known/mta-sts.txt"].body = text;
        return { ...r, props: { ...r.props, bindings: [{ ...binding, json: JSON.stringify(documents) }] } };
      });
    const mx = prod.filter((r) => r.props.type === "MX" && r.props.name === "example.com").map((r) => String(r.props.content));

    const missing = failures(
      judge(
        mailTransport,
        prod.filter((r) => r.name !== workerName),
      ),
    );
    expect(missing).toEqual([expect.objectContaining({ configPath: "launch-ready:email.mtaSts" })]);
    expect(missing[0].status === "fail" && missing[0].message).toContain("publishes no MTA-STS policy (https://mta-sts.example.com/.well-known/mta-sts.txt)");

    // The MX left out: senders in enforce mode would refuse it; and the id no longer follows the text.
    expect(mx).toEqual(["smtp.google.com"]);
    const partial = failures(judge(mailTransport, serving(mtaStsPolicyText({ mode: "enforce", mx: ["mx.example.org"], maxAge: 604800 }))));
    expect(partial.map((f) => f.configPath)).toEqual(["launch-ready:email.mtaSts", "launch-ready:email.inbound"]);
    expect(partial.map((f) => f.status === "fail" && f.message).join("\n")).toMatch(
      /has id=\w+, not the policy's[\s\S]*names no mx pattern for smtp\.google\.com/,
    );
    // A wildcard stands for exactly one label (RFC 8461 4.1): *.google.com covers smtp.google.com, *.smtp.google.com does not.
    const mxFailures = (patterns: string[]) =>
      failures(judge(mailTransport, serving(mtaStsPolicyText({ mode: "enforce", mx: patterns, maxAge: 604800 })))).filter(
        (f) => f.configPath === "launch-ready:email.inbound",
      );
    expect(mxFailures(["*.google.com"])).toEqual([]);
    expect(mxFailures(["*.smtp.google.com"])).toHaveLength(1);
    expect(failures(judge(mailTransport, serving("version: STSv1\r\nmode: strict\r\n"))).map((f) => f.status === "fail" && f.message)).toEqual(
      expect.arrayContaining([expect.stringContaining("needs one mode: enforce, testing or none"), expect.stringContaining("needs one max_age")]),
    );

    // Testing mode only reports: production fails it, outside production it is advisory.
    const testing = parsedExample("prod");
    testing.email.mtaSts!.ramp = [];
    const testingFailures = failures(judge(mailTransport, serving(mtaStsPolicyText({ mode: "testing", mx, maxAge: 604800 })), { config: testing }));
    expect(testingFailures.at(-1)).toMatchObject({ configPath: "launch-ready:email.mtaSts.mode", relaxedOutsideProduction: true });

    const noRpt = failures(
      judge(
        mailTransport,
        prod.filter((r) => r.props.name !== "_smtp._tls.example.com"),
      ),
    );
    expect(noRpt).toEqual([expect.objectContaining({ configPath: "launch-ready:email.mtaSts.reports" })]);
    // A domain with a null MX receives nothing: no transport to protect.
    expect(
      judge(
        mailTransport,
        prod.filter((r) => r.props.type !== "MX"),
      ),
    ).toEqual([expect.objectContaining({ status: "not-applicable" })]);
  });

  test("OPS-SECURITY-TXT: security.txt on the canonical host's route, with a Contact and an Expires not past", () => {
    expect(judge(opsSecurityTxt, prod, { ...context, today: "2029-12-01" })).toEqual([{ status: "pass", urn: expect.any(String) }]);
    const key = "www.example.com/.well-known/security.txt";
    const serving = (edit: (body: string) => string) =>
      prod.map((r) => {
        if (r.name !== "site-documents-worker") return r;
        const binding = (r.props.bindings as Array<{ json: string }>)[0];
        const documents = JSON.parse(binding.json) as Record<string, { body: string }>;
        documents[key].body = edit(documents[key].body);
        return { ...r, props: { ...r.props, bindings: [{ ...binding, json: JSON.stringify(documents) }] } };
      });
    const missing = failures(
      judge(
        opsSecurityTxt,
        serving((body) => body.replace(/^Contact:.*\n/gm, "")),
      ),
    );
    expect(missing).toEqual([expect.objectContaining({ configPath: "launch-ready:handover.contacts" })]);
    expect(missing[0].status === "fail" && missing[0].message).toContain("has no Contact");
    const noRoute = failures(
      judge(
        opsSecurityTxt,
        prod.filter((r) => r.type !== "cloudflare:index/workersRoute:WorkersRoute"),
      ),
    );
    expect(noRoute[0].status === "fail" && noRoute[0].message).toContain("no route sends www.example.com/.well-known/security.txt to it");
    // Past its Expires it fails; within 30 days, or over a year ahead, it passes with a note.
    const expired = failures(judge(opsSecurityTxt, prod, { ...context, today: "2030-09-15" }));
    expect(expired).toEqual([expect.objectContaining({ configPath: "launch-ready:handover.securityTxt.expires" })]);
    expect(expired[0].status === "fail" && expired[0].message).toContain("expired on 2030-09-14T23:59:59Z");
    expect(judge(opsSecurityTxt, prod, { ...context, today: "2030-08-30" })[0]).toMatchObject({
      status: "pass",
      note: expect.stringContaining("expires in 15 days"),
    });
    expect(judge(opsSecurityTxt, prod, { ...context, today: "2026-06-01" })[0]).toMatchObject({
      status: "pass",
      note: expect.stringContaining("recommends less than 365"),
    });
    // A route runs only on a proxied host.
    const dnsOnly = parsedExample("prod");
    dnsOnly.hosts = dnsOnly.hosts.map((h) => (h.fqdn === "www.example.com" ? { ...h, proxied: false } : h));
    expect(failures(judge(opsSecurityTxt, prod, { config: dnsOnly, today: "2026-12-03" }))).toEqual([
      expect.objectContaining({ configPath: "launch-ready:hosts" }),
    ]);
    expect(
      failures(
        judge(
          opsSecurityTxt,
          prod.filter((r) => r.name !== "site-documents-worker"),
        ),
      )[0],
    ).toMatchObject({ configPath: "launch-ready:handover.securityTxt" });
  });

  test("the edge documents Worker, run as the script the plan declares, serves each document at its host and path and nothing else", async () => {
    const worker = byName("site-documents-worker");
    const binding = (worker.props.bindings as Array<{ name: string; json: string }>)[0];
    // The module's default export, evaluated here as the Workers runtime would call it (Node has the same Request and Response).
    const source = String(worker.props.content).replace(/^export default /m, "return ");
    const handler = new Function(source)() as { fetch(request: Request, env: Record<string, unknown>): Promise<Response> };
    const env = { [binding.name]: JSON.parse(binding.json) };
    const ask = (url: string, method = "GET") => handler.fetch(new Request(url, { method }), env);
    const securityTxt = await ask("https://www.example.com/.well-known/security.txt");
    expect([securityTxt.status, securityTxt.headers.get("content-type")]).toEqual([200, "text/plain; charset=utf-8"]);
    expect(await securityTxt.text()).toMatch(/^Contact: mailto:founder@example\.com\r?\n/m);
    const policy = await ask("https://mta-sts.example.com/.well-known/mta-sts.txt");
    expect(await policy.text()).toMatch(/^version: STSv1\r?\nmode: enforce\r?\n/);
    const head = await ask("https://www.example.com/.well-known/security.txt", "HEAD");
    expect([head.status, await head.text()]).toEqual([200, ""]);
    // Another host, path or method is not the Worker's to answer.
    for (const [url, method] of [
      ["https://example.com/.well-known/security.txt", "GET"],
      ["https://www.example.com/.well-known/mta-sts.txt", "GET"],
      ["https://www.example.com/.well-known/security.txt", "POST"],
    ])
      expect((await ask(url, method)).status, `${method} ${url}`).toBe(404);
  });

  test("OPS-PROTECT: production resources must be protected; elsewhere it does not apply", () => {
    const unprotected = prod.map((r) => ({ ...r, protect: false }));
    expect(failures(judge(opsProtect, unprotected))).toHaveLength(prod.filter((r) => opsProtect.resourceTypes!.includes(r.type)).length);
    const staging = { config: { ...context.config!, environment: "staging" as const } };
    expect(judge(opsProtect, unprotected, staging).every((v) => v.status === "not-applicable")).toBe(true);
  });

  test("DNS-PROXIED: an API host DNS-only, a mail host proxied", () => {
    const api = { ...byName("api.example.com-CNAME"), props: { ...byName("api.example.com-CNAME").props, proxied: false } };
    expect(dnsProxied.checkResource!(api, context)).toMatchObject({ status: "fail", configPath: "launch-ready:hosts[3].proxied" });
    const mailContext = {
      config: { ...context.config!, hosts: context.config!.hosts.map((h) => (h.fqdn === "docs.example.com" ? { ...h, purpose: "mail" as const } : h)) },
    };
    const docs = byName("docs.example.com-CNAME");
    expect(dnsProxied.checkResource!({ ...docs, props: { ...docs.props, proxied: true } }, mailContext)).toMatchObject({
      status: "fail",
      message: expect.stringContaining("mail host"),
    });
  });

  test("DNS-SUBDOMAINS: a record nobody declared, and a wildcard", () => {
    const stray = {
      ...byName("app.example.com-CNAME"),
      name: "old.example.com-CNAME",
      props: { ...byName("app.example.com-CNAME").props, name: "old.example.com" },
    };
    expect(failures(judge(dnsSubdomains, [...prod, stray]))).toEqual([
      expect.objectContaining({ message: expect.stringContaining("old.example.com has a record but is not a declared host") }),
    ]);
  });

  test("DNS-SANE: private address, bad TTL, duplicate, CNAME beside other data", () => {
    const apex = byName("example.com-A-216.198.79.1");
    expect(dnsSane.checkResource!({ ...apex, props: { ...apex.props, content: "192.168.1.10" } }, context)).toMatchObject({
      status: "fail",
      configPath: "launch-ready:hosts[0].target",
    });
    const docs = byName("docs.example.com-CNAME");
    expect(dnsSane.checkResource!({ ...docs, props: { ...docs.props, ttl: 30 } }, context)).toMatchObject({
      status: "fail",
      message: expect.stringContaining("TTL 30"),
    });
    const sane = failures(
      dnsSane.checkStack!([...prod, { ...apex, urn: `${apex.urn}-copy` }, { ...apex, props: { ...apex.props, name: "www.example.com" } }], context),
    );
    expect(sane.map((v) => (v as { message: string }).message.split(";")[0])).toEqual([
      "example.com declares the record A 216.198.79.1 twice",
      "www.example.com has a CNAME beside other records (CNAME, A)",
    ]);
  });

  test("DNS-CANONICAL: no redirect, a wrong target, a temporary status", () => {
    expect(
      failures(
        judge(
          dnsCanonical,
          prod.filter((r) => r.type !== "cloudflare:index/ruleset:Ruleset"),
        ),
      )[0],
    ).toMatchObject({ message: expect.stringContaining("no redirect rule sends example.com") });
    const ruleset = byName("example.com-http_request_dynamic_redirect");
    const canonicalRule = (ruleset.props.rules as any[]).find((r) => r.ref === "canonical-host");
    canonicalRule.actionParameters.fromValue.statusCode = 302;
    expect(failures(judge(dnsCanonical, [...prod.filter((r) => r.name !== ruleset.name), ruleset]))[0]).toMatchObject({
      configPath: "launch-ready:canonical.status",
    });
    canonicalRule.actionParameters.fromValue.statusCode = 301;
    canonicalRule.actionParameters.fromValue.targetUrl = { value: "https://www.example.com/" };
    expect(failures(judge(dnsCanonical, [...prod.filter((r) => r.name !== ruleset.name), ruleset]))[0]).toMatchObject({
      message: expect.stringContaining("not concat("),
    });
  });

  test("a value not known yet is never a failure", () => {
    const ssl = prod.find((r) => r.props.settingId === "ssl")!;
    expect(tlsStrict.checkResource!({ ...ssl, props: { ...ssl.props, value: undefined } }, context).status).toBe("not-applicable");
    const api = byName("api.example.com-CNAME");
    expect(dnsProxied.checkResource!({ ...api, props: { ...api.props, proxied: undefined } }, context).status).toBe("not-applicable");
  });
});

describe("MAIL-DKIM, MAIL-DMARC and MAIL-PARKED judge records as receivers read them", () => {
  /** A DNS record of the prod plan's kind, at another name or with other content. */
  const dnsRecord = (name: string, type: string, content: string, priority?: number): DeclaredResource => {
    const base = byName("_dmarc.example.com-TXT-dmarc");
    return { ...base, urn: `${base.urn}-${name}-${type}`, name: `${name}-${type}`, props: { ...base.props, name, type, content, priority } };
  };
  const withDmarc = (content: string) => [...prod.filter((r) => r.name !== "_dmarc.example.com-TXT-dmarc"), dnsRecord("_dmarc.example.com", "TXT", content)];
  const rsa = (bits: number, type: "spki" | "pkcs1" = "spki") =>
    generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ type, format: "der" }).toString("base64");

  test("MAIL-DKIM: a bad key at any _domainkey name fails, named by its record, whoever declared it", () => {
    const stray = [
      dnsRecord("old._domainkey.example.com", "TXT", `v=DKIM1; k=rsa; p=${rsa(2048).slice(0, 180)}`),
      dnsRecord("short._domainkey.mail.example.com", "TXT", `v=DKIM1; p=${rsa(768)}`),
      dnsRecord("gone._domainkey.example.com", "TXT", "v=DKIM1; p="),
      dnsRecord("pkcs1._domainkey.example.com", "TXT", `v=DKIM1; p=${rsa(2048, "pkcs1")}`),
      // ADSP's policy record (RFC 5617, historic) lives under _domainkey too, and is no key.
      dnsRecord("_adsp._domainkey.example.com", "TXT", "dkim=all"),
    ];
    expect(failures(judge(mailDkim, [...prod, ...stray]))).toEqual([
      expect.objectContaining({
        subjects: ["old._domainkey.example.com"],
        message: expect.stringContaining("not a valid rsa public key"),
      }),
      expect.objectContaining({ subjects: ["short._domainkey.mail.example.com"], message: expect.stringContaining("768 bits") }),
      expect.objectContaining({ subjects: ["gone._domainkey.example.com"], message: expect.stringContaining("the key is revoked (empty p=") }),
    ]);
    // A key kept in launch-ready:records points there; one with no sender declared at all is still judged.
    const records = [{ index: 4, name: "gone._domainkey.example.com", type: "TXT" as const, content: "v=DKIM1; p=", ttl: 300 }];
    const email = { ...context.config!.email, sending: [] };
    expect(failures(judge(mailDkim, [...prod, stray[2]], { config: { ...context.config!, email, records } }))).toEqual([
      expect.objectContaining({ configPath: "launch-ready:records[4].content", subjects: ["gone._domainkey.example.com"] }),
    ]);
  });

  test("MAIL-DKIM: a declared selector's revoked key fails at its sender", () => {
    const google = byName("google._domainkey.example.com-TXT-dkim");
    google.props.content = "v=DKIM1; k=rsa; p=";
    expect(failures(judge(mailDkim, [...prod.filter((r) => r.name !== google.name), google]))).toEqual([
      expect.objectContaining({ configPath: "launch-ready:email.senders[0].dkim", urn: google.urn, message: expect.stringContaining("revoked") }),
    ]);
  });

  test("MAIL-DMARC: a TXT record at _dmarc that is not DMARC is set aside before counting (RFC 7489 6.6.3)", () => {
    const token = dnsRecord("_dmarc.example.com", "TXT", "google-site-verification=abc123");
    expect(failures(judge(mailDmarc, [...prod, token]))).toEqual([]);
    const second = dnsRecord("_dmarc.example.com", "TXT", "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com");
    expect(failures(judge(mailDmarc, [...prod, { ...second, urn: `${second.urn}-2` }]))[0].message).toContain("has 2 DMARC records; receivers apply none");
  });

  test("MAIL-DMARC: pct under 100 and t=y are not enforcement, relaxable outside production", () => {
    for (const [tags, gap] of [
      ["pct=0", "pct=0 asks receivers that follow RFC 7489 to apply the policy to 0% of failing mail only"],
      ["t=y", "t=y (testing mode, RFC 9989) asks receivers not to apply the policy yet"],
    ]) {
      expect(failures(judge(mailDmarc, withDmarc(`v=DMARC1; p=reject; ${tags}; rua=mailto:dmarc-reports@example.com`)))).toEqual([
        expect.objectContaining({ message: expect.stringContaining(gap), relaxedOutsideProduction: true, configPath: "launch-ready:email.dmarc.policy" }),
      ]);
    }
  });

  test("MAIL-DMARC: what receivers discard breaks the bar's valid syntax; an unknown tag is said beside the pass", () => {
    // Syntax is no matter of environment: the failure is not relaxed outside production.
    expect(failures(judge(mailDmarc, withDmarc("v=DMARC1; p=reject; adkim=x; rua=mailto:dmarc-reports@example.com")))).toEqual([
      {
        status: "fail",
        message: "_dmarc.example.com: adkim=x must be r (relaxed) or s (strict); receivers use r",
        urn: expect.any(String),
        configPath: "launch-ready:email.dmarc",
        subjects: ["_dmarc.example.com"],
      },
    ]);
    const misspelt = failures(judge(mailDmarc, withDmarc("v=DMARC1; p=rejct; rua=mailto:dmarc-reports@example.com")));
    expect(misspelt.map((v) => (v as { message: string }).message)).toEqual([
      expect.stringContaining("p=rejct is not none, quarantine or reject, so receivers act as if the record said p=none"),
      expect.stringContaining("receivers apply p=none, which only watches"),
    ]);
    expect(judge(mailDmarc, withDmarc("v=DMARC1; p=reject; foo=bar; rua=mailto:dmarc-reports@example.com"))).toEqual([
      { status: "pass", urn: expect.any(String), note: "_dmarc.example.com: unknown tag foo is ignored by receivers" },
    ]);
  });

  test("MAIL-PARKED: a parked name's own record speaks with p, the zone's with sp, and t=y is no p=reject", () => {
    const parked = { config: { ...context.config!, email: { ...context.config!.email, parked: ["old.example.com"] } } };
    const old = [dnsRecord("old.example.com", "TXT", "v=spf1 -all"), dnsRecord("old.example.com", "MX", ".", 0)];
    const messages = (resources: DeclaredResource[]) => failures(judge(mailParked, resources, parked)).map((v) => (v as { message: string }).message);
    expect(messages([...prod, ...old])).toEqual([]);
    expect(messages([...withDmarc("v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc-reports@example.com"), ...old])).toEqual([
      "old.example.com sends no mail but its DMARC policy is quarantine; it should be p=reject",
    ]);
    expect(messages([...withDmarc("v=DMARC1; p=reject; t=y; rua=mailto:dmarc-reports@example.com"), ...old])).toEqual([
      "old.example.com sends no mail but t=y (testing mode, RFC 9989) asks receivers not to apply the policy yet; drop t=y to enforce it; it should be p=reject",
    ]);
    const own = dnsRecord("_dmarc.old.example.com", "TXT", "v=DMARC1; p=reject; sp=none; rua=mailto:dmarc-reports@example.com");
    expect(messages([...withDmarc("v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"), ...old, own])).toEqual([]);
  });
});

describe("levels and waivers", () => {
  test("production is mandatory, staging relaxes only what the bar allows, development is advisory", () => {
    expect([levelFor("production", true), levelFor("staging", false), levelFor("staging", true), levelFor("development")]).toEqual([
      "mandatory",
      "mandatory",
      "advisory",
      "advisory",
    ]);
  });

  test("a waived failure is reported as waived and advisory; after its expiry it fails, and so does the waiver", async () => {
    const config = {
      ...context.config!,
      waivers: [{ id: "TLS-STRICT", reason: "Origin certificate is being reissued", owner: "cto@example.com", expires: "2026-12-31" }],
    };
    const broken = withSetting("ssl", "flexible");
    const before = (await evaluateBar(BAR_RULES, broken, { config }, "2026-12-31")).filter((r) => r.id === "TLS-STRICT");
    expect(before).toEqual([
      expect.objectContaining({ status: "waived", level: "advisory", message: expect.stringContaining("waived until 2026-12-31 by cto@example.com") }),
    ]);
    const after = (await evaluateBar(BAR_RULES, broken, { config }, "2027-01-01")).filter((r) => r.id === "TLS-STRICT");
    expect(after.map((r) => [r.status, r.level])).toEqual([
      ["fail", "mandatory"],
      ["fail", "mandatory"],
    ]);
    expect(after[1]).toMatchObject({ message: expect.stringContaining("expired on 2026-12-31"), configPath: "launch-ready:waivers[0]" });
  });

  test("the plan's bar has one entry per passing ID and one per failure", async () => {
    const results = await evaluateBar(
      BAR_RULES,
      withSetting("ssl", "flexible"),
      { ...contextForStackFile(exampleStack("prod")), config: context.config! },
      "2026-11-25",
    );
    expect(results.map((r) => `${r.id}:${r.status}`)).toContain("TLS-STRICT:fail");
    // MAIL-PARKED does not apply to the prod example: every name there sends or receives mail.
    expect(results.filter((r) => r.status === "pass")).toHaveLength(BAR_RULES.length - 2);
    expect(results.filter((r) => r.status === "not-applicable").map((r) => r.id)).toEqual(["MAIL-PARKED"]);
  });
});

describe("OPS-DRIFT: CI runs verify for the stack on a schedule", () => {
  // The kit's own workflows, judged for a project laid out as this repository is (stacks/Pulumi.<stack>.yaml).
  const kit = ["launch-ready.yml", "launch-ready-verify.yml"].map((name) => parse(readFileSync(join(ROOT, ".github", "workflows", name), "utf8")));
  const withWorkflows = (stack: string, ...documents: unknown[]): BarContext => ({
    stackFile: exampleStack(stack),
    workflows: () => ({
      dir: FIXTURE_PROJECT.dir,
      files: documents.map((document, i) => ({ path: join(FIXTURE_PROJECT.dir, ".github", "workflows", `w${i}.yml`), document })),
    }),
  });
  const scheduled = (run: string, job: Record<string, unknown> = {}) => ({
    on: { schedule: [{ cron: "17 6 * * *" }] },
    jobs: { verify: { "runs-on": "ubuntu-latest", ...job, steps: [{ run: "npm ci" }, { run }] } },
  });
  const verdictsOf = (ctx: BarContext) => judge(opsDrift, prod, ctx);

  test("passes for every example stack with the kit's workflows and with the one init writes", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      expect(verdictsOf(withWorkflows(stack, ...kit))).toEqual([
        { status: "pass", urn: undefined, note: `.github/workflows/w1.yml runs verify for ${stack} on a schedule` },
      ]);
    }
    for (const stack of ["dev", "staging", "prod"]) expect(verdictsOf(withWorkflows(stack, parse(verifyWorkflowYaml())))[0].status).toBe("pass");
    expect(verdictsOf(withWorkflows("prod", scheduled("npx launch-ready verify --stack prod --json")))[0].status).toBe("pass");
  });

  test("fails, naming each workflow and why, when nothing scheduled runs verify for the stack or a failure cannot fail the run", () => {
    const [pullRequestsOnly] = kit;
    const cases: Array<[unknown, string]> = [
      [pullRequestsOnly, "w0.yml has no on.schedule cron"],
      [scheduled("npx launch-ready verify --stack staging"), "w0.yml runs no verify --stack prod"],
      [scheduled("npx launch-ready verify --stack prod", { if: "github.event_name == 'push'" }), "w0.yml runs no verify --stack prod"],
      [scheduled("npx launch-ready verify --stack prod || true"), `w0.yml job verify runs verify with "|| true"`],
      [scheduled("npx launch-ready verify --stack prod", { "continue-on-error": true }), "w0.yml job verify runs verify with continue-on-error"],
      // A loop over another directory's stack files is not this stack's.
      [scheduled('for f in other/Pulumi.*.yaml; do npm run -s verify -- --stack "$f"; done'), "w0.yml runs no verify --stack prod"],
    ];
    for (const [document, why] of cases) {
      const [verdict] = failures(verdictsOf(withWorkflows("prod", document)));
      expect(verdict, why).toMatchObject({ status: "fail", subjects: ["stacks/Pulumi.prod.yaml"] });
      expect((verdict as { message: string }).message).toContain(why);
      expect((verdict as { message: string }).message).toContain('on.schedule (cron: "17 6 * * *") and a job running npx launch-ready verify --stack prod');
    }
  });

  test("is not applicable where the project keeps no workflows beside Pulumi.yaml", () => {
    expect(verdictsOf({ stackFile: exampleStack("prod"), workflows: () => undefined })).toEqual([
      expect.objectContaining({ status: "not-applicable", message: expect.stringContaining("no .github/workflows/ beside the project's Pulumi.yaml") }),
    ]);
    // Only the project's own directory is read, not the directories above it.
    const bare = join(scratchDir(), "product");
    mkdirSync(bare);
    writeFileSync(join(bare, "Pulumi.yaml"), "name: product\nruntime: nodejs\n");
    expect(projectWorkflows(join(bare, "Pulumi.prod.yaml"))).toBeUndefined();
    // A stack file outside the stack directory of the Pulumi.yaml above it is no stack of that project.
    expect(projectWorkflows(join(__dirname, "fixtures", "other-product", "stacks", "Pulumi.prod.yaml"))).toBeUndefined();
    expect(projectWorkflows(join(FIXTURE_PROJECT.stacksDir, "Pulumi.prod.yaml"))?.files.map((file) => file.document)).toEqual([parse(verifyWorkflowYaml())]);
    // The fixture project carries the workflow init writes, as the product it copies would.
    expect(readFileSync(join(FIXTURE_PROJECT.dir, ".github", "workflows", "launch-ready-verify.yml"), "utf8")).toBe(verifyWorkflowYaml());
  });
});
