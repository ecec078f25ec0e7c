/**
 * HANDOVER.md holds hand-written text and one generated section per stack, fenced by HTML
 * comments that Markdown viewers hide:
 *
 *   <!-- launch-ready:handover begin stack=prod outputs=deploy/prod-outputs.json -->
 *   ...generated...
 *   <!-- launch-ready:handover end stack=prod -->
 *
 * The begin marker records the outputs file the section was generated with, so `--check` can
 * regenerate it the same way. Everything outside the markers is left exactly as it is.
 *
 * A generated section never holds a comment opener of its own: a value from a stack file (a TXT
 * record, a description) that held a marker would otherwise close or open a section where none
 * is, and every later run would refuse the document. `withoutMarkers` escapes each `<!--` as
 * `&lt;!--`, which Markdown shows as the same characters.
 */

export class HandoverDocumentError extends Error {}

export interface HandoverSection {
  stack: string;
  /** The outputs file the section was generated with, relative to HANDOVER.md. */
  outputs?: string;
  /** The generated text between the markers. */
  body: string;
  /** Offsets of the whole section, markers included. */
  start: number;
  end: number;
}

/** The text with every HTML comment opener escaped, so nothing in it can be read as a marker (or hide what follows it). */
export function withoutMarkers(text: string): string {
  return text.replace(/<!--/g, "&lt;!--");
}

const MARKER = /<!-- launch-ready:handover (begin|end) stack=(\S+)(?: outputs=(\S+))? -->/g;

/** Percent-encoded, so a path with spaces or `-->` stays one token inside the comment. */
function beginMarker(stack: string, outputs?: string): string {
  return `<!-- launch-ready:handover begin stack=${stack}${outputs ? ` outputs=${outputs.split("/").map(encodeURIComponent).join("/")}` : ""} -->`;
}

function endMarker(stack: string): string {
  return `<!-- launch-ready:handover end stack=${stack} -->`;
}

/** The outputs path as `beginMarker` wrote it; a marker edited into encoding it never writes (`%E0%A4%A`) is an error naming the line. */
function decodedPath(encoded: string, line: number): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new HandoverDocumentError(`line ${line}: outputs=${JSON.stringify(encoded)} is not a percent-encoded path`);
  }
}

/** Every generated section in the document; markers that do not pair up are an error naming the line. */
export function handoverSections(text: string): HandoverSection[] {
  const sections: HandoverSection[] = [];
  let open: { stack: string; outputs?: string; start: number; bodyStart: number } | undefined;
  const line = (offset: number) => text.slice(0, offset).split("\n").length;
  for (const match of text.matchAll(MARKER)) {
    const [marker, kind, stack, outputs] = match;
    const at = match.index;
    if (kind === "begin") {
      if (open)
        throw new HandoverDocumentError(
          `line ${line(at)}: the section of stack ${open.stack} (line ${line(open.start)}) has no end marker before this one begins`,
        );
      if (sections.some((s) => s.stack === stack)) throw new HandoverDocumentError(`line ${line(at)}: stack ${stack} has a second section; keep one`);
      open = { stack, ...(outputs ? { outputs: decodedPath(outputs, line(at)) } : {}), start: at, bodyStart: at + marker.length };
    } else {
      if (!open || open.stack !== stack) throw new HandoverDocumentError(`line ${line(at)}: an end marker for stack ${stack} without its begin marker`);
      sections.push({
        stack,
        ...(open.outputs ? { outputs: open.outputs } : {}),
        body: text.slice(open.bodyStart, at).replace(/^\n/, ""),
        start: open.start,
        end: at + marker.length,
      });
      open = undefined;
    }
  }
  if (open) throw new HandoverDocumentError(`line ${line(open.start)}: the section of stack ${open.stack} has no end marker`);
  return sections;
}

/** The document with the stack's section replaced, or appended at the end when it has none. */
export function withSection(text: string, stack: string, body: string, outputs?: string): string {
  const section = `${beginMarker(stack, outputs)}\n${withoutMarkers(body)}${endMarker(stack)}`;
  const existing = handoverSections(text).find((s) => s.stack === stack);
  if (existing) return `${text.slice(0, existing.start)}${section}${text.slice(existing.end)}`;
  const separator = text === "" ? "" : text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
  return `${text}${separator}${section}\n`;
}

/** The first line where the committed section and a fresh one differ, for a stale `--check`. */
export function firstDifference(committed: string, fresh: string): { line: number; committed: string; fresh: string } | undefined {
  const a = committed.split("\n");
  const b = fresh.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return { line: i + 1, committed: a[i] ?? "(end of section)", fresh: b[i] ?? "(end of section)" };
  }
  return undefined;
}
