import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { schema, SCHEMA_PATH, schemaVerb, stackFileJsonSchema } from "../scripts/commands/schema";
import { EXAMPLE_STACKS, exampleConfig, runEntryFile, runInProcess } from "./helpers";

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, "utf8")));

describe("stacks/schema.json", () => {
  test("is what the zod schema generates today (run `npm run schema` when this fails)", () => {
    expect(JSON.parse(readFileSync(SCHEMA_PATH, "utf8"))).toEqual(stackFileJsonSchema());
  });

  test.each(EXAMPLE_STACKS)("accepts the %s example stack file", (stack) => {
    expect(validate({ config: exampleConfig(stack) }), JSON.stringify(validate.errors)).toBe(true);
  });

  test("lets provider namespaces through and catches a mistyped launch-ready key", () => {
    const config = exampleConfig("prod");
    config["cloudflare:apiToken"] = { secure: "v1:x" };
    expect(validate({ config })).toBe(true);
    config["launch-ready:hostz"] = [];
    expect(validate({ config })).toBe(false);
  });

  test("catches a redirect target that is not a URL", () => {
    const config = exampleConfig("prod");
    config["launch-ready:redirects"][0].to = "not a url";
    expect(validate({ config })).toBe(false);
  });

  test("catches a wrong value inside a host", () => {
    const config = exampleConfig("prod");
    config["launch-ready:hosts"][0].purpose = "shop";
    expect(validate({ config })).toBe(false);
    expect(validate.errors?.some((e) => e.instancePath === "/config/launch-ready:hosts/0/purpose")).toBe(true);
  });
});

describe("npm run schema", () => {
  const scratch = mkdtempSync(join(tmpdir(), "launch-ready-schema-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const run = (verb: typeof schema, ...args: string[]) => runInProcess(verb, args, { failedAs: "schema failed" });

  test("--check passes on the committed stacks/schema.json and writes nothing", async () => {
    const before = readFileSync(SCHEMA_PATH, "utf8");
    const { code, stdout, stderr } = await run(schema, "--check");
    expect(stderr).toBe("");
    expect(stdout).toBe("stacks/schema.json is up to date.\n");
    expect(code).toBe(0);
    expect(readFileSync(SCHEMA_PATH, "utf8")).toBe(before);
  });

  test("writes the generated schema, and --check fails on a drifted or missing file", async () => {
    const path = join(scratch, "schema.json");
    const verb = schemaVerb(path);
    const written = await run(verb);
    expect(written).toEqual({ code: 0, stdout: `wrote ${path}\n`, stderr: "" });
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(stackFileJsonSchema());
    expect(readFileSync(path, "utf8")).toBe(readFileSync(SCHEMA_PATH, "utf8"));
    expect((await run(verb, "--check")).code).toBe(0);

    writeFileSync(path, readFileSync(path, "utf8").replace('"launch-ready:hosts"', '"launch-ready:hostz"'));
    const drifted = await run(verb, "--check");
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toBe("");
    expect(drifted.stderr).toBe(`${path} is out of date with stacks/config-schema.ts; run \`npm run schema\` and commit the result.\n`);
    expect((await run(schemaVerb(join(scratch, "absent.json")), "--check")).code).toBe(1);
  });

  test("a mistyped flag is a usage error, not a silent rewrite", async () => {
    const path = join(scratch, "untouched.json");
    const { code, stdout, stderr } = await run(schemaVerb(path), "--chek");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("Unknown option '--chek'");
    expect(stderr).toContain("Usage: npm run schema [-- --check]");
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
    const help = await run(schemaVerb(path), "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--check");
  });

  test("the entry file runs the verb: npm run -s schema -- --check as CI runs it", async () => {
    const { code, stdout, stderr } = await runEntryFile("scripts/schema.ts", ["--check"]);
    expect(stderr).toBe("");
    expect(stdout).toBe("stacks/schema.json is up to date.\n");
    expect(code).toBe(0);
  });
});
