/**
 * The handover across a rollback: `launch-ready:handover` says who runs the stack, which is about
 * people, not what is deployed, so it is never rolled back: every version is checked and restored
 * with the working tree's. The edit is the stack file's own (stacks/stack-file-edit.ts): only
 * that entry's lines change, the rest of the version's text stays byte for byte, and every result
 * is parsed back and compared with what was meant. What is the rollback's is here: which entry,
 * and what happened to it, in the words its notes use.
 */
import { carryConfigEntry, readConfigEntry, type CarryRefusal, type ConfigEntry } from "../../stacks/stack-file-edit";

export const HANDOVER_KEY = "launch-ready:handover";

/** The working tree's `launch-ready:handover`, read once and carried into every version. */
export type WorkingHandover =
  | ({ status: "found" } & ConfigEntry)
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

/** Read from the working-tree file once, since every version is checked and restored with the same one. */
export function workingHandover(text: string): WorkingHandover {
  const read = readConfigEntry(text, HANDOVER_KEY);
  if (read.status === "absent") return { status: "none-in-working-tree" };
  if (read.status === "unreadable") return { status: "working-tree-unreadable", reason: read.reason };
  return read;
}

/**
 * The version's text with the working tree's `launch-ready:handover` in it, replacing its own or
 * added at the end of `config:`, the rest byte for byte; a version that cannot take the value is
 * left unchanged, and the handover says why.
 */
export function carryHandover(working: WorkingHandover, targetText: string): { text: string; handover: HandoverCarry } {
  if (working.status !== "found") return { text: targetText, handover: working };
  const carry = carryConfigEntry(working, targetText);
  if (carry.status === "carried") return { text: carry.text, handover: { status: "kept", edit: carry.edit } };
  return { text: targetText, handover: { status: "not-carried", reason: notCarriedReason(carry.refusal) } };
}

/** Why a version is used as committed, as the rollback's notes word it after "could not be carried … (". */
function notCarriedReason(refusal: CarryRefusal): string {
  switch (refusal.why) {
    case "not-yaml":
      return `it is not valid YAML (${refusal.error})`;
    case "unreadable":
      return refusal.error;
    case "config-not-a-map":
      return 'its "config:" is not a map';
    case "no-edit-fits":
      return "its config could not take the working tree's value";
  }
}

/** What `--list` did with the handover: the same for every version. */
export type HistoryHandover = { status: "kept" } | Exclude<WorkingHandover, { status: "found" }>;

/** The one note `--list` gives for all versions, as the working tree's handover is carried into each alike. */
export function historyHandover(working: WorkingHandover): HistoryHandover {
  return working.status === "found" ? { status: "kept" } : working;
}
