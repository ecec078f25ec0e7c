/**
 * Mutated stack files never crash the config reader or the plan, never hang them, and are never
 * planned as something other than what they say. Each mutant is an example stack file with one to
 * three random edits: a value of another type, a key dropped, duplicated or renamed (prototype
 * names included), extreme numbers, odd strings in names and targets, and YAML's own features
 * (anchors and aliases, merge keys, tags, several documents, deep nesting, alias bombs). The
 * generator is seeded, so a failure names its seed and mutant and replays exactly.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { domainToUnicode } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { afterAll, describe, expect, test, vi } from "vitest";
import { isAlias, isMap, isScalar, isSeq, parse, parseDocument, Scalar, type Document, type Node } from "yaml";
import { plan as planVerb } from "../scripts/commands/plan";
import type { PlanReport } from "../scripts/plan/plan-report";
import { DNS_RECORD } from "../domain/resource-types";
import { stackFilePath } from "../stacks/project";
import { parseStackConfig, type LaunchReadyConfig } from "../stacks/stack-config";
import { parseStackFileText, SECRET_PLACEHOLDER, StackFileError } from "../stacks/stack-file";
import { EXAMPLE_STACKS, FIXTURE_PROJECT, runInProcess, scratchProject } from "./helpers";

const SEED = 0x19_0009;
/** Enough to meet every kind of edit many times over; the reader takes a few milliseconds a file. */
const READER_MUTANTS = 300;
/** A plan costs many reads, so a handful of mutants go all the way through it. */
const PLAN_MUTANTS = 10;

/** mulberry32: small, fast and the same on every machine. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    below: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}
type Random = ReturnType<typeof generator>;

const ORIGINALS = Object.fromEntries(EXAMPLE_STACKS.map((stack) => [stack, readFileSync(stackFilePath(FIXTURE_PROJECT, stack), "utf8")]));

const ODD_STRINGS = [
  "",
  " ",
  " www ",
  "bücher",
  "ｗｗｗ",
  "例え",
  "аpp", // Cyrillic a
  "ap\u00adi", // soft hyphen, which IDNA drops
  "a\u200bpi", // zero-width space
  "e\u0301", // combining accent
  "nul\u0000l",
  "tab\there",
  "line\nbreak",
  "\u001b[31mred",
  "del\u007f",
  "www/evil",
  "api?x=1",
  "api#frag",
  "user@api",
  "api:8443",
  "a\\b",
  "%41pi",
  "https://api.example.com",
  "api..example.com",
  "-api",
  "api-",
  "*",
  "*.example.com",
  "x".repeat(70),
  `${"a.".repeat(130)}com`,
  "127.1",
  "0x7f.0.0.1",
  "010.0.0.1",
  "256.1.1.1",
  "1.1",
  "[::1]",
  "::ffff:127.0.0.1",
  "fe80::1%eth0",
  "2001:DB8::10",
  "203.0.113.10",
  "localhost",
  "true",
  "null",
  "~",
  "0",
  "__proto__",
];
const ODD_NUMBERS = [0, -1, -0, 1.5, 2 ** 31, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE, 1e21, Infinity, -Infinity, Number.NaN];
const NUMBERISH_TEXT = ["NaN", "Infinity", "1e309", "-0", "0x10", "0o17", "1_000", "1e3", ".5", "+1", " 42 "];
const ODD_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "<<", "", " ", "launch-ready:", ":", "a.b", "x[0]"];
const TAGS = ["!!binary", "!!set", "!!omap", "!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!foo", "!<tag:example.com,2026:x>"];

type Anchorable = Parameters<Document["createAlias"]>[0];

/** The document as text, even where an edit left an alias before its anchor: the reader must refuse that. */
function printed(document: Document): string {
  return document.toString({ verifyAliasOrder: false });
}

/** Every node of the document below `config:` with its path, parents before children. */
function nodes(document: Document): Array<{ path: Array<string | number>; node: Node }> {
  const found: Array<{ path: Array<string | number>; node: Node }> = [];
  const walk = (node: unknown, path: Array<string | number>) => {
    if (!node || typeof node !== "object") return;
    found.push({ path, node: node as Node });
    if (isMap(node)) for (const pair of node.items) walk(pair.value, [...path, String((pair.key as Scalar | null)?.value)]);
    else if (isSeq(node)) node.items.forEach((item, index) => walk(item, [...path, index]));
  };
  walk(document.get("config", true), ["config"]);
  return found;
}

/** A value of some type for a retyped node: text, a number, true/false, null, a list or a map. */
function anyValue(random: Random): unknown {
  switch (random.below(7)) {
    case 0:
      return random.pick(ODD_STRINGS);
    case 1:
      return random.pick(ODD_NUMBERS);
    case 2:
      return random.pick(NUMBERISH_TEXT);
    case 3:
      return random.chance(0.5);
    case 4:
      return null;
    case 5:
      return random.chance(0.5) ? [] : [random.pick(ODD_STRINGS), random.pick(ODD_NUMBERS)];
    default:
      return random.chance(0.5) ? {} : { [random.pick(ODD_KEYS)]: random.pick(ODD_STRINGS) };
  }
}

/** Deeply nested flow lists: a parser or a reader that recurses per level must not fall over. */
function nested(depth: number): string {
  return `${"[".repeat(depth)}1${"]".repeat(depth)}`;
}

/** Anchors b0 to b8, each nine aliases of the one before: 2 * 9^8 values once expanded. */
function aliasBomb(): string {
  const lines = ["b0: &b0 [lol, lol]"];
  for (let level = 1; level <= 8; level++)
    lines.push(
      `b${level}: &b${level} [${Array(9)
        .fill(`*b${level - 1}`)
        .join(",")}]`,
    );
  return lines.join("\n");
}

/**
 * An edit of the document (returns undefined) or of its text (returns the new text, from the
 * document as it is). `weight`: how often it is picked against the others; edits that always end
 * in a refusal need fewer samples than those that may leave a file the reader accepts.
 */
type Edit = { name: string; weight: number; apply(document: Document, random: Random): string | undefined };

const EDITS: Edit[] = [
  {
    name: "retype a value",
    weight: 2,
    apply(document, random) {
      const { path } = random.pick(nodes(document).slice(1));
      document.setIn(path, document.createNode(anyValue(random)));
      return undefined;
    },
  },
  {
    name: "odd string in a name or target",
    weight: 4,
    apply(document, random) {
      const names = nodes(document).filter(({ path, node }) => isScalar(node) && /^(name|target|domain|host|to|url|zoneId)$/.test(String(path.at(-1))));
      const { path } = random.pick(names.length > 0 ? names : nodes(document).slice(1));
      document.setIn(path, random.pick(ODD_STRINGS));
      return undefined;
    },
  },
  {
    name: "extreme number",
    weight: 2,
    apply(document, random) {
      const numbers = nodes(document).filter(({ node }) => isScalar(node) && typeof node.value === "number");
      const { path } = random.pick(numbers.length > 0 ? numbers : nodes(document).slice(1));
      document.setIn(path, random.chance(0.6) ? random.pick(ODD_NUMBERS) : random.pick(NUMBERISH_TEXT));
      return undefined;
    },
  },
  {
    name: "drop a key or an item",
    weight: 1,
    apply(document, random) {
      const { path } = random.pick(nodes(document).slice(1));
      document.deleteIn(path);
      return undefined;
    },
  },
  {
    name: "rename a key",
    weight: 2,
    apply(document, random) {
      const maps = nodes(document).filter(({ node }) => isMap(node) && node.items.length > 0);
      const { node } = random.pick(maps);
      if (!isMap(node)) return undefined;
      const pair = random.pick(node.items);
      const key = String((pair.key as Scalar).value);
      const renamed = random.pick([...ODD_KEYS, key.toUpperCase(), `${key} `, key.replace(/^launch-ready:/, ""), key.slice(0, -1), `${key}s`]);
      pair.key = new Scalar(renamed);
      return undefined;
    },
  },
  {
    name: "duplicate an item",
    weight: 1,
    apply(document, random) {
      const lists = nodes(document).filter(({ node }) => isSeq(node) && node.items.length > 0);
      if (lists.length === 0) return undefined;
      const { node } = random.pick(lists);
      if (isSeq(node)) node.items.push((random.pick(node.items) as Node).clone());
      return undefined;
    },
  },
  {
    name: "duplicate a key line",
    weight: 1,
    apply(document, random) {
      const lines = printed(document).split("\n");
      const keyed = lines.flatMap((line, index) => (/^\s+[\w-]+(:[\w-]+)?:\s\S/.test(line) ? [index] : []));
      if (keyed.length === 0) return undefined;
      const at = random.pick(keyed);
      lines.splice(at, 0, lines[at]);
      return lines.join("\n");
    },
  },
  {
    name: "anchor a value and alias it elsewhere",
    weight: 2,
    apply(document, random) {
      const all = nodes(document).slice(1);
      const from = random.below(all.length);
      const to = Math.min(all.length - 1, from + 1 + random.below(all.length));
      if (all[to].path.length <= 1 || all[to].path.join().startsWith(all[from].path.join())) return undefined;
      const alias = document.createAlias(all[from].node as Anchorable, `a${from}`);
      document.setIn(all[to].path, alias);
      return undefined;
    },
  },
  {
    // YAML 1.2 has no merge keys, so `<<` reads as a key of its own, which the config reader refuses.
    name: "merge key",
    weight: 1,
    apply(document, random) {
      const maps = nodes(document).filter(({ node }) => isMap(node) && node.items.length > 0);
      if (maps.length < 2) return undefined;
      const source = random.below(maps.length - 1);
      const target = source + 1 + random.below(maps.length - source - 1);
      const into = maps[target].node;
      if (!isMap(into) || maps[target].path.join().startsWith(maps[source].path.join())) return undefined;
      into.items.unshift(document.createPair("<<", document.createAlias(maps[source].node as Anchorable, `m${source}`)));
      return undefined;
    },
  },
  {
    name: "tag a value",
    weight: 2,
    apply(document, random) {
      const { node } = random.pick(nodes(document).slice(1));
      if (!isAlias(node)) node.tag = random.pick(TAGS);
      return undefined;
    },
  },
  {
    name: "a second document",
    weight: 0.5,
    apply(document, random) {
      return `${printed(document)}---\n${random.chance(0.5) ? "config: {}" : "[1, 2]"}\n`;
    },
  },
  {
    name: "deep nesting",
    weight: 0.5,
    apply(document, random) {
      const { path } = random.pick(nodes(document).slice(1));
      const depth = random.pick([40, 400, 4000]);
      const placeholder = `NESTED_${depth}`;
      document.setIn(path, placeholder);
      return printed(document).replace(placeholder, nested(depth));
    },
  },
  {
    name: "alias bomb",
    weight: 0.5,
    apply(document, random) {
      const { path } = random.pick(nodes(document).slice(1));
      document.setIn(path, "BOMB_HERE");
      return `${aliasBomb()}\n${printed(document).replace("BOMB_HERE", "*b8")}`;
    },
  },
  {
    name: "alias inside its own anchor",
    weight: 0.5,
    apply(document) {
      return printed(document).replace(/^config:\n/m, "config:\n  launch-ready:loop: &loop [1, *loop]\n");
    },
  },
  {
    name: "a list as a key",
    weight: 0.5,
    apply(document) {
      return printed(document).replace(/^config:\n/m, "config:\n  ? [launch-ready:hosts]\n  : 1\n");
    },
  },
  {
    name: "line endings and byte order mark",
    weight: 1,
    apply(document, random) {
      const text = printed(document);
      return random.chance(0.5) ? `\uFEFF${text}` : text.replace(/\n/g, "\r\n");
    },
  },
];

interface Mutant {
  id: string;
  stack: (typeof EXAMPLE_STACKS)[number];
  edits: string[];
  text: string;
}

const DOCUMENTS = Object.fromEntries(EXAMPLE_STACKS.map((stack) => [stack, parseDocument(ORIGINALS[stack])]));
const TOTAL_WEIGHT = EDITS.reduce((sum, edit) => sum + edit.weight, 0);

function pickEdit(random: Random): Edit {
  let left = random.below(TOTAL_WEIGHT * 2) / 2;
  return EDITS.find((edit) => (left -= edit.weight) < 0) ?? EDITS[0];
}

function mutant(random: Random, index: number): Mutant {
  const stack = random.pick(EXAMPLE_STACKS);
  const document = DOCUMENTS[stack].clone();
  const edits: string[] = [];
  let text: string | undefined;
  for (let count = 1 + random.below(3); count > 0 && text === undefined; count--) {
    const edit = pickEdit(random);
    edits.push(edit.name);
    text = edit.apply(document, random);
  }
  return { id: `seed ${SEED}, mutant ${index} (${stack}: ${edits.join(", ")})`, stack, edits, text: text ?? printed(document) };
}

/** The name a host or domain written as `written` must be planned as: case and IDN aside, what the file says. */
function expectedName(written: string, zone: string): string {
  const raw = written.trim().replace(/\.$/, "");
  if (raw === "@") return zone;
  const lower = raw.normalize("NFKC").toLowerCase();
  return lower === zone || lower.endsWith(`.${zone}`) || zone === "" ? lower : `${lower}.${zone}`;
}

/** The same name, written back in Unicode so an IDN compares with what the file says. */
function unicodeName(ascii: string): string {
  return domainToUnicode(ascii).normalize("NFKC");
}

/** An IPv6 address as its sixteen bytes in hex, so two spellings of one address compare equal. */
function ipv6Bytes(address: string): string {
  return new URL(`http://[${address}]/`).hostname;
}

function sameTarget(written: string, planned: { type: string; content: string }): boolean {
  const raw = written.trim();
  if (planned.type === "A") return planned.content === raw;
  if (planned.type === "AAAA") return ipv6Bytes(planned.content) === ipv6Bytes(raw);
  return unicodeName(planned.content) === expectedName(raw, "");
}

/** A value as the stack file reader gives it: each `secure:` map read as the placeholder, -0 as the 0 JSON writes. */
function placeholders(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(placeholders);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === "secure") return SECRET_PLACEHOLDER;
  return Object.fromEntries(entries.map(([key, inner]) => [key, placeholders(inner)]));
}

/** What the file says, as YAML reads it; compared with what the reader read and the config it accepted. */
function checkAccepted(read: Record<string, unknown>, config: LaunchReadyConfig, text: string, id: string): void {
  const said = (parse(text) as { config: Record<string, any> }).config;
  expect(isDeepStrictEqual(read, placeholders(said)), `${id}: read otherwise than YAML reads it`).toBe(true);
  expect(config.environment, id).toBe(said["launch-ready:environment"]);
  const zone = said["launch-ready:zone"];
  expect(unicodeName(config.zone.domain), id).toBe(expectedName(zone.domain, ""));
  expect([config.zone.zoneId, config.zone.accountId, config.zone.plan], id).toEqual([zone.zoneId, zone.accountId, zone.plan]);
  const hosts = (said["launch-ready:hosts"] ?? []) as Array<Record<string, any>>;
  expect(config.hosts.length, id).toBe(hosts.length);
  config.hosts.forEach((host, index) => {
    const written = hosts[index];
    expect(host.index, id).toBe(index);
    expect(host.name, id).toBe(written.name);
    expect(unicodeName(host.fqdn), id).toBe(expectedName(written.name, unicodeName(config.zone.domain)));
    expect(host.purpose, id).toBe(written.purpose);
    if (typeof written.proxied === "boolean") expect(host.proxied, id).toBe(written.proxied);
    if (written.ttl !== undefined) expect(host.ttl, id).toBe(written.ttl);
    const targets = [written.target].flat() as string[];
    expect(host.records.length, id).toBe(targets.length);
    host.records.forEach((record, position) => expect(sameTarget(targets[position], record), `${id}: ${targets[position]} as ${record.content}`).toBe(true));
  });
  const endpoints = (said["launch-ready:edge"]?.endpoints ?? []) as Array<Record<string, any>>;
  expect(config.edge.endpoints.length, id).toBe(endpoints.length);
  config.edge.endpoints.forEach((endpoint, index) => {
    const written = endpoints[index];
    if ("requests" in endpoint && written.requests !== undefined) expect(endpoint.requests, id).toBe(written.requests);
    if ("path" in endpoint && written.path !== undefined) expect(endpoint.path, id).toBe(written.path);
  });
}

/** The exit the reader gives a text: 0 accepted (its config checked against the text), 2 refused with reasons. */
function readMutant(m: Mutant): 0 | 2 {
  let config: Record<string, unknown>;
  try {
    config = parseStackFileText(m.text, `/stacks/Pulumi.${m.stack}.yaml`).config;
  } catch (error) {
    expect(error, `${m.id}: threw ${String(error)}`).toBeInstanceOf(StackFileError);
    expect((error as StackFileError).message, m.id).toMatch(/^\/stacks\/Pulumi\.\w+\.yaml \S/);
    expect((error as StackFileError).reason, m.id).not.toContain("\n");
    return 2;
  }
  // The program is given the config as JSON: it must be what the bar reads from the file.
  // (Compared by prototype and Object.is: a key named constructor would fool toStrictEqual.)
  expect(isDeepStrictEqual(JSON.parse(JSON.stringify(config)), config), `${m.id}: not JSON as read`).toBe(true);
  const parsed = parseStackConfig(config);
  if (!parsed.ok) {
    expect(parsed.problems.length, m.id).toBeGreaterThan(0);
    for (const problem of parsed.problems) {
      expect(problem.path.trim(), `${m.id}: ${JSON.stringify(problem)}`).not.toBe("");
      expect(problem.message, m.id).not.toBe("");
    }
    return 2;
  }
  checkAccepted(config, parsed.config, m.text, m.id);
  return 0;
}

describe(`mutated stack files (seed ${SEED})`, () => {
  const random = generator(SEED);
  const all = Array.from({ length: READER_MUTANTS }, (_, index) => mutant(random, index));
  const exits = new Map<Mutant, 0 | 2>();
  const exitOf = (m: Mutant): 0 | 2 => exits.get(m) ?? exits.set(m, readMutant(m)).get(m)!;
  const warnings = vi.spyOn(process, "emitWarning");
  afterAll(() => warnings.mockRestore());

  test(`the reader accepts ${READER_MUTANTS} mutants as written or refuses them with reasons, and nothing else`, () => {
    const accepted = all.filter((m) => exitOf(m) === 0).length;
    // Both outcomes and every kind of edit were met, so the run proves something of each.
    expect(accepted, `seed ${SEED}`).toBeGreaterThan(READER_MUTANTS / 20);
    expect(READER_MUTANTS - accepted, `seed ${SEED}`).toBeGreaterThan(READER_MUTANTS / 4);
    expect(new Set(all.flatMap((m) => m.edits)), `seed ${SEED}`).toEqual(new Set(EDITS.map((edit) => edit.name)));
    // A map key that is a list would have been turned into text with a process warning.
    expect(warnings, `seed ${SEED}`).not.toHaveBeenCalled();
  });

  test(`the offline plan of ${PLAN_MUTANTS} of them ends 0, 1 or 2 with a report or reasons, never a crash`, async () => {
    // Mostly mutants the reader accepts, since the plan proves more of a file it gets to plan.
    const accepted = all.filter((m) => exitOf(m) === 0);
    const refused = all.filter((m) => exitOf(m) === 2);
    const chosen = [...accepted.slice(0, PLAN_MUTANTS - 3), ...refused.slice(0, 3)];
    expect(chosen.length, `seed ${SEED}`).toBe(PLAN_MUTANTS);
    const project = scratchProject();
    const codes: number[] = [];
    for (const m of chosen) {
      const path = stackFilePath(project, m.stack);
      const original = readFileSync(path, "utf8");
      writeFileSync(path, m.text);
      const { code, stdout, stderr } = await runInProcess(planVerb, ["--stack", m.stack, "--json"], {
        cwd: project.dir,
        env: { ...process.env, LAUNCH_READY_STACKS_DIR: project.stacksDir },
        failedAs: "The program failed while planning",
      });
      writeFileSync(path, original);
      codes.push(code);
      expect(stderr, m.id).not.toMatch(/The program failed|^\s+at /m);
      // What the reader refuses, the plan refuses too; what it accepts may still share a zone wrongly.
      if (exitOf(m) === 2) expect(code, m.id).toBe(2);
      if (code === 2) {
        const refusal = JSON.parse(stderr) as { error: string; problems: Array<{ path: string }> };
        expect(refusal.error, m.id).not.toBe("");
        for (const problem of refusal.problems) expect(problem.path, m.id).not.toBe("");
        continue;
      }
      expect([0, 1], `${m.id}: ${stderr}`).toContain(code);
      plannedAsWritten(JSON.parse(stdout) as PlanReport, m);
    }
    expect(codes, `seed ${SEED}`).toContain(0);
    expect(codes, `seed ${SEED}`).toContain(2);
  });
});

/** Every host's target is planned as a record of exactly the name and value the file gives. */
function plannedAsWritten(report: PlanReport, m: Mutant): void {
  const said = (parse(m.text) as { config: Record<string, any> }).config;
  const zone = unicodeName(report.summary.zone);
  const records = report.resources.filter((r) => r.type === DNS_RECORD).map((r) => r.inputs as { name: string; type: string; content: string });
  for (const host of (said["launch-ready:hosts"] ?? []) as Array<{ name: string; target: string | string[] }>) {
    const fqdn = expectedName(host.name, zone);
    for (const target of [host.target].flat()) {
      const planned = records.filter((r) => unicodeName(r.name) === fqdn && ["A", "AAAA", "CNAME"].includes(r.type));
      expect(
        planned.some((record) => sameTarget(target, record)),
        `${m.id}: ${fqdn} → ${target}`,
      ).toBe(true);
    }
  }
}
