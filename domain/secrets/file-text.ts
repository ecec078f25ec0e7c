/**
 * A file's bytes as the text the detector reads, chunk by chunk so a file of any size streams
 * through: UTF-8, UTF-16 (what Windows PowerShell 5.1 writes with `>`, `Out-File` and
 * `Set-Content -Encoding Unicode`), or, for a binary, its printable characters in place. Every
 * form keeps the file's lines, so a finding's line is the one an editor or `grep -n` shows.
 */

export type FileEncoding = "utf-8" | "utf-16le" | "utf-16be" | "binary";

/** As git decides a file is binary: a NUL in its first 8,000 bytes. */
export const SNIFF_BYTES = 8000;

/**
 * The encoding of a file starting with `head` (its first SNIFF_BYTES or fewer): a byte order
 * mark says; without one, UTF-16 holding mostly ASCII has a NUL in every other byte and none in
 * the others; any other NUL makes it binary, as git has it.
 */
export function sniffEncoding(head: Uint8Array): FileEncoding {
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  if (!head.includes(0)) return "utf-8";
  const units = Math.floor(head.length / 2);
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < units * 2; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  if (evenNul === 0 && oddNul >= units / 2) return "utf-16le";
  if (oddNul === 0 && evenNul >= units / 2) return "utf-16be";
  return "binary";
}

export interface FileTextDecoder {
  /** The text of the next bytes; what a character split at the chunk's end needs waits for the next call. */
  write(bytes: Uint8Array): string;
  /** The text still held back. */
  end(): string;
}

export function fileTextDecoder(encoding: FileEncoding): FileTextDecoder {
  if (encoding === "binary") return new PrintableText();
  const decoder = new TextDecoder(encoding);
  return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
}

/** Anything but printable ASCII and the line breaks and tabs between it. */
const NOT_PRINTABLE = /[^\t\n\r\x20-\x7e]/g;
/** Four or more printable characters each followed by a NUL: a string stored as UTF-16LE (.NET, Windows resources). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the NUL after each character is what marks UTF-16.
const UTF16_RUN = /(?:[\x20-\x7e]\x00){4,}/g;
/** How much of a chunk's end waits for the next when it could be the start of a UTF-16 string. */
const HOLD_BACK = 4096;

/**
 * A binary's bytes one character each, every byte that is not printable ASCII (a NUL, a control
 * byte, a byte of UTF-8 or of compressed data) a space, and each UTF-16LE string's characters
 * moved together (padded with as many spaces): the strings `strings -el` and `strings` would
 * print, at the offsets and on the lines they have in the file.
 */
class PrintableText implements FileTextDecoder {
  private held = "";

  write(bytes: Uint8Array): string {
    const text = this.held + Buffer.from(bytes).toString("latin1");
    // Cut after a byte that cannot be in a UTF-16 string, so none is split between two chunks.
    const floor = Math.max(0, text.length - HOLD_BACK);
    let cut = floor;
    for (let i = text.length - 1; i >= floor; i--) {
      const code = text.charCodeAt(i);
      if (code !== 0 && (code < 0x20 || code > 0x7e)) {
        cut = i + 1;
        break;
      }
    }
    this.held = text.slice(cut);
    return printable(text.slice(0, cut));
  }

  end(): string {
    const rest = this.held;
    this.held = "";
    return printable(rest);
  }
}

function printable(latin1: string): string {
  return latin1
    .replace(UTF16_RUN, (run) => {
      const chars = run.replaceAll("\0", "");
      return chars + " ".repeat(run.length - chars.length);
    })
    .replace(NOT_PRINTABLE, " ");
}
