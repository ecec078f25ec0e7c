/**
 * The plan's minimum-bar verdicts for people (a table), pull requests (Markdown) and code
 * scanning (SARIF 2.1.0, each finding located at the stack-file key to change).
 */
import type CliTable from "cli-table3";
import { readFileSync } from "node:fs";
import type { BarResult, WaiverUse } from "../../policies/bar";
import { MINIMUM_BAR, type BarId } from "../../domain/bar/catalog";
import { configPathPosition } from "../../stacks/stack-file";
import { escapeCell } from "../cli/markdown";

/** What the bar's renderings need of a plan report (PlanReport has it). */
export interface JudgedStack {
  stack: string;
  environment: string;
  bar: BarResult[];
  /** What each waiver hides; the plan report has it. */
  waivers?: WaiverUse[];
  summary: { zone: string; resources: number; components: number; protected: number };
}

const STATUS_MARK: Record<BarResult["status"], string> = { pass: "pass", fail: "FAIL", waived: "waived", "not-applicable": "n/a" };

function resourceName(urn?: string): string {
  return urn ? urn.split("::").pop()! : "";
}

function barCounts(bar: readonly BarResult[]) {
  const count = (status: BarResult["status"]) => bar.filter((r) => r.status === status).length;
  return {
    pass: count("pass"),
    fail: count("fail"),
    mandatoryFail: bar.filter((r) => r.status === "fail" && r.level === "mandatory").length,
    waived: count("waived"),
    notApplicable: count("not-applicable"),
  };
}

export function barSummaryLine(bar: readonly BarResult[]): string {
  const c = barCounts(bar);
  const ids = new Set(bar.map((r) => r.id)).size;
  return `Minimum bar (${ids} IDs checked): ${c.pass} pass, ${c.fail} fail (${c.mandatoryFail} mandatory), ${c.waived} waived, ${c.notApplicable} not applicable.`;
}

/** A cli-table3 table, loaded on first use: only the human view draws tables, and --json need not load it. */
export function textTable(options: CliTable.TableConstructorOptions): CliTable.Table {
  const Table = require("cli-table3") as typeof CliTable;
  return new Table(options);
}

export function renderBarText(bar: readonly BarResult[]): string {
  const table = textTable({
    head: ["Status", "Bar ID", "Level", "Resource", "Detail"],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [null, null, null, 30, 70],
  });
  for (const r of bar) table.push([STATUS_MARK[r.status], r.id, r.level, resourceName(r.resource), r.message]);
  return `${table.toString()}\n${barSummaryLine(bar)}`;
}

/** What each waiver hides, one line each: a waiver of a whole ID is seen for every failure it covers. */
export function renderWaiverUses(uses: readonly WaiverUse[]): string {
  return ["Waivers:", ...uses.map((use) => `  ${use.at}: ${use.summary} (until ${use.expires}, ${use.owner})`)].join("\n");
}

export function renderMarkdown(report: JudgedStack): string {
  const c = barCounts(report.bar);
  const verdict =
    c.mandatoryFail > 0 ? `**${c.mandatoryFail} mandatory failure${c.mandatoryFail === 1 ? "" : "s"}**: \`pulumi up\` should not run` : "**Clears the bar**";
  const lines = [
    `### launch-ready plan: \`${report.stack}\` (${report.environment}, ${report.summary.zone})`,
    "",
    `${verdict}. ${barSummaryLine(report.bar)}`,
    "",
    `${report.summary.resources} resources in ${report.summary.components} components, ${report.summary.protected} protected. Planned offline under Pulumi's mocks; nothing was created.`,
    "",
    "| Status | Bar ID | Level | Resource | Detail |",
    "|---|---|---|---|---|",
    ...report.bar.map((r) => `| ${STATUS_MARK[r.status]} | ${r.id} | ${r.level} | ${escapeCell(resourceName(r.resource))} | ${escapeCell(r.message)} |`),
    ...(report.waivers && report.waivers.length > 0
      ? ["", ...report.waivers.map((use) => `- \`${use.at}\`: ${use.summary} (until ${use.expires}, ${use.owner})`)]
      : []),
  ];
  return `${lines.join("\n")}\n`;
}

/** SARIF's region for a finding: where its config path is written in the stack file. */
function sarifRegion(text: string, configPath: string): { startLine: number; startColumn: number } {
  const { line, column } = configPathPosition(text, configPath);
  return { startLine: line, startColumn: column };
}

const SARIF_LEVEL = { mandatory: "error", advisory: "warning" } as const;

export function renderSarif(report: JudgedStack, stackFile: { path: string; uri: string }): string {
  const text = readFileSync(stackFile.path, "utf8");
  const ruleIds = [...new Set(report.bar.map((r) => r.id))];
  const findings = report.bar.filter((r) => r.status === "fail" || r.status === "waived");
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "launch-ready",
            rules: ruleIds.map((id) => ({
              id,
              name: id.toLowerCase(),
              shortDescription: { text: MINIMUM_BAR[id as BarId].bar },
              fullDescription: { text: `Declared: ${MINIMUM_BAR[id as BarId].declared}` },
            })),
          },
        },
        results: findings.map((r) => ({
          ruleId: r.id,
          ruleIndex: ruleIds.indexOf(r.id),
          level: r.status === "waived" ? "note" : SARIF_LEVEL[r.level],
          message: { text: r.resource ? `${r.message} (${resourceName(r.resource)})` : r.message },
          locations: [
            { physicalLocation: { artifactLocation: { uri: stackFile.uri }, region: sarifRegion(text, r.configPath ?? "launch-ready:environment") } },
          ],
          ...(r.status === "waived" ? { suppressions: [{ kind: "external", justification: r.message }] } : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
