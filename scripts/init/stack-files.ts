/**
 * The two stacks a new product starts with, as config and as commented YAML: production on the
 * domain itself, staging under `staging.<domain>` in the same Cloudflare zone. Each declares what
 * the bar needs for its plan and nothing a person has not said: what only a person knows is a
 * placeholder that OPS-HANDOVER names until it is replaced (`isPlaceholder`).
 *
 * Staging lives in prod's zone (zone.owner: prod), under `staging.<domain>`: every record it
 * declares lies under that name, and prod's stack owns what is zone-wide (TLS settings, the
 * rulesets, the apex's mail) and carries staging's edge rules. Staging has one host, its domain:
 * Universal SSL covers one label below the zone, so www.staging.<domain> would have no certificate.
 */
import { placeholder } from "../../domain/placeholders";
import { isCollection, isScalar, isSeq, parseDocument, visit } from "yaml";
import { BOT_PRODUCTS } from "../../domain/cloudflare/bot-protection";
import { ZONE_PLAN_LIMITS } from "../../domain/cloudflare/zone-plans";
import type { Environment } from "../../domain/bar/weighing";
import { CONFIG_NAMESPACE } from "../../stacks/config-schema";
import { renderStackFileText } from "../../stacks/stack-file-edit";
import type { InitFacts, Origin } from "./facts";

const STAGING_LABEL = "staging";

const key = (name: string) => `${CONFIG_NAMESPACE}:${name}`;

/** One stack as init writes it: where its names live and what serves them. */
interface StackShape {
  stack: "prod" | "staging";
  environment: Environment;
  /** zone.domain: the base of every record the stack declares. */
  domain: string;
  /** The apex/www pair's canonical member; absent for a stack whose domain is its one host. */
  canonical?: "apex" | "www";
  /** The stack owning the zone, for a stack living in another's. */
  owner?: string;
  origin: Origin;
}

function shapes(facts: InitFacts): Record<"prod" | "staging", StackShape> {
  return {
    prod: { stack: "prod", environment: "production", domain: facts.domain, canonical: facts.canonical, origin: facts.origin ?? placeholder.host("origin") },
    staging: {
      stack: "staging",
      environment: "staging",
      domain: `${STAGING_LABEL}.${facts.domain}`,
      owner: "prod",
      origin: facts.stagingOrigin ?? placeholder.host("staging-origin"),
    },
  };
}

const canonicalHost = (shape: StackShape) => (shape.canonical === "www" ? "www" : "@");
const canonicalUrl = (shape: StackShape) => `https://${shape.canonical === "www" ? `www.${shape.domain}` : shape.domain}`;

/**
 * The abuse-prone endpoints EDGE-RATE-LIMIT wants, at conventional paths on the canonical host.
 * The Free plan has one rule counting over 10 s, so all four share it; paid plans count over a
 * minute, with webhooks (machines, in bursts) on a looser second rule.
 */
function endpoints(shape: StackShape, facts: InitFacts): Array<Record<string, unknown>> {
  const host = canonicalHost(shape);
  const free = ZONE_PLAN_LIMITS[facts.plan].rateLimit.rules === 1;
  const people = free ? { requests: 20, period: 10 } : { requests: 10, period: 60, timeout: 600 };
  const machines = free ? people : { requests: 100, period: 60 };
  return [
    { kind: "login", host, path: "/login", ...people },
    { kind: "signup", host, path: "/signup", ...people },
    { kind: "password-reset", host, path: "/password-reset", ...people },
    { kind: "webhook", host, path: "/webhooks", ...machines },
  ];
}

function handover(facts: InitFacts): Record<string, unknown> {
  const owner = (what: string) => facts.ownerEmail ?? placeholder.text(`who holds ${what}`);
  return {
    contacts: [
      {
        role: "Founder and account owner",
        name: facts.ownerName ?? placeholder.text("your name"),
        email: facts.ownerEmail ?? placeholder.email("founder"),
      },
    ],
    ...(facts.registrar
      ? {
          registrar: {
            name: facts.registrar.name,
            owner: owner("the registrar account"),
            renews: facts.registrar.renews,
            autoRenew: facts.registrar.autoRenew,
          },
        }
      : {}),
    access: [
      { system: "cloudflare", name: "Cloudflare account", account: facts.accountId, owner: owner("the Cloudflare account") },
      { system: "pulumi", name: "Pulumi state backend", owner: owner("the Pulumi state backend") },
      { system: "aws", name: "AWS account", owner: owner("the AWS account"), notes: "Secrets and uptime alarms" },
    ],
    logs: { where: facts.logsWhere ?? placeholder.text("where your hosting provider shows the app's request logs") },
    securityTxt: { expires: facts.securityTxtExpires },
  };
}

/**
 * The zone's bot posture (EDGE-BOTS), which keeps webhook senders from being challenged: Bot Fight
 * Mode off on Free, where no rule can skip it; Super Bot Fight Mode from Pro, which the kit skips
 * on the webhook path.
 */
function bots(facts: InitFacts): Record<string, unknown> {
  return BOT_PRODUCTS[facts.plan].superBotFightMode ? { superBotFightMode: { definitelyAutomated: "managed_challenge" } } : { fightMode: false };
}

function stackConfig(shape: StackShape, facts: InitFacts): Record<string, unknown> {
  const url = canonicalUrl(shape);
  const alerts = facts.alertEmails.length > 0 ? facts.alertEmails : [facts.ownerEmail ?? placeholder.email("alerts")];
  return {
    [key("environment")]: shape.environment,
    [key("zone")]: { domain: shape.domain, zoneId: facts.zoneId, accountId: facts.accountId, plan: facts.plan, ...(shape.owner ? { owner: shape.owner } : {}) },
    ...(shape.canonical ? { [key("canonical")]: { host: shape.canonical } } : {}),
    [key("hosts")]: [{ name: "@", target: shape.origin, purpose: "web" }, ...(shape.canonical ? [{ name: "www", target: shape.origin, purpose: "web" }] : [])],
    // Zone-wide: only the stack owning the zone sets them.
    ...(shape.owner
      ? {}
      : {
          [key("tls")]: {
            ssl: "strict",
            minTlsVersion: "1.2",
            tls13: "on",
            hsts: { maxAge: 31536000, includeSubdomains: true, preload: false },
            caa: { iodef: `mailto:${facts.ownerEmail ?? placeholder.email("security")}` },
          },
        }),
    [key("edge")]: { endpoints: endpoints(shape, facts), ...(shape.owner ? {} : { bots: bots(facts) }) },
    [key("email")]: { dmarc: { policy: "reject", rua: [facts.dmarcReports ?? facts.ownerEmail ?? placeholder.email("dmarc-reports")] } },
    [key("secretStore")]: { kind: "secrets-manager" },
    [key("secrets")]: [{ name: "SESSION_SECRET", description: "Signs session cookies", generate: { length: 48 } }],
    [key("env")]: [
      { name: "SESSION_SECRET", format: "secret", secret: "SESSION_SECRET", description: "Signs session cookies" },
      { name: "PUBLIC_APP_URL", format: "url", example: url, description: "Where the app's links point" },
    ],
    [key("monitoring")]: { alerts: { emails: alerts } },
    [key("performance")]: { endpoints: [{ name: "home", url: `${url}/`, kind: "read" }] },
    [key("handover")]: handover(facts),
    "aws:region": facts.awsRegion,
  };
}

/** What each key is for, above it: the file is where a founder learns the config. */
function keyComments(shape: StackShape, facts: InitFacts): Record<string, string> {
  const free = facts.plan === "free";
  return {
    [key("environment")]: " development | staging | production: production gets the strictest bar and protected resources.",
    [key("zone")]: shape.owner
      ? ` The Cloudflare zone this stack lives in: stack ${shape.owner} (owner) manages what is zone-wide, this stack only its names under ${shape.domain}.`
      : ` The Cloudflare zone: its IDs are on the zone's Overview page (API section); plan is the zone's plan (${facts.plan}).`,
    [key("canonical")]: " The one true host; the other of the apex/www pair redirects to it (DNS-CANONICAL).",
    [key("hosts")]: [
      " Every host the product answers on; nothing else gets a record (DNS-SUBDOMAINS). target: the origin's host",
      " name, or its public IP addresses; a .invalid target is a TODO for where the site is served from.",
    ].join("\n"),
    [key("tls")]:
      " Full (strict) TLS, TLS 1.2 and up, HTTPS only, HSTS for a year (TLS-*): the origin needs a valid certificate. CAA lets only Cloudflare's edge CAs issue (Let's Encrypt among them, which most platforms' origin certificates come from); add tls.caa.authorities for another CA (TLS-CAA).",
    [key("edge")]: [
      " Rate limits on abuse-prone endpoints (EDGE-RATE-LIMIT): change the paths to your app's.",
      free
        ? " The Free plan allows one rule counting over 10 s, so every endpoint shares one limit."
        : ` The ${facts.plan} plan counts over up to ${Math.max(...ZONE_PLAN_LIMITS[facts.plan].rateLimit.periods)} s per rule.`,
      " Cache rules, the managed WAF and security headers come with their defaults.",
    ].join("\n"),
    [key("email")]: [
      ` ${shape.domain} sends no mail yet: DMARC rejects mail forged in its name, and rua receives the reports.`,
      " Add launch-ready:email.senders (with DKIM) and inbound once a provider sends or receives for it.",
    ].join("\n"),
    [key("secretStore")]: " Where secrets live (SEC-STORE): AWS Secrets Manager in aws:region, under /<project>/<environment>.",
    [key("secrets")]: [
      " Secrets the app needs. Generated ones are made by Pulumi; a provided one (provided: true) is set with",
      `   pulumi config set --secret --path 'launch-ready:secretValues.NAME' --stack ${shape.stack}`,
    ].join("\n"),
    [key("env")]: " The env manifest: what the app reads. npm run check:env checks an environment against it; .env.example lists it.",
    [key("monitoring")]: [
      " Uptime (MON-*): the kit watches the homepage and the login and webhook paths above, and emails these people.",
      " A path that answers POST only needs a check of its kind that answers GET: checks: [{ kind: login, url: ... }].",
    ].join("\n"),
    [key("performance")]: " Core endpoints and their p95 budgets (PERF-P95), measured by npm run loadtest: add login and the main API calls.",
    [key("handover")]: [
      ` Who runs this stack (OPS-HANDOVER); npm run handover -- --stack ${shape.stack} writes it into HANDOVER.md.`,
      ...(facts.registrar || shape.owner ? [] : [" TODO: registrar: { name, owner, renews: YYYY-MM-DD, autoRenew }, where the domain is registered."]),
    ].join("\n"),
    "aws:region": " The AWS region of the secrets (uptime alarms are always in us-east-1, where Route 53 reports).",
  };
}

function header(shape: StackShape, facts: InitFacts): string {
  const production = shape.environment === "production";
  return [
    " yaml-language-server: $schema=./schema.json",
    production
      ? ` Production stack of ${facts.domain}, written by \`launch-ready init\`.`
      : ` Staging of ${facts.domain}, written by \`launch-ready init\`, living in prod's Cloudflare zone (zone.owner: prod).`,
    ...(production
      ? []
      : [
          ` Every record it declares (its one host, its mail records) lies under ${shape.domain}, so none collides`,
          " with prod's. What is zone-wide (TLS settings, the rulesets of each phase, the apex's mail) is prod's, and",
          " prod's rulesets carry this stack's edge rules, scoped to its hosts. It has no www: Universal SSL covers",
          ` one label below the zone, not www.${shape.domain}.`,
        ]),
    production
      ? ` \`npm run plan -- --stack ${shape.stack}\` plans it offline against the minimum bar; \`pulumi up --stack ${shape.stack}\` applies it.`
      : ` \`npm run plan -- --stack ${shape.stack}\` plans it offline; \`pulumi up --stack prod\` applies its edge rules, then \`pulumi up --stack ${shape.stack}\` its records.`,
    " A value starting with TODO, or ending in .invalid, is a fact only you know: the plan's OPS-HANDOVER",
    " names each one until it is replaced.",
  ].join("\n");
}

/** The longest collection written on one line, as the example stacks write endpoints and address lists. */
const FLOW_WIDTH = 110;

/**
 * renderStackFileText puts short list items of top-level keys on one line; nested ones (edge
 * endpoints, alert emails, the DMARC rua) read better so too: short lists of plain values, and
 * short maps that are list items.
 */
function flowShortNested(text: string): string {
  const document = parseDocument(text);
  visit(document, {
    Seq(_, seq) {
      if (seq.items.every(isScalar) && JSON.stringify(seq.toJSON()).length <= FLOW_WIDTH) seq.flow = true;
    },
    Map(_, map, path) {
      const parent = path[path.length - 1];
      if (isSeq(parent) && !map.items.some((pair) => isCollection(pair.value) && !isSeq(pair.value)) && JSON.stringify(map.toJSON()).length <= FLOW_WIDTH)
        map.flow = true;
    },
  });
  return document.toString({ lineWidth: 0 });
}

export interface RenderedStack {
  stack: "prod" | "staging";
  config: Record<string, unknown>;
  text: string;
}

/** Whether imported records hold an issue, issuewild or iodef CAA record at the zone's apex. */
function importsApexCaa(records: unknown, domain: string): boolean {
  if (!Array.isArray(records)) return false;
  return records.some((record: { type?: unknown; name?: unknown; tag?: unknown }) => {
    const apex = record.name === "@" || record.name === domain || record.name === `${domain}.`;
    return record.type === "CAA" && apex && ["issue", "issuewild", "iodef"].includes(String(record.tag));
  });
}

/**
 * A stack file as init writes it. `imported` holds keys that come from a zone export instead,
 * with the comments that say so and the lines that follow the header.
 */
export function renderStack(
  stack: "prod" | "staging",
  facts: InitFacts,
  imported?: { config: Record<string, unknown>; comments: Record<string, string>; header: string },
): RenderedStack {
  const shape = shapes(facts)[stack];
  const config = { ...stackConfig(shape, facts), ...(imported?.config ?? {}) };
  // The zone's own apex CAA set, imported as records, stays the founder's: tls.caa would be refused beside it.
  const tls = config[key("tls")] as { caa?: unknown } | undefined;
  if (tls?.caa && importsApexCaa(config[key("records")], shape.domain)) {
    const { caa: _imported, ...rest } = tls;
    config[key("tls")] = rest;
  }
  const text = renderStackFileText({
    config,
    header: imported ? `${header(shape, facts)}\n${imported.header}` : header(shape, facts),
    keyComments: { ...keyComments(shape, facts), ...(imported?.comments ?? {}) },
    itemComments: [],
  });
  return { stack, config, text: flowShortNested(text) };
}
