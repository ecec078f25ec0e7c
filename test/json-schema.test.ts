import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { schema, stackFileJsonSchema } from "../scripts/commands/schema";
import { KIT_SCHEMA_PATH } from "../stacks/project";
import { EXAMPLE_STACKS, exampleConfig, ROOT, runEntryFile, runInProcess, scratchDir } from "./helpers";

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(KIT_SCHEMA_PATH, "utf8")));

describe("stacks/schema.json", () => {
  test("is what the zod schema generates today (run `npm run schema` when this fails)", () => {
    expect(JSON.parse(readFileSync(KIT_SCHEMA_PATH, "utf8"))).toEqual(stackFileJsonSchema());
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
  const run = (cwd: string, ...args: string[]) => runInProcess(schema, args, { failedAs: "schema failed", cwd });
  /** A project whose stack files live in `stacks/`, as Pulumi.yaml's stackConfigDir says. */
  const project = () => {
    const dir = scratchDir("launch-ready-schema-");
    writeFileSync(join(dir, "Pulumi.yaml"), "name: quill\nruntime: nodejs\nstackConfigDir: stacks\n");
    mkdirSync(join(dir, "stacks"));
    return dir;
  };

  test("--check passes on this repository's committed stacks/schema.json and writes nothing", async () => {
    const before = readFileSync(KIT_SCHEMA_PATH, "utf8");
    const { code, stdout, stderr } = await run(ROOT, "--check");
    expect(stderr).toBe("");
    expect(stdout).toBe("stacks/schema.json is up to date.\n");
    expect(code).toBe(0);
    expect(readFileSync(KIT_SCHEMA_PATH, "utf8")).toBe(before);
  });

  test("writes the schema beside the project's stack files, and --check fails on a drifted or missing file", async () => {
    const dir = project();
    const path = join(dir, "stacks", "schema.json");
    expect((await run(dir, "--check")).code).toBe(1);
    const written = await run(dir);
    expect(written).toEqual({ code: 0, stdout: "wrote stacks/schema.json\n", stderr: "" });
    expect(readFileSync(path, "utf8")).toBe(readFileSync(KIT_SCHEMA_PATH, "utf8"));
    expect((await run(dir, "--check")).code).toBe(0);

    writeFileSync(path, readFileSync(path, "utf8").replace('"launch-ready:hosts"', '"launch-ready:hostz"'));
    const drifted = await run(dir, "--check");
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toBe("");
    expect(drifted.stderr).toBe("stacks/schema.json is out of date with the kit's config schema; run `npm run schema` and commit the result.\n");
  });

  test("a schema.json it did not write is left byte for byte unless --force; its own is replaced", async () => {
    const dir = project();
    const path = join(dir, "stacks", "schema.json");
    const theirs = '{ "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "our own" }\n';
    writeFileSync(path, theirs);
    const refused = await run(dir);
    expect(refused).toEqual({
      code: 2,
      stdout: "",
      stderr: "stacks/schema.json is not a schema.json this command wrote; nothing was written. Give --force to replace it.\n",
    });
    expect(readFileSync(path, "utf8")).toBe(theirs);
    expect((await run(dir, "--check", "--force")).code).toBe(2);
    expect(await run(dir, "--force")).toEqual({ code: 0, stdout: "wrote stacks/schema.json\n", stderr: "" });
    expect(readFileSync(path, "utf8")).toBe(readFileSync(KIT_SCHEMA_PATH, "utf8"));
    // Its own file, drifted, is regenerated without --force.
    writeFileSync(path, readFileSync(path, "utf8").replace('"launch-ready:hosts"', '"launch-ready:hostz"'));
    expect((await run(dir)).code).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(readFileSync(KIT_SCHEMA_PATH, "utf8"));
  });

  test("outside a Pulumi project it says how to start one and writes nothing", async () => {
    const dir = scratchDir("launch-ready-schema-");
    const { code, stderr } = await run(dir);
    expect(code).toBe(2);
    expect(stderr).toContain(`No Pulumi.yaml in ${dir} or above it`);
    expect(stderr).toContain("npx launch-ready init");
    expect(readdirSync(dir)).toEqual([]);
  });

  test("a mistyped flag is a usage error, not a silent rewrite", async () => {
    const dir = project();
    const { code, stdout, stderr } = await run(dir, "--chek");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("Unknown option '--chek'");
    expect(stderr).toContain("Usage: npm run schema [-- --check]");
    expect(readdirSync(join(dir, "stacks"))).toEqual([]);
    const help = await run(dir, "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--check");
  });

  test("the command runs the verb: npm run -s schema -- --check as CI runs it", async () => {
    const { code, stdout, stderr } = await runEntryFile("schema", ["--check"], process.env, ROOT);
    expect(stderr).toBe("");
    expect(stdout).toBe("stacks/schema.json is up to date.\n");
    expect(code).toBe(0);
  });
});
