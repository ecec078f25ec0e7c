import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { SCHEMA_PATH, stackFileJsonSchema } from "../scripts/generate-schema";
import { EXAMPLE_STACKS, exampleConfig } from "./helpers";

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
