/**
 * The handover across a rollback: `launch-ready:handover` says who runs the stack, which is about
 * people, not what is deployed, so it is never rolled back: every version is checked and restored
 * with the working tree's. This is an edit of YAML text: only that entry's lines change, the rest
 * of the version's text stays byte for byte, and every result is parsed back and compared with
 * what was meant.
 */
import { isMap, isScalar, parseDocument, type Pair, type YAMLMap } from "yaml";
import { stableJson } from "./rollback-diff";

export const HANDOVER_KEY = "launch-ready:handover";

/** The working tree's `launch-ready:handover`, read once and carried into every version. */
export type WorkingHandover =
  | { status: "found"; text: string; pair: Pair; value: unknown }
  /** The working-tree file has none: each version keeps its own. */
  | { status: "none-in-working-tree" }
  /** The working-tree file is not YAML: each version is used as committed. */
  | { status: "working-tree-unreadable"; reason: string };

/** What happened to a version's `launch-ready:handover`. */
export type HandoverCarry =
  /** The working tree's value replaced the version's, was added to it, or was the same already. */
  | { status: "kept"; edit: "replaced" | "added" | "same" }
  | { status: "none-in-working-tree" }
  | { status: "working-tree-unreadable"; reason: string }
  /** The version is not YAML, or its config cannot take the value: it is used as committed. */
  | { status: "not-carried"; reason: string };

export function workingHandover(text: string): WorkingHandover {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) return { status: "working-tree-unreadable", reason: firstLine(doc.errors[0].message) };
  let root: unknown;
  try {
    root = doc.toJS();
  } catch (error) {
    return { status: "working-tree-unreadable", reason: firstLine((error as Error).message) };
  }
  const pair = handoverPair(doc.get("config", true));
  if (!pair) return { status: "none-in-working-tree" };
  return { status: "found", text, pair, value: configOf(root)?.[HANDOVER_KEY] ?? null };
}

/**
 * The version's text with the working tree's `launch-ready:handover` in it, replacing its own or
 * added at the end of `config:`. Only that entry's lines change: the rest of the version's text
 * (comments, order, layout) stays byte for byte. Where the layout does not allow a line edit (a
 * flow-style `config:`), the YAML document is edited and printed instead. Every result is parsed
 * back and compared with what was meant; a version that cannot take the value is left unchanged.
 */
export function carryHandover(working: WorkingHandover, targetText: string): { text: string; handover: HandoverCarry } {
  if (working.status !== "found") return { text: targetText, handover: working };
  const unchanged = (reason: string) => ({ text: targetText, handover: { status: "not-carried" as const, reason } });
  const doc = parseDocument(targetText, { uniqueKeys: true });
  if (doc.errors.length > 0) return unchanged(`it is not valid YAML (${firstLine(doc.errors[0].message)})`);
  let root: unknown;
  try {
    root = doc.toJS();
  } catch (error) {
    return unchanged(firstLine((error as Error).message));
  }
  if (!isRecord(root) || (root.config !== undefined && root.config !== null && !isRecord(root.config))) return unchanged('its "config:" is not a map');
  const config = doc.get("config", true);
  const own = handoverPair(config);
  if (own && stableJson(configOf(root)?.[HANDOVER_KEY] ?? null) === stableJson(working.value)) return { text: targetText, handover: { status: "kept", edit: "same" } };

  const edit = own ? "replaced" : "added";
  const expected = stableJson({ ...root, config: { ...(configOf(root) ?? {}), [HANDOVER_KEY]: working.value } });
  const means = (text: string | undefined): text is string => {
    if (text === undefined) return false;
    const back = parseDocument(text, { uniqueKeys: true });
    if (back.errors.length > 0) return false;
    try {
      return stableJson(back.toJS()) === expected;
    } catch {
      return false;
    }
  };
  const spliced = isMap(config) ? spliceHandover(working, targetText, config, own) : undefined;
  if (means(spliced)) return { text: spliced, handover: { status: "kept", edit } };
  try {
    const node = working.pair.value;
    doc.setIn(["config", HANDOVER_KEY], node !== null && typeof node === "object" && "clone" in node ? (node as { clone(): unknown }).clone() : node);
    const printed = String(doc);
    if (means(printed)) return { text: printed, handover: { status: "kept", edit } };
  } catch {
    // Falls through: the version is used as committed.
  }
  return unchanged("its config could not take the working tree's value");
}

/** What `--list` did with the handover: the same for every version. */
export type HistoryHandover = { status: "kept" } | Exclude<WorkingHandover, { status: "found" }>;

export function historyHandover(working: WorkingHandover): HistoryHandover {
  return working.status === "found" ? { status: "kept" } : working;
}

function handoverPair(config: unknown): Pair | undefined {
  if (!isMap(config)) return undefined;
  return (config as YAMLMap).items.find((pair) => isScalar(pair.key) && pair.key.value === HANDOVER_KEY);
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

function spliceHandover(working: Extract<WorkingHandover, { status: "found" }>, targetText: string, config: YAMLMap, own: Pair | undefined): string | undefined {
  const source = entryLines(working.text, working.pair);
  if (!source) return undefined;
  const newline = targetText.includes("\r\n") ? "\r\n" : "\n";
  const moved = (column: number) =>
    working.text
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

function shift(line: string, by: number): string {
  if (by >= 0) return " ".repeat(by) + line;
  const spaces = /^ */.exec(line)![0].length;
  return line.slice(Math.min(spaces, -by));
}

function configOf(root: unknown): Record<string, unknown> | undefined {
  return isRecord(root) && isRecord(root.config) ? root.config : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function firstLine(text: string): string {
  return text.split("\n")[0].replace(/:$/, "");
}
