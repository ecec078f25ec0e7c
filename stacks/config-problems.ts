/**
 * Problems in a stack file, as the user will read them: the key path as written
 * (`launch-ready:hosts[2].target`), what is wrong, and an example of what to write instead.
 */
import type { z } from "zod";
import { LIMITING_ACTIONS, RATE_LIMIT_PERIODS, ZONE_PLAN_LIMITS, ZONE_PLANS, type RateLimitLimits } from "../domain/cloudflare/zone-plans";
import { CONFIG_NAMESPACE, stackConfigSchema } from "./config-schema";
import { ENDPOINT_KINDS } from "./schema/edge";
import { shownValue } from "./shown-value";

/** One thing wrong with a stack file: where (as the user wrote it), what, and what to write instead. */
export interface ConfigProblem {
  /** Config key path, e.g. `launch-ready:hosts[2].target`. List indexes count from 0. */
  path: string;
  message: string;
  example: string;
}

export type PathSegment = string | number | symbol;

/** "free 10; pro 10, 60; ...": what each plan takes, for examples. */
function perPlan(values: (limits: RateLimitLimits) => readonly number[]): string {
  return ZONE_PLANS.map((plan) => `${plan} ${values(ZONE_PLAN_LIMITS[plan].rateLimit).join(", ")}`).join("; ");
}

const EXAMPLES: Record<string, string> = {
  "": "launch-ready:environment: production",
  environment: "launch-ready:environment: production   # development | staging | production",
  zone: "launch-ready:zone: { domain: example.com, zoneId: 023e105f4ecef8ad9ca31a8372d0c353, accountId: 372e67954025e0ba6aaa6d586b9e0b59, plan: pro }",
  "zone.domain": "domain: example.com",
  "zone.zoneId": "zoneId: 023e105f4ecef8ad9ca31a8372d0c353",
  "zone.accountId": "accountId: 372e67954025e0ba6aaa6d586b9e0b59",
  "zone.plan": "plan: pro   # free | pro | business | enterprise",
  canonical: "launch-ready:canonical: { host: www, status: 301 }",
  "canonical.host": "host: www   # apex | www",
  "canonical.status": "status: 301   # 301 | 308",
  hosts: 'launch-ready:hosts:\n  - { name: "@", target: 203.0.113.10, purpose: web }\n  - { name: www, target: example.com, purpose: web }',
  "hosts[]": "- { name: api, target: api-origin.fly.dev, purpose: api }",
  "hosts[].name": 'name: api   # "@", a single label, or a full name inside the zone',
  "hosts[].target": "target: api-origin.fly.dev   # or an address list: [203.0.113.10, 2001:db8::10]",
  "hosts[].target[]": "- 203.0.113.10",
  "hosts[].purpose": "purpose: api   # web | api | admin | docs | status | mail | other",
  "hosts[].proxied": "proxied: true",
  "hosts[].ttl": "ttl: 300   # DNS-only records only; remove it for proxied records",
  "hosts[].comment": "comment: Fly.io origin, owned by the app team",
  "hosts[].platform": "platform: vercel   # vercel | netlify | cloudflare-pages | fly | render | railway",
  "hosts[].verification": "verification: vc-domain-verify=www.example.com,9b1f3c2a7d   # the TXT value the platform's dashboard shows",
  redirects: "launch-ready:redirects:\n  - { host: www, path: /pricing-old, to: https://www.example.com/pricing, status: 301 }",
  "redirects[]": "- { host: www, path: /pricing-old, to: https://www.example.com/pricing }",
  "redirects[].host": "host: www",
  "redirects[].path": "path: /pricing-old",
  "redirects[].to": "to: https://www.example.com/pricing",
  "redirects[].status": "status: 301   # 301 | 302 | 307 | 308",
  "redirects[].preserveQueryString": "preserveQueryString: true",
  tls: 'launch-ready:tls: { ssl: strict, minTlsVersion: "1.2" }',
  "tls.ssl": "ssl: strict   # the bar's TLS-STRICT; off | flexible | full | strict",
  "tls.minTlsVersion": 'minTlsVersion: "1.2"',
  "tls.tls13": "tls13: on   # on | off | zrt",
  "tls.alwaysUseHttps": "alwaysUseHttps: true",
  "tls.automaticHttpsRewrites": "automaticHttpsRewrites: true",
  "tls.hsts": "hsts: { maxAge: 31536000, includeSubdomains: true }",
  "tls.hsts.enabled": "enabled: true",
  "tls.hsts.maxAge": "maxAge: 31536000",
  "tls.hsts.includeSubdomains": "includeSubdomains: true",
  "tls.hsts.preload": "preload: false",
  "tls.hsts.nosniff": "nosniff: true",
  protect: "launch-ready:protect: true",
  waivers:
    "launch-ready:waivers:\n  - { id: DNS-SUBDOMAINS, reason: Preview deployments need *.example.com until March, owner: cto@example.com, expires: 2027-03-31 }",
  "waivers[]": "- { id: DNS-SUBDOMAINS, reason: Preview deployments need *.example.com until March, owner: cto@example.com, expires: 2027-03-31 }",
  "waivers[].id": "id: DNS-SUBDOMAINS   # an ID from minimum-bar.md",
  "waivers[].reason": "reason: Preview deployments need *.example.com until the March release",
  "waivers[].owner": "owner: cto@example.com",
  "waivers[].expires": "expires: 2027-03-31",
  "waivers[].target":
    "target: edge.endpoints[2]   # or a host or record name (admin.example.com), an endpoint (api.example.com/auth/login), an endpoint kind (signup)",
  // Period 10 s: the one every plan takes.
  edge: "launch-ready:edge:\n  endpoints:\n    - { kind: login, host: api, path: /auth/login, requests: 20, period: 10 }",
  "edge.cache": "cache: { staticPathPrefixes: [/assets/], privatePathPrefixes: [/api/, /auth/], sessionCookies: [session] }",
  "edge.cache.staticExtensions": "staticExtensions: [css, js, png, woff2]",
  "edge.cache.staticPathPrefixes": "staticPathPrefixes: [/assets/, /_next/static/]",
  "edge.cache.edgeTtl": "edgeTtl: 2592000   # 30 days",
  "edge.cache.browserTtl": "browserTtl: 86400",
  "edge.cache.privatePathPrefixes": "privatePathPrefixes: [/api/, /auth/, /admin/]",
  "edge.cache.verifyAsset": "verifyAsset: /assets/app.css",
  "edge.cache.sessionCookies": "sessionCookies: [session, __Secure-next-auth.session-token]",
  "edge.endpoints":
    'endpoints:\n  - { kind: login, host: api, path: /auth/login, requests: 20, period: 10 }\n  - { kind: signup, external: { provider: Supabase, url: "https://xyz.supabase.co/auth/v1/signup", limits: Supabase Auth rate limits } }',
  "edge.endpoints[]": "- { kind: login, host: api, path: /auth/login, requests: 20, period: 10 }",
  "edge.endpoints[].kind": `kind: login   # ${ENDPOINT_KINDS.join(" | ")}`,
  "edge.endpoints[].host": "host: api",
  "edge.endpoints[].path": "path: /auth/login",
  "edge.endpoints[].requests": "requests: 10",
  "edge.endpoints[].period": `period: ${RATE_LIMIT_PERIODS[0]}   # ${perPlan((limits) => limits.periods)}`,
  "edge.endpoints[].timeout": `timeout: ${ZONE_PLAN_LIMITS.free.rateLimit.timeouts[0]}   # for block: ${perPlan((limits) => limits.timeouts)}; a challenge action below Enterprise: 0`,
  "edge.endpoints[].action": `action: block   # ${LIMITING_ACTIONS.join(" | ")}`,
  "edge.endpoints[].external":
    'external: { provider: Supabase, url: "https://xyz.supabase.co/auth/v1/signup", limits: "Supabase Auth rate limits, dashboard > Auth > Rate Limits" }',
  "edge.endpoints[].external.provider": "provider: Supabase",
  "edge.endpoints[].external.url": 'url: "https://xyz.supabase.co/auth/v1/signup"',
  "edge.endpoints[].external.limits": 'limits: "Supabase Auth rate limits, dashboard > Auth > Rate Limits"',
  "edge.admin": "admin:\n  - { host: admin, protection: allowlist, allowIps: [198.51.100.0/24] }",
  "edge.admin[]": "- { host: admin, protection: challenge }",
  "edge.admin[].host": "host: admin",
  "edge.admin[].protection": "protection: challenge   # challenge | allowlist",
  "edge.admin[].allowIps": "allowIps: [198.51.100.0/24]",
  "edge.firewallRules":
    "firewallRules:\n  - { description: Block an abusive ASN, expression: ip.src.asnum eq 64496, action: block, reason: Scraper traffic from one network since May }",
  "edge.firewallRules[]":
    "- { description: Block an abusive ASN, expression: ip.src.asnum eq 64496, action: block, reason: Scraper traffic from one network since May }",
  "edge.firewallRules[].reason": "reason: Scraper traffic from one network since May; edge.admin cannot express an ASN",
  "edge.cors": "cors:\n  - { host: api, origins: [https://app.example.com] }",
  "edge.cors[]": "- { host: api, origins: [https://app.example.com] }",
  "edge.cors[].host": "host: api",
  "edge.cors[].origins": "origins: [https://app.example.com]",
  "edge.headers": "headers: { frameOptions: DENY, referrerPolicy: strict-origin-when-cross-origin }",
  "edge.headers.frameOptions": "frameOptions: DENY   # DENY | SAMEORIGIN",
  "edge.headers.referrerPolicy": "referrerPolicy: strict-origin-when-cross-origin",
  "edge.headers.hosts": "hosts: [www, app]",
  "edge.waf": "waf: { managed: true }",
  "edge.ddos": "ddos: { sensitivity: default }   # or omit to keep Cloudflare's defaults",
  secretStore: "launch-ready:secretStore: { kind: secrets-manager, region: eu-west-1 }",
  "secretStore.kind": "kind: secrets-manager   # secrets-manager | ssm | vercel",
  "secretStore.region": "region: eu-west-1",
  "secretStore.kmsKeyId": "kmsKeyId: alias/launch-ready",
  "secretStore.pathPrefix": "pathPrefix: /launch-ready/production",
  "secretStore.projectId": "projectId: prj_a1b2c3d4e5f6g7h8i9j0k1l2m3n4   # kind vercel: Project Settings > General > Project ID",
  "secretStore.teamId": "teamId: team_a1b2c3d4e5f6g7h8i9j0k1l2   # kind vercel: Team Settings > General > Team ID",
  secrets: "launch-ready:secrets:\n  - { name: SESSION_SECRET, generate: { length: 48 } }\n  - { name: STRIPE_SECRET_KEY, provided: true }",
  "secrets[]": "- { name: SESSION_SECRET, generate: { length: 48 } }   # or { name: STRIPE_SECRET_KEY, provided: true }",
  "secrets[].name": "name: STRIPE_SECRET_KEY",
  "secrets[].description": "description: Stripe live-mode secret key, from dashboard.stripe.com/apikeys",
  "secrets[].generate": "generate: { length: 48, special: false }",
  "secrets[].generate.length": "length: 48",
  "secrets[].provided": "provided: true",
  secretValues: "pulumi config set --secret --path 'launch-ready:secretValues.STRIPE_SECRET_KEY' --stack prod",
  env: "launch-ready:env:\n  - { name: DATABASE_URL, format: url, description: Postgres connection string }\n  - { name: SESSION_SECRET, format: secret, secret: SESSION_SECRET }",
  "env[]": "- { name: DATABASE_URL, format: url, description: Postgres connection string }",
  "env[].name": "name: DATABASE_URL",
  "env[].format": "format: url   # url | email | secret | number | enum | string",
  "env[].required": "required: true",
  "env[].values": "values: [debug, info, warn, error]",
  "env[].environments": "environments: [staging, production]",
  "env[].description": "description: Postgres connection string, from the database provider",
  "env[].secret": "secret: SESSION_SECRET   # a name from launch-ready:secrets",
  "env[].example": "example: https://api.example.com",
  monitoring:
    "launch-ready:monitoring:\n  alerts: { emails: [oncall@example.com] }\n  checks:\n    - { kind: login, url: https://app.example.com/login, search: Sign in }",
  "monitoring.enabled": "enabled: true",
  "monitoring.provider": "provider: aws   # aws | cloudflare (Pro plan and above) | checkly",
  "monitoring.alerts": "alerts: { emails: [oncall@example.com], chatWebhookSecret: SLACK_WEBHOOK_URL }",
  "monitoring.alerts.emails": "emails: [oncall@example.com]",
  "monitoring.alerts.chatWebhookSecret": "chatWebhookSecret: SLACK_WEBHOOK_URL   # a provided secret in launch-ready:secrets",
  "monitoring.intervalSeconds": "intervalSeconds: 30   # AWS: 10 or 30; Checkly: 10, 20, 30, 60, 300, ...",
  "monitoring.failureThreshold": "failureThreshold: 3   # 1 to 10 (Checkly: 1 to 5)",
  "monitoring.regions": "regions: [us-east-1, eu-west-1, ap-southeast-1]",
  "monitoring.regions[]": "- eu-west-1",
  "monitoring.measureLatency": "measureLatency: true",
  "monitoring.apiHealthPath": "apiHealthPath: /health",
  "monitoring.checks": "checks:\n  - { kind: login, url: https://app.example.com/login, search: Sign in }",
  "monitoring.checks[]": "- { kind: login, url: https://app.example.com/login, search: Sign in }",
  "monitoring.checks[].kind": "kind: login   # homepage | login | api-health | webhook | status | other",
  "monitoring.checks[].url": "url: https://app.example.com/login",
  "monitoring.checks[].search": "search: Sign in",
  performance: "launch-ready:performance:\n  endpoints:\n    - { name: list-projects, url: https://api.example.com/v1/projects, kind: read }",
  "performance.stage": "stage: launch   # prototype | launch",
  "performance.errorBudgetPercent": "errorBudgetPercent: 1",
  "performance.endpoints": "endpoints:\n  - { name: list-projects, url: https://api.example.com/v1/projects, kind: read }",
  "performance.endpoints[]":
    "- { name: assistant, url: https://api.example.com/v1/assistant, method: POST, kind: ai, timeoutMs: 8000, fallback: The assistant is busy; try again in a minute }",
  "performance.endpoints[].name": "name: list-projects",
  "performance.endpoints[].url": "url: https://api.example.com/v1/projects",
  "performance.endpoints[].method": "method: GET   # GET | POST | PUT | PATCH | DELETE",
  "performance.endpoints[].kind": "kind: read   # read | write | ai",
  "performance.endpoints[].p95Ms": "p95Ms: 250",
  "performance.endpoints[].timeoutMs": "timeoutMs: 8000",
  "performance.endpoints[].fallback": "fallback: The assistant is busy; try again in a minute",
  records:
    'launch-ready:records:\n  - { name: "@", type: TXT, content: google-site-verification=abc123 }\n  - { name: "@", type: CAA, tag: issue, value: letsencrypt.org }',
  "records[]": "- { name: _sip._tls, type: SRV, priority: 100, weight: 1, port: 443, target: sipdir.online.lync.com }",
  "records[].name": 'name: _acme-challenge   # "@", one label, or a full name inside the zone',
  "records[].type": "type: TXT   # TXT | MX | CAA | SRV | NS | CNAME",
  "records[].content": "content: google-site-verification=abc123",
  "records[].priority": "priority: 10",
  "records[].tag": "tag: issue   # issue | issuewild | iodef | issuemail | issuevmc",
  "records[].value": "value: letsencrypt.org",
  "records[].target": "target: sipdir.online.lync.com",
  "records[].ttl": "ttl: 3600   # 60 to 86400, or 1 for automatic",
  handover:
    'launch-ready:handover:\n  contacts: [{ role: Founder, name: Ada Founder, email: founder@example.com }]\n  registrar: { name: Cloudflare Registrar, owner: founder@example.com, renews: "2030-09-14", autoRenew: true }\n  access: [{ system: cloudflare, name: Cloudflare account, owner: founder@example.com }]',
  "handover.contacts": "contacts:\n  - { role: On-call engineer, name: Sam Oncall, email: oncall@example.com, phone: +44 20 7946 0000 }",
  "handover.contacts[]": "- { role: On-call engineer, name: Sam Oncall, email: oncall@example.com }",
  "handover.registrar": 'registrar: { name: Cloudflare Registrar, owner: founder@example.com, renews: "2030-09-14", autoRenew: true }',
  "handover.registrar.renews": 'renews: "2030-09-14"',
  "handover.access": 'access:\n  - { system: aws, name: AWS production account, account: "123456789012", owner: founder@example.com }',
  "handover.access[]": "- { system: aws, name: AWS production account, owner: founder@example.com }",
  "handover.access[].system": "system: aws   # cloudflare | aws | email | pulumi | hosting | monitoring | other",
  "email.senders": 'senders:\n  - { provider: google-workspace, dkim: [{ selector: google, value: "v=DKIM1; k=rsa; p=MIIBIjANBg..." }] }',
  "email.senders[]":
    '- { provider: resend, domain: send, dkim: [{ selector: resend, value: "p=MIGfMA0GCSq..." }] }   # one entry per provider and sending name',
  "email.senders[].dkim[]": "- { selector: s1, value: s1.domainkey.u1234.wl123.sendgrid.net }   # each selector once per sending name",
  "email.spfAll": "spfAll: ~all   # ~all | -all",
  "monitoring.skip": "skip: [status]   # kinds not to monitor; MON-UPTIME fails for them unless waived",
};

/** `["hosts", 2, "target"]` → `launch-ready:hosts[2].target`. */
export function formatConfigPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const segment of path) {
    text += typeof segment === "number" ? `[${segment}]` : text === "" ? String(segment) : `.${String(segment)}`;
  }
  return `${CONFIG_NAMESPACE}:${text}`;
}

export function exampleFor(path: readonly PathSegment[]): string {
  const generic = path
    .map((segment) => (typeof segment === "number" ? "[]" : `.${String(segment)}`))
    .join("")
    .replace(/^\./, "");
  return EXAMPLES[generic] ?? EXAMPLES[generic.replace(/\.[^.[]+$/, "")] ?? EXAMPLES[""];
}

/** A problem at `path`; `example` replaces the key's usual example when the right value depends on the rest of the file (the zone's plan). */
export function problem(path: readonly PathSegment[], message: string, example: string = exampleFor(path)): ConfigProblem {
  return { path: formatConfigPath(path), message, example };
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment as PropertyKey];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return `${typeof value} ${shownValue(value)}`;
}

/**
 * Names JavaScript gives to an object's prototype machinery. As a config key they are never one
 * of the kit's, and `__proto__` assigned into a plain object replaces its prototype instead of
 * making a key: `launch-ready:__proto__` carried a whole config past the schema's unknown-key check.
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Every key of the stack file's config, at any depth, that is a prototype name, refused with its
 * path as written. Run before anything copies the config into objects of its own.
 */
export function prototypeKeyProblems(config: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const prefix = `${CONFIG_NAMESPACE}:`;
  // Walked with a list rather than recursion, and each object once: YAML aliases may share (or nest) a value.
  const pending: Array<{ value: unknown; path: string; segments: PathSegment[] | undefined }> = [];
  for (const key of Object.keys(config)) {
    const own = key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
    // A key of any namespace (cloudflare:__proto__): a provider may read its config the same way.
    const name = key.slice(key.indexOf(":") + 1);
    if (PROTOTYPE_KEYS.has(name)) {
      problems.push(prototypeKeyProblem(key, name, own === undefined ? undefined : []));
      continue;
    }
    pending.push({ value: config[key], path: key, segments: own === undefined ? undefined : [own] });
  }
  const seen = new Set<object>();
  while (pending.length > 0) {
    const { value, path, segments } = pending.pop()!;
    if (value === null || typeof value !== "object" || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push({ value: item, path: `${path}[${index}]`, segments: segments && [...segments, index] }));
      continue;
    }
    for (const key of Object.keys(value)) {
      if (PROTOTYPE_KEYS.has(key)) problems.push(prototypeKeyProblem(`${path}.${key}`, key, segments));
      else pending.push({ value: (value as Record<string, unknown>)[key], path: `${path}.${key}`, segments: segments && [...segments, key] });
    }
  }
  return problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The keys of the stack file's config without a namespace (`hosts:` for `launch-ready:hosts:`).
 * Pulumi refuses such a file, since a config key is `<namespace>:<name>`; read here it would be
 * another namespace's key, left alone, so what it says would count for nothing.
 */
export function unnamespacedKeyProblems(config: Record<string, unknown>): ConfigProblem[] {
  const known = knownKeysAt([]);
  return Object.keys(config)
    .filter((key) => !key.includes(":"))
    .map((key) => ({
      path: /^\S+$/.test(key) ? key : JSON.stringify(key),
      message: `has no namespace: Pulumi reads a stack file's config keys as <namespace>:<name> and refuses one without${known.includes(key) ? `; write ${CONFIG_NAMESPACE}:${key}` : ""}`,
      example: known.includes(key) ? exampleFor([key]) : EXAMPLES[""],
    }));
}

/** `parent`: the launch-ready path of the object holding the key, for its example; undefined for another namespace's key. */
function prototypeKeyProblem(path: string, key: string, parent: PathSegment[] | undefined): ConfigProblem {
  return {
    path,
    message: `is a key named ${key}, one of the names JavaScript uses for an object's prototype (__proto__, constructor, prototype). No config key is named so, and reading one could change what the rest of the config means, so the config was not read; remove the key, or rename it to the key you meant`,
    example: parent ? exampleFor(parent) : EXAMPLES[""],
  };
}

/** The keys the schema knows at a path (`["edge"]` → cache, endpoints, ...). */
export function knownKeysAt(path: readonly PathSegment[]): string[] {
  return [...new Set(shapesAt(path).flat())];
}

/** The key sets a value at `path` may have: one for an object, one per option where it is one of several shapes. */
function shapesAt(path: readonly PathSegment[]): string[][] {
  let schemas: z.ZodType[] = [stackConfigSchema];
  for (const segment of path) {
    schemas = schemas.flatMap((schema) => {
      const def = unwrap(schema);
      if (typeof segment === "number" && "element" in def) return [def.element as z.ZodType];
      if ("shape" in def) return [(def.shape as Record<string, z.ZodType>)[String(segment)]].filter(Boolean);
      if ("options" in def)
        return (def.options as z.ZodType[])
          .map((option) => (unwrap(option).shape as Record<string, z.ZodType> | undefined)?.[String(segment)])
          .filter((s): s is z.ZodType => s !== undefined);
      return [];
    });
    if (schemas.length === 0) return [];
  }
  return schemas.flatMap(optionShapes);
}

/** The keys of an object schema; of a union of objects, each option's (an endpoint is limited here or external). */
function optionShapes(schema: z.ZodType): string[][] {
  const def = unwrap(schema);
  if ("shape" in def) return [Object.keys(def.shape as object)];
  if ("options" in def) return (def.options as z.ZodType[]).flatMap(optionShapes);
  return [];
}

/** How far an issue list is from a valid value: an unknown key counts once per key. */
function issueWeight(issues: readonly z.core.$ZodIssue[]): number {
  return issues.reduce((sum, issue) => sum + (issue.code === "unrecognized_keys" ? issue.keys.length : 1), 0);
}

function unwrap(schema: z.ZodType): Record<string, unknown> {
  let current = schema as unknown as { def: Record<string, unknown> };
  while (current.def.innerType) current = current.def.innerType as typeof current;
  return current.def;
}

/** The known key within edit distance 2 of a typo (`hostz` → `hosts`, `proxy` → `proxied` is 2 away). */
function closestKey(typo: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(typo.toLowerCase(), key.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], input: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path;
    if (issue.code !== "unrecognized_keys" && valueAt(input, path) === undefined) {
      problems.push(problem(path, "is missing"));
      continue;
    }
    switch (issue.code) {
      case "invalid_union": {
        // A value that is one of several shapes (an endpoint limited here or external): report
        // what is wrong with the shape it comes closest to, at paths as written.
        const closest = [...issue.errors].sort((a, b) => issueWeight(a) - issueWeight(b))[0] ?? [];
        const nested = closest.map((inner) => ({ ...inner, path: [...path, ...inner.path] }) as z.core.$ZodIssue);
        problems.push(...(nested.length > 0 ? problemsFromIssues(nested, input) : [problem(path, issue.message)]));
        break;
      }
      case "unrecognized_keys":
        for (const key of issue.keys) {
          const known = knownKeysAt(path);
          const shapes = shapesAt(path);
          if (shapes.length > 1 && known.includes(key)) {
            // A key of another shape this value may take (external beside host and path).
            problems.push({
              path: formatConfigPath([...path, key]),
              message: `does not go with the other keys here; this is one of ${shapes.map((keys) => `{ ${keys.join(", ")} }`).join(" or ")}`,
              example: exampleFor(path),
            });
            continue;
          }
          const suggestion = closestKey(key, known);
          problems.push({
            path: formatConfigPath([...path, key]),
            message: `is not a known key${suggestion ? `; did you mean ${suggestion}?` : ""} The keys here are: ${known.join(", ")}`,
            example: exampleFor(suggestion ? [...path, suggestion] : path),
          });
        }
        break;
      case "invalid_type":
        problems.push(
          problem(path, `must be ${issue.expected === "int" ? "a whole number" : `a ${issue.expected}`}, not ${describeValue(valueAt(input, path))}`),
        );
        break;
      case "invalid_value":
        problems.push(problem(path, `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, not ${describeValue(valueAt(input, path))}`));
        break;
      case "too_small":
        problems.push(
          problem(path, issue.origin === "array" ? issue.message.replace(/^Too small.*/, "must not be empty") : `must be at least ${issue.minimum}`),
        );
        break;
      case "too_big":
        problems.push(problem(path, `must be at most ${issue.maximum}${issue.origin === "string" ? " characters" : ""}`));
        break;
      default:
        problems.push(problem(path, issue.message));
    }
  }
  return problems;
}

export function problemsHeading(problems: readonly ConfigProblem[], source: string): string {
  return `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${source}; nothing was planned or changed`;
}

/** Problems as the CLI prints them: one block per problem, path first. */
export function formatProblems(problems: readonly ConfigProblem[], source: string): string {
  const heading = `${problemsHeading(problems, source)}:`;
  const blocks = problems.map((p) => `  ${p.path}: ${p.message}\n    for example: ${p.example.replace(/\n/g, "\n      ")}`);
  return [heading, ...blocks].join("\n");
}
