import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { carryConfigEntry, readConfigEntry, renderStackFileText, type ConfigEntry } from "../stacks/stack-file-edit";
import { configPathPosition, parseStackFileText, readableEncryption, siblingStackFiles, StackFileError, unreadableSiblings } from "../stacks/stack-file";
import { scratchDir } from "./helpers";

const KEY = "launch-ready:handover";

/** A small stack file: a header, a flow-style host, a block-style one, a trailing comment. */
const file = [
  "# the stack's header",
  "encryptionsalt: v1:abc",
  "config:",
  "  launch-ready:environment: production",
  "  launch-ready:hosts:",
  "    - { name: www, target: cname.vercel-dns.com, proxied: true }",
  "    - name: api",
  "      target: example-api.fly.dev",
  "  # who runs it",
  "  launch-ready:handover:",
  "    contacts:",
  "      - { name: Ada, email: ada@example.com }   # on call",
  "",
].join("\n");

function found(text: string, key = KEY): ConfigEntry {
  const read = readConfigEntry(text, key);
  if (read.status !== "found") throw new Error(`expected ${key} in the text, got ${read.status}`);
  return read;
}

/** What a text reads as: the check every carry must pass. */
const data = (text: string) => parse(text);

describe("configPathPosition", () => {
  test("points at the key of the deepest node the file has on the path", () => {
    expect(configPathPosition(file, "launch-ready:environment")).toEqual({ line: 4, column: 3 });
    expect(configPathPosition(file, "launch-ready:hosts[0].proxied")).toEqual({ line: 6, column: 50 });
    expect(configPathPosition(file, "launch-ready:hosts[1]")).toEqual({ line: 7, column: 7 });
    expect(configPathPosition(file, "launch-ready:hosts[1].target")).toEqual({ line: 8, column: 7 });
    expect(configPathPosition(file, "launch-ready:handover.contacts[0].email")).toEqual({ line: 12, column: 22 });
  });

  test("a path the file does not spell out (a default) points at its nearest written ancestor", () => {
    expect(configPathPosition(file, "launch-ready:hosts[1].proxied")).toEqual({ line: 7, column: 7 });
    expect(configPathPosition(file, "launch-ready:hosts[7].proxied")).toEqual({ line: 5, column: 3 });
    expect(configPathPosition(file, "launch-ready:tls.ssl")).toEqual({ line: 3, column: 1 });
    expect(configPathPosition("# only a comment\n", "launch-ready:tls.ssl")).toEqual({ line: 1, column: 1 });
  });
});

describe("readableEncryption", () => {
  test("reads the three encryption keys of any YAML map, stack file or not", () => {
    expect(readableEncryption("encryptionsalt: v1:abc\nsecretsprovider: awskms://alias/x\nencryptedkey: k\nconfig: {}\n")).toEqual({
      encryptionsalt: "v1:abc",
      secretsprovider: "awskms://alias/x",
      encryptedkey: "k",
    });
    expect(readableEncryption("encryptionsalt: v1:abc\nconfig: [not, a, map]\n")).toEqual({ encryptionsalt: "v1:abc" });
    expect(readableEncryption("encryptionsalt: 12\nconfig: {}\n")).toEqual({});
    expect(readableEncryption("- a list\n")).toEqual({});
    expect(readableEncryption("")).toEqual({});
  });

  test("text that is not YAML has an unknown key, not none", () => {
    expect(readableEncryption("not: [valid")).toBeUndefined();
    expect(readableEncryption("encryptionsalt: a\nencryptionsalt: b\n")).toBeUndefined();
  });

  test("reads as the stack file's own encryption does", () => {
    expect(readableEncryption(file)).toEqual(parseStackFileText(file, "Pulumi.prod.yaml").encryption);
  });
});

describe("readConfigEntry", () => {
  test("finds a top-level config entry with the value the program reads", () => {
    const entry = found(file);
    expect(entry.key).toBe(KEY);
    expect(entry.value).toEqual({ contacts: [{ name: "Ada", email: "ada@example.com" }] });
    expect(found("config:\n  launch-ready:handover:\n").value).toBeNull();
  });

  test("an entry that is not there, or no config: map to hold it, is absent", () => {
    expect(readConfigEntry(file, "launch-ready:tls")).toEqual({ status: "absent" });
    expect(readConfigEntry("config: [a]\n", KEY)).toEqual({ status: "absent" });
    expect(readConfigEntry("- config\n", KEY)).toEqual({ status: "absent" });
    expect(readConfigEntry("launch-ready:handover: {}\n", KEY)).toEqual({ status: "absent" });
  });

  test("text that is not YAML is unreadable, with the parser's first line", () => {
    const read = readConfigEntry("config: [\n", KEY);
    expect(read.status).toBe("unreadable");
    const reason = read.status === "unreadable" ? read.reason : "";
    expect(reason).not.toMatch(/\n|:$/);
    expect(reason.length).toBeGreaterThan(0);
    expect(readConfigEntry("config:\n  a: 1\n  a: 2\n", KEY)).toMatchObject({ status: "unreadable", reason: expect.stringContaining("unique") });
  });
});

describe("carryConfigEntry", () => {
  const entry = found(file);
  const handoverLines = file.slice(file.indexOf("  launch-ready:handover:"));
  const without = file.slice(0, file.indexOf("  # who runs it"));

  test("replaces the target's own entry in place; every other byte stays", () => {
    const older = `# older\n${without.replace("production", "production   # odd   spacing")}  launch-ready:handover:\n    contacts: []\n  launch-ready:tls: { ssl: strict }\n`;
    const carried = carryConfigEntry(entry, older);
    expect(carried).toEqual({
      status: "carried",
      edit: "replaced",
      text: older.replace("    contacts: []\n", "    contacts:\n      - { name: Ada, email: ada@example.com }   # on call\n"),
    });
  });

  test("adds it after the last entry of config:, indented as the first, when the target has none", () => {
    const carried = carryConfigEntry(entry, without);
    expect(carried).toEqual({ status: "carried", edit: "added", text: without + handoverLines });
    const trailing = `${without.trimEnd()}   # last\n\nother: 1\n`;
    expect(carryConfigEntry(entry, trailing)).toEqual({
      status: "carried",
      edit: "added",
      text: trailing.replace("   # last\n", `   # last\n${handoverLines.trimEnd()}\n`),
    });
  });

  test("the same value leaves the text untouched, however it is written", () => {
    const flow = `${without}  launch-ready:handover: { contacts: [{ email: ada@example.com, name: Ada }] }\n`;
    expect(carryConfigEntry(entry, flow)).toEqual({ status: "carried", edit: "same", text: flow });
  });

  test("re-indents to the target's indentation and keeps its line endings", () => {
    const deeper = "config:\n    launch-ready:environment: staging\n    launch-ready:handover: null\n    launch-ready:canonical: { host: www }   # kept\n";
    const carried = carryConfigEntry(entry, deeper);
    expect(carried).toEqual({
      status: "carried",
      edit: "replaced",
      text: "config:\n    launch-ready:environment: staging\n    launch-ready:handover:\n      contacts:\n        - { name: Ada, email: ada@example.com }   # on call\n    launch-ready:canonical: { host: www }   # kept\n",
    });
    const deep = found("config:\n    launch-ready:handover:\n        contacts:\n            - ada@example.com\n");
    expect(carryConfigEntry(deep, "config:\n  launch-ready:handover: {}\n")).toEqual({
      status: "carried",
      edit: "replaced",
      text: "config:\n  launch-ready:handover:\n      contacts:\n          - ada@example.com\n",
    });
    const crlf = without.replace(/\n/g, "\r\n");
    expect(carryConfigEntry(entry, crlf)).toEqual({ status: "carried", edit: "added", text: crlf + handoverLines.replace(/\n/g, "\r\n") });
  });

  test("where no line edit fits (a flow-style config:), edits the document and checks it reads back", () => {
    const carried = carryConfigEntry(entry, "config: { launch-ready:environment: staging }\n");
    expect(carried.status).toBe("carried");
    const text = carried.status === "carried" ? carried.text : "";
    expect(data(text)).toEqual({ config: { "launch-ready:environment": "staging", [KEY]: entry.value } });
    expect(carryConfigEntry(entry, "encryptionsalt: v1:x\n")).toEqual({
      status: "carried",
      edit: "added",
      text: "encryptionsalt: v1:x\nconfig:\n  launch-ready:handover:\n    contacts:\n      - { name: Ada, email: ada@example.com } # on call\n",
    });
  });

  test("a target that cannot take the entry is refused, and says why", () => {
    expect(carryConfigEntry(entry, "config: [\n")).toMatchObject({ status: "refused", refusal: { why: "not-yaml", error: expect.any(String) } });
    expect(carryConfigEntry(entry, "config: [a]\n")).toEqual({ status: "refused", refusal: { why: "config-not-a-map" } });
    expect(carryConfigEntry(entry, "- a\n")).toEqual({ status: "refused", refusal: { why: "config-not-a-map" } });
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      ...["b", "c", "d", "e"].map((name, i) => `${name}: &${name} [${Array(10).fill(`*${"abcd"[i]}`).join(", ")}]`),
      "config: {}",
      "",
    ].join("\n");
    expect(carryConfigEntry(entry, bomb)).toMatchObject({ status: "refused", refusal: { why: "unreadable", error: expect.stringContaining("alias") } });
  });

  test("an edit that would read back as other data is never handed on", () => {
    // The entry's alias would point into the target's own config: — a cycle — so neither edit reads back as meant.
    const aliased = found("base: &c\n  x: 1\nconfig:\n  launch-ready:handover: *c\n");
    expect(aliased.value).toEqual({ x: 1 });
    expect(carryConfigEntry(aliased, "config: &c\n  launch-ready:environment: prod\n")).toEqual({ status: "refused", refusal: { why: "no-edit-fits" } });
    // An empty `config:` is a null, not a map: there is no line to edit and no map to set the entry in.
    expect(carryConfigEntry(entry, "config:\n")).toEqual({ status: "refused", refusal: { why: "no-edit-fits" } });
  });
});

describe("renderStackFileText", () => {
  const longKey = `v=DKIM1; k=rsa; p=${"A".repeat(200)}`;
  const text = renderStackFileText({
    config: {
      "launch-ready:environment": "production",
      "launch-ready:hosts": [
        { name: "www", target: "cname.vercel-dns.com" },
        { name: "api", target: "example-api.fly.dev", purpose: "api" },
      ],
      "launch-ready:records": [{ name: "mail._domainkey", type: "TXT", content: longKey }],
    },
    header: " first line\n second line",
    keyComments: { "launch-ready:hosts": " From the zone's A records.", "launch-ready:tls": " not in the config" },
    itemComments: [
      { key: "launch-ready:hosts", index: 1, comment: " Not in the zone file." },
      { key: "launch-ready:hosts", index: 9, comment: " no such item" },
    ],
  });

  test("writes the header, key and item comments where a reader meets them; short items on one line, long ones in block style, never folded", () => {
    expect(text).toBe(
      [
        "# first line",
        "# second line",
        "",
        "config:",
        "  launch-ready:environment: production",
        "  # From the zone's A records.",
        "  launch-ready:hosts:",
        "    - { name: www, target: cname.vercel-dns.com }",
        "    # Not in the zone file.",
        "    - { name: api, target: example-api.fly.dev, purpose: api }",
        "  launch-ready:records:",
        "    - name: mail._domainkey",
        "      type: TXT",
        `      content: ${longKey}`,
        "",
      ].join("\n"),
    );
  });

  test("reads back as the config it was given", () => {
    expect(parseStackFileText(text, "Pulumi.imported.yaml").config["launch-ready:records"]).toEqual([
      { name: "mail._domainkey", type: "TXT", content: longKey },
    ]);
  });
});

describe("parseStackFileText and prototype keys", () => {
  test("a __proto__ key of config: stays a key of the map, for the config reader to refuse, instead of becoming its prototype", () => {
    const text = ["config:", "  __proto__:", "    polluted: true", "  launch-ready:environment: production", ""].join("\n");
    const { config } = parseStackFileText(text, "Pulumi.evil.yaml");
    expect(Object.keys(config)).toEqual(["__proto__", "launch-ready:environment"]);
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect((config as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe("parseStackFileText and YAML that does not mean what it shows", () => {
  const read = (text: string) => parseStackFileText(text, "Pulumi.odd.yaml");
  /** Why the file is refused: the StackFileError it throws, or a failed expectation when it is read. */
  function refusal(text: string): StackFileError {
    try {
      read(text);
    } catch (error) {
      expect(error).toBeInstanceOf(StackFileError);
      return error as StackFileError;
    }
    throw new Error(`read, but should be refused:\n${text}`);
  }

  test("an alias bomb is refused before it expands, in one line naming the file", () => {
    const levels = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let level = 1; level <= 8; level++)
      levels.push(
        `l${level}: &l${level} [${Array(9)
          .fill(`*l${level - 1}`)
          .join(", ")}]`,
      );
    const error = refusal(`${levels.join("\n")}\nconfig:\n  launch-ready:hosts: *l8\n`);
    expect(error.message).toBe(
      "Pulumi.odd.yaml cannot be read: its aliases (*name) would copy anchored values more than 100 times, as a file built to exhaust memory does; write the values out instead",
    );
    expect(error.reason).toBe(error.message.slice("Pulumi.odd.yaml ".length));
  });

  test("a few aliases of a small value read as the value each time, as YAML means them", () => {
    const { config } = read("config:\n  launch-ready:tls: &tls { ssl: strict }\n  x:tls: *tls\n");
    expect(config).toEqual({ "launch-ready:tls": { ssl: "strict" }, "x:tls": { ssl: "strict" } });
  });

  test("values JSON cannot carry are refused at their key path and line, not changed on the way to the program", () => {
    const error = refusal(
      [
        "config:",
        "  launch-ready:hosts:",
        "    - { name: www, target: cname.vercel-dns.com, ttl: .nan }",
        "  launch-ready:edge: { cache: { edgeTtl: .inf } }",
        "  launch-ready:records: !!set { a, b }",
        "  launch-ready:secretValues: { KEY: !!binary aGVsbG8= }",
        "  launch-ready:loop: &loop [1, *loop]",
        "",
      ].join("\n"),
    );
    expect(error.message.split("\n")).toEqual([
      "Pulumi.odd.yaml holds values the program cannot be given as written (Pulumi hands config to it as JSON):",
      "  launch-ready:hosts[0].ttl (line 3) is .nan, a number JSON cannot carry; write a finite number",
      "  launch-ready:edge.cache.edgeTtl (line 4) is .inf, a number JSON cannot carry; write a finite number",
      "  launch-ready:records (line 5) is a set (!!set), which is not text, a number, true/false, a list or a map; write it as one of those",
      "  launch-ready:secretValues.KEY (line 6) is binary data (!!binary), which is not text, a number, true/false, a list or a map; write it as one of those",
      "  launch-ready:loop[1] (line 7) is an alias of a value it is itself inside, which would never end; write the value out",
    ]);
    expect(error.reason).toMatch(/^holds 5 values the program cannot be given as written \(launch-ready:hosts\[0\]\.ttl is \.nan, /);
  });

  test("-0 reads as the 0 the program is given", () => {
    expect(Object.is(read("config:\n  launch-ready:x: -0\n").config["launch-ready:x"], 0)).toBe(true);
  });

  test("a tag yaml does not know, or one that does not fit its value, is refused rather than dropped", () => {
    expect(refusal("config:\n  launch-ready:environment: !prod production\n").reason).toMatch(/^uses YAML that is not read as written \(Unresolved tag: !prod/);
    expect(refusal("config:\n  launch-ready:environment: !!int production\n").reason).toMatch(/^uses YAML that is not read as written \(/);
  });

  test("a key that is a list or a map is refused with its line, instead of becoming text", () => {
    expect(refusal("config:\n  launch-ready:environment: production\n  ? [launch-ready:hosts]\n  : []\n").reason).toBe(
      "has a key that is a list, a map or an alias (line 3); a key is plain text, such as launch-ready:hosts",
    );
  });

  test("text that is not YAML, or several documents, says so in one line; the message keeps every parser error with its lines", () => {
    const error = refusal("config:\n  launch-ready:hosts: [\n");
    expect(error.reason).toMatch(/^is not valid YAML \([^\n]+ at line \d+, column \d+\)$/);
    expect(error.message).toMatch(/^Pulumi\.odd\.yaml is not valid YAML:\n {2}/);
    expect(refusal("config: {}\n---\nconfig: {}\n").reason).toMatch(/^is not valid YAML \(Source contains multiple documents/);
  });
});

describe("siblingStackFiles", () => {
  test("reads every other stack file of the directory, and lists each one it cannot read with why, in one line", () => {
    const dir = scratchDir("launch-ready-siblings-");
    writeFileSync(join(dir, "Pulumi.prod.yaml"), "config:\n  launch-ready:environment: production\n");
    writeFileSync(join(dir, "Pulumi.staging.yaml"), "config:\n  launch-ready:environment: staging\n");
    writeFileSync(join(dir, "Pulumi.broken.yaml"), "config: [\n");
    const siblings = siblingStackFiles(dir, "prod");
    expect(siblings.map((file) => file.stack)).toEqual(["staging"]);
    expect(unreadableSiblings(siblings)).toEqual([{ path: join(dir, "Pulumi.broken.yaml"), why: expect.stringMatching(/^is not valid YAML \([^\n]+\)$/) }]);
    // A list of files given in code has none it could not read.
    expect(unreadableSiblings([...siblings])).toEqual([]);
  });
});
