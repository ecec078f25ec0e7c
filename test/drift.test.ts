/**
 * `launch-ready drift` in-process, in the drift fixture project (prod owns example.net, staging
 * lives in it), against its zone's saved exports: records.json as the API's "List DNS Records"
 * answers (TXT content quoted, CAA as data) and zone.txt as the dashboard's BIND export (trailing
 * dots, cf_tags, SOA and NS), both holding exactly what the two stacks declare.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { drift } from "../scripts/commands/drift";
import { launchReady } from "../scripts/commands/launch-ready";
import { runInProcess, scratchDir } from "./helpers";

const PROJECT = join(__dirname, "fixtures", "drift");
const records = (): any => JSON.parse(readFileSync(join(PROJECT, "records.json"), "utf8"));
const zoneFile = () => readFileSync(join(PROJECT, "zone.txt"), "utf8");

/** Runs drift from the fixture project against `body` written to a scratch file (the fixtures' own when a name). */
async function driftOf(body: unknown, args: string[] = ["--stack", "staging", "--json"]) {
  const path = typeof body === "string" && !body.includes("\n") ? join(PROJECT, body) : join(scratchDir(), "export");
  if (path.endsWith("export")) writeFileSync(path, typeof body === "string" ? body : JSON.stringify(body));
  const result = await runInProcess(drift, [...args, "--records", path], { cwd: PROJECT, failedAs: "drift failed", failureCode: 2 });
  return { ...result, report: args.includes("--json") && result.code !== 2 ? JSON.parse(result.stdout) : undefined };
}

describe("drift: the zone's records against every stack of the zone", () => {
  test("a clean export, either form, is no drift: every record of both stacks is there as declared", async () => {
    for (const file of ["records.json", "zone.txt"]) {
      const { code, report, stderr } = await driftOf(file);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(report).toMatchObject({ stacks: ["prod", "staging"], undeclared: [], missing: [], proxiedDiffers: [], drift: false, records: { count: 15 } });
    }
    // Through the kit's one command, as npm run drift and npx launch-ready drift start it.
    const text = await runInProcess(launchReady, ["drift", "--stack", "prod", "--records", "zone.txt"], { cwd: PROJECT });
    expect(text).toMatchObject({ code: 0, stderr: "" });
    expect(text.stdout).toContain("OPS-DRIFT pass: the 15 records are the ones declared.");
  });

  test("a record nobody declares is listed, with Cloudflare's own marked; a flipped proxy is listed apart", async () => {
    const body = records();
    body.result.push(
      { id: "a1", name: "old.example.net", type: "CNAME", content: "Legacy-Host.example.com.", proxied: false, meta: {} },
      { id: "a2", name: "example.net", type: "TXT", content: '"v=verify" "-123"', proxied: false, meta: {} },
      { id: "a3", name: "example.net", type: "MX", content: "route1.mx.cloudflare.net", priority: 5, proxied: false, meta: { read_only: true } },
    );
    body.result.find((r: any) => r.name === "status.example.net").proxied = true;
    body.result_info.total_count = body.result_info.count = body.result.length;
    const { code, report } = await driftOf(body);
    expect(code).toBe(1);
    expect(report.undeclared.map((r: any) => r.record)).toEqual([
      "old.example.net CNAME legacy-host.example.com",
      "example.net TXT v=verify-123",
      "example.net MX 5 route1.mx.cloudflare.net",
    ]);
    expect(report.undeclared[2].note).toContain("meta.read_only");
    expect(report.proxiedDiffers).toEqual([
      expect.objectContaining({ stack: "prod", record: "status.example.net CNAME statuspage.betteruptime.com", declared: false, live: true }),
    ]);
    expect(report.missing).toEqual([]);
  });

  test("a declared record missing from the export is listed with the stack that declares it", async () => {
    const text = zoneFile().replace(/^staging\.example\.net\.\t300\tIN\tTXT\t"v=spf1 -all"\n/m, "");
    const { code, stdout } = await driftOf(text, ["--stack", "prod"]);
    expect(code).toBe(1);
    expect(stdout).toContain("Declared, missing from the zone (1):\n  staging.example.net TXT v=spf1 -all   stack staging");
    expect(stdout).toContain("OPS-DRIFT fail: 0 declared by no stack, 1 missing, 0 with another proxy status; 14 as declared.");
  });

  test("a file that is not the zone's record list is refused with exit 2, naming --records", async () => {
    const partial = records();
    partial.result.pop();
    const otherZone = records();
    otherZone.result[0].name = "www.example.org";
    const cases: Array<[unknown, string]> = [
      ["not a zone\n", "has no SOA record for example.net"],
      [zoneFile().replace("76.76.21.22", "76.76.21"), "staging.example.net A 76.76.21 has a value no A record can have"],
      ["{ nope\n", "is not JSON"],
      [{ success: false, errors: [{ code: 10000 }], result: [] }, "holds an API error"],
      [partial, "holds 14 of the zone's 15 records"],
      [otherZone, "outside example.net"],
      [zoneFile().replace("$ORIGIN example.net.", "$ORIGIN example.org."), "is not the export of example.net"],
    ];
    for (const [body, says] of cases) {
      const { code, stderr } = await driftOf(body);
      expect(code, says).toBe(2);
      expect(stderr).toContain(says);
    }
    const missing = await runInProcess(drift, ["--stack", "prod", "--records", "nowhere.json"], { cwd: PROJECT, failedAs: "drift failed", failureCode: 2 });
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining("--records nowhere.json does not exist. Save the zone's records with:") });
  });
});
