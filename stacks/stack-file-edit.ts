/**
 * Writes and edits stack-file YAML (`stacks/Pulumi.<stack>.yaml`), beside ./stack-file.ts, which
 * reads it: a new file from a config with the comments a person needs, and one config entry
 * carried from one version's text into another's. An edit changes only that entry's lines, since
 * the rest of a file (comments, order, layout) is what a person wrote, and every edit is parsed
 * back and compared with what was meant before it is handed on.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from "yaml";
import { stableJson } from "../domain/stable-json";
import { isPlainObject } from "./stack-file";

// ---------------------------------------------------------------------------------------------
// A new stack file.

/** A stack file to write: its config and the comments that say where each part came from. */
export interface CommentedStackFile {
  /** The top-level `config:` map, as plain JSON values. */
  config: Record<string, unknown>;
  /** The comment above everything, one `#` line per line; each line's leading space is its own. */
  header: string;
  /** The comment above a config key, by key. */
  keyComments: Readonly<Record<string, string>>;
  /** The comment above one item of a config list (`launch-ready:hosts` item 2). */
  itemComments: ReadonlyArray<{ key: string; index: number; comment: string }>;
}

/** Short list items on one line, as the example stacks write hosts; long ones (DKIM keys) in block style. */
function flowShortItems(node: Node | null | undefined): void {
  if (!isSeq(node)) return;
  for (const item of node.items) if (isMap(item) && JSON.stringify(item.toJSON()).length <= 110) item.flow = true;
}

/** The text of a new stack file: the config as YAML with its comments, no line folded, so a long DKIM key stays one line to compare with the provider's. */
export function renderStackFileText(file: CommentedStackFile): string {
  const document = new Document({ config: file.config });
  document.commentBefore = file.header;
  const config = document.get("config", true);
  if (isMap(config)) {
    for (const pair of config.items) {
      const key = String((pair.key as { value?: unknown }).value);
      if (file.keyComments[key]) (pair.key as Node).commentBefore = file.keyComments[key];
      flowShortItems(pair.value as Node);
    }
  }
  for (const { key, index, comment } of file.itemComments) {
    const item = document.getIn(["config", key, index], true);
    if (item) (item as Node).commentBefore = comment;
  }
  return document.toString({ lineWidth: 0 });
}

// ---------------------------------------------------------------------------------------------
// One config entry carried from one version's text into another's.

/** A top-level config entry as read from a stack file's text: its value, and the lines it is written on there. */
export interface ConfigEntry {
  key: string;
  /** The value the program reads; null when the key has none. */
  value: unknown;
  /** The text it was read from, whose lines a carry copies. */
  text: string;
  /** The entry's node in that text. */
  pair: Pair;
}

/** A config entry looked up in a text: found, not there (or no `config:` map to hold it), or the text is not YAML (with the parser's first line). */
export type ConfigEntryRead = ({ status: "found" } & ConfigEntry) | { status: "absent" } | { status: "unreadable"; reason: string };

/** Why a text cannot take an entry; it is then left as it was. */
export type CarryRefusal =
  /** The text does not parse; `error` is the parser's first line. */
  | { why: "not-yaml"; error: string }
  /** It parses but cannot be read into values (e.g. too many aliases); `error` is the first line of what was thrown. */
  | { why: "unreadable"; error: string }
  | { why: "config-not-a-map" }
  /** Neither a line edit nor a document edit reads back as the entry in place. */
  | { why: "no-edit-fits" };

/** What carrying an entry into a text did: the entry replaced the text's own, was added, or was the same already. */
export type EntryCarry = { status: "carried"; edit: "replaced" | "added" | "same"; text: string } | { status: "refused"; refusal: CarryRefusal };

/** A text parsed the way every read here parses it (duplicate keys are errors), or the first line of why it cannot be. */
function readText(text: string): { document: Document.Parsed; root: unknown } | Extract<CarryRefusal, { error: string }> {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) return { why: "not-yaml", error: firstLine(document.errors[0].message) };
  try {
    return { document, root: document.toJS() };
  } catch (error) {
    return { why: "unreadable", error: firstLine((error as Error).message) };
  }
}

/** Reads the entry to carry; a `config:` that is not a map has none. */
export function readConfigEntry(text: string, key: string): ConfigEntryRead {
  const read = readText(text);
  if ("why" in read) return { status: "unreadable", reason: read.error };
  const pair = pairOf(read.document.get("config", true), key);
  if (!pair) return { status: "absent" };
  return { status: "found", key, value: configOf(read.root)?.[key] ?? null, text, pair };
}

/**
 * `targetText` with `entry` in its config, replacing its own or added at the end of `config:`.
 * Only that entry's lines change, re-indented to the target's; where the layout does not allow a
 * line edit (a flow-style `config:`), the YAML document is edited and printed instead. Whichever
 * edit is used must parse back to the target's data with the entry's value in it.
 */
export function carryConfigEntry(entry: ConfigEntry, targetText: string): EntryCarry {
  const refused = (refusal: CarryRefusal): EntryCarry => ({ status: "refused", refusal });
  const read = readText(targetText);
  if ("why" in read) return refused(read);
  const { document, root } = read;
  if (!isPlainObject(root) || (root.config !== undefined && root.config !== null && !isPlainObject(root.config))) return refused({ why: "config-not-a-map" });
  const config = document.get("config", true);
  const own = pairOf(config, entry.key);
  if (own && stableJson(configOf(root)?.[entry.key] ?? null) === stableJson(entry.value)) return { status: "carried", edit: "same", text: targetText };

  const edit = own ? "replaced" : "added";
  const expected = stableJson({ ...root, config: { ...(configOf(root) ?? {}), [entry.key]: entry.value } });
  const means = (text: string | undefined): text is string => {
    if (text === undefined) return false;
    const back = readText(text);
    try {
      return !("why" in back) && stableJson(back.root) === expected;
    } catch {
      return false; // An alias the edit moved into its own anchor reads back as a cycle.
    }
  };
  const spliced = isMap(config) ? spliceEntry(entry, targetText, config, own) : undefined;
  if (means(spliced)) return { status: "carried", edit, text: spliced };
  try {
    const node = entry.pair.value;
    document.setIn(["config", entry.key], node !== null && typeof node === "object" && "clone" in node ? (node as { clone(): unknown }).clone() : node);
    const printed = String(document);
    if (means(printed)) return { status: "carried", edit, text: printed };
  } catch {
    // Falls through: the text is left as it was.
  }
  return refused({ why: "no-edit-fits" });
}

/** The entry's node in a parsed `config:`; a `config:` that is not a map has none. */
function pairOf(config: unknown, key: string): Pair | undefined {
  if (!isMap(config)) return undefined;
  return (config as YAMLMap).items.find((pair) => isScalar(pair.key) && pair.key.value === key);
}

/** Where a block-style entry's lines are: from its key to the end of its value, trailing comment included. */
function entryLines(text: string, pair: Pair): { start: number; end: number; column: number } | undefined {
  const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
  if (!keyRange) return undefined;
  const start = keyRange[0];
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  if (!/^ *$/.test(text.slice(lineStart, start))) return undefined;
  const valueRange = (pair.value as { range?: [number, number, number] | null } | null)?.range;
  let end = valueRange ? valueRange[2] : keyRange[2];
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end, column: start - lineStart };
}

/** The line edit: the entry's lines from its own text in place of the target's entry, or after the target's last; undefined where either is not block style. */
function spliceEntry(entry: ConfigEntry, targetText: string, config: YAMLMap, own: Pair | undefined): string | undefined {
  const source = entryLines(entry.text, entry.pair);
  if (!source) return undefined;
  const newline = targetText.includes("\r\n") ? "\r\n" : "\n";
  const moved = (column: number) =>
    entry.text
      .slice(source.start, source.end)
      .replace(/\r\n/g, "\n")
      .split("\n")
      .map((line, index) => (index === 0 || line === "" ? line : shift(line, column - source.column)))
      .join(newline);
  if (own) {
    const place = entryLines(targetText, own);
    return place && targetText.slice(0, place.start) + moved(place.column) + targetText.slice(place.end);
  }
  const first = config.items[0] && entryLines(targetText, config.items[0]);
  const last = config.items.length > 0 ? entryLines(targetText, config.items[config.items.length - 1]) : undefined;
  if (!first || !last) return undefined;
  return targetText.slice(0, last.end) + newline + " ".repeat(first.column) + moved(first.column) + targetText.slice(last.end);
}

/** A line indented `by` more columns (fewer when negative, never past its own spaces). */
function shift(line: string, by: number): string {
  if (by >= 0) return " ".repeat(by) + line;
  const spaces = /^ */.exec(line)![0].length;
  return line.slice(Math.min(spaces, -by));
}

/** The `config:` map of a parsed file, if it has one. */
function configOf(root: unknown): Record<string, unknown> | undefined {
  return isPlainObject(root) && isPlainObject(root.config) ? root.config : undefined;
}

/** An error's first line, without the colon before yaml's code excerpt. */
function firstLine(text: string): string {
  return text.split("\n")[0].replace(/:$/, "");
}
