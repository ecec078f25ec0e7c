/**
 * The kit as a library (`require("launch-ready")`, `import { ZoneTls } from "launch-ready"`).
 *
 * Each component takes its own documented Args, so a team can put `ZoneTls` or `EdgeFirewall`
 * into an existing Pulumi program alone. `LaunchReadySite` composes the site's components from a
 * stack config, read from a stack file (`parseStackConfig`) or written in code (`siteConfig`), and
 * `launchReadyProgram` is the whole standard program that a scaffolded index.ts exports. The
 * config parser and the bar's rules are here for programs and CI scripts that judge a config
 * themselves.
 */

// Components, with the Args each takes.
export { AdminAccess, type AdminAccessArgs } from "./components/admin-access";
export { BotProtection, botManagementSpec, type BotManagementSpec, type BotProtectionArgs } from "./components/bot-protection";
export { CanonicalRedirect, type CanonicalRedirectArgs } from "./components/canonical-redirect";
export { DnsRecords, type DnsRecordsArgs } from "./components/dns-records";
export { EdgeCertificates, type CertificateSpec, type EdgeCertificatesArgs } from "./components/edge-certificates";
export { EdgeCache, EdgeFirewall, SecurityHeaders, type EdgeRulesetsArgs } from "./components/edge-protection";
export { AwsUptimeMonitors, type AwsUptimeMonitorsArgs } from "./components/monitoring/aws-uptime-monitors";
export { ChecklyUptimeMonitors, type ChecklyUptimeMonitorsArgs } from "./components/monitoring/checkly-uptime-monitors";
export { CloudflareUptimeMonitors, type CloudflareUptimeMonitorsArgs } from "./components/monitoring/cloudflare-uptime-monitors";
export type { UptimeMonitorsArgsBase } from "./components/monitoring/uptime-monitors";
export type { LatencyAlarmsConfig, LatencyTarget } from "./stacks/monitoring-config";
export { launchReadyProgram, type ProgramOptions } from "./components/program";
export { AppSecrets, type AppSecretsArgs } from "./components/secrets/app-secrets";
export { secretSpecs, type SecretSpec } from "./components/secrets/stored-secrets";
export { SesSender, type SesSenderArgs } from "./components/ses-sender";
export { LaunchReadySite, type HostSummary, type LaunchReadySiteArgs } from "./components/site";
export { StateBackend, type StateBackendArgs } from "./components/state-backend";
export type { Transform } from "./components/transform";
export { ZoneTls, type ZoneTlsArgs } from "./components/zone-tls";
export { ZoneDnssec, type ZoneDnssecArgs } from "./components/zone-dnssec";
// What the components are given: record, ruleset, redirect and Access specs, TLS settings.
export type { RecordSpec, RedirectRuleSpec } from "./components/site-records";
export type { AccessApplicationSpec, RulesetRuleSpec, RulesetSpec } from "./components/edge-rulesets";
export type { TlsSettings, TlsSettingsInput } from "./stacks/schema/site";
export { resolveZoneGroup, type ZoneGroup, type ZoneStack } from "./stacks/zone-group";

// The stack config: its schema, the parser of stack files, the builder of configs written in code, and the parsed form.
export { CONFIG_NAMESPACE, stackConfigSchema, type StackConfigFields } from "./stacks/config-schema";
export { formatProblems, parseStackConfig, type ConfigProblem, type DeclaredMonitor, type LaunchReadyConfig, type ParseResult } from "./stacks/stack-config";
export { siteConfig, type LaunchReadyConfigInput } from "./components/site-config";

// The minimum bar: its catalog and the rules that judge declared resources.
export { BAR_IDS, MINIMUM_BAR, type BarId } from "./domain/bar/catalog";
export { evaluateBar, type BarContext, type BarResult, type BarRule, type DeclaredResource, type Verdict } from "./policies/bar";
export { BAR_RULES } from "./policies/rules";
