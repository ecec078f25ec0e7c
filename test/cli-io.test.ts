import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseCommandLine } from "../scripts/cli/args";
import { fail, terminalSafe } from "../scripts/cli/io";
import { launchReady } from "../scripts/commands/launch-ready";
import { runInProcess, runTsx } from "./helpers";

describe("a verb's exit code and messages are decided in one place", () => {
  test("a returned code is the exit code, and nothing is added to what the verb printed", async () => {
    const result = await runInProcess(async (_argv, io) => {
      io.stdout.write("checked\n");
      return 1;
    }, []);
    expect(result).toEqual({ code: 1, stdout: "checked\n", stderr: "" });
  });

  test("fail() ends the verb with its code: text on stderr, or {error, problems} under --json", async () => {
    const problems = [{ path: "launch-ready:zone", message: "is missing", example: "launch-ready:zone: { domain: example.com }" }];
    const text = await runInProcess(async () => fail(2, false, "heading", problems, "heading\n  launch-ready:zone: is missing"), []);
    expect(text).toEqual({ code: 2, stdout: "", stderr: "heading\n  launch-ready:zone: is missing\n" });
    const json = await runInProcess(async () => fail(2, true, "heading", problems), []);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr)).toEqual({ error: "heading", problems });
  });

  test("anything else thrown is the verb's own failure, with the verb's failure code", async () => {
    const result = await runInProcess(
      async () => {
        throw new Error("socket hang up");
      },
      [],
      { failedAs: "verify failed", failureCode: 2 },
    );
    expect(result).toEqual({ code: 2, stdout: "", stderr: "verify failed: socket hang up\n" });
    // Under --json, that failure too is one JSON object on stderr.
    const json = await runInProcess(
      async () => {
        throw new Error("socket hang up");
      },
      ["--json"],
      { failedAs: "verify failed", failureCode: 2 },
    );
    expect(JSON.parse(json.stderr)).toEqual({ error: "verify failed: socket hang up" });
  });

  test("text from outside the kit is printed with its control characters shown, never obeyed", () => {
    expect(terminalSafe("answers 403\u009b31m red\u001b[2J \r over\ttab\nnext")).toBe("answers 403\\x9b31m red\\x1b[2J \\x0d over\ttab\nnext");
  });

  test("--help prints the usage on stdout and exits 0; an unknown flag exits 2 with the usage", async () => {
    const verb = async (argv: string[], io: Parameters<typeof parseCommandLine>[2]) => {
      parseCommandLine(argv, "Usage: demo --name N", io, { name: { type: "string" }, help: { type: "boolean", default: false } });
      return 0;
    };
    expect(await runInProcess(verb, ["--help"])).toEqual({ code: 0, stdout: "Usage: demo --name N\n", stderr: "" });
    const unknown = await runInProcess(verb, ["--nmae", "x"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--nmae'");
    expect(unknown.stderr).toContain("Usage: demo --name N");
    // A flag given twice is refused, not read as its last value.
    const twice = await runInProcess(verb, ["--name", "dev", "--name", "prod"]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("--name is given 2 times; give it once");
  });

  test("an entry whose verb never settles exits with the failure code, not Node's silent 0", async () => {
    const result = await runTsx(join(__dirname, "fixtures", "never-settles.ts"), []);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("never-settles failed: it stopped before everything it started had settled");
  });
});

describe("launch-ready <command>: the one command every npm script calls", () => {
  test("runs the named verb on the rest of the command line", async () => {
    const help = await runInProcess(launchReady, ["schema", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: npm run schema [-- --check]");
    // -h as every command line tool takes it, for each verb.
    for (const verb of ["init", "plan", "verify", "loadtest", "handover", "import-zone", "rollback", "scan-secrets", "check-env", "schema"]) {
      const short = await runInProcess(launchReady, [verb, "-h"]);
      expect(short.code, verb).toBe(0);
      expect(short.stdout, verb).toMatch(/^Usage: /);
    }
  });

  test("an unknown command exits 2 naming it, with the commands there are; under --json as JSON", async () => {
    const unknown = await runInProcess(launchReady, ["deploy", "--stack", "prod"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toContain('"deploy" is not a launch-ready command.');
    expect(unknown.stderr).toMatch(/^ {2}rollback {2,}list a stack file's earlier versions/m);
    const json = await runInProcess(launchReady, ["deploy", "--json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr).error).toContain('"deploy" is not a launch-ready command.');
  });

  test("--help lists every command on stdout; no command at all is a usage error", async () => {
    const help = await runInProcess(launchReady, ["--help"]);
    expect(help.code).toBe(0);
    for (const verb of ["init", "plan", "verify", "loadtest", "handover", "import-zone", "rollback", "scan-secrets", "check-env", "schema"]) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}${verb} +\\S`, "m"));
    }
    const none = await runInProcess(launchReady, []);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage: launch-ready <command> [flags]");
  });
});
