/**
 * Questions on a terminal: each question written out, each answer one line of input. Lines are
 * read through readline's iterator, which keeps lines that arrive before the question is asked
 * (typed ahead, or piped in by a test), where `question()` would drop them.
 */
import { createInterface } from "node:readline/promises";

export interface Prompter {
  /** The next line, trimmed; undefined once the input has ended. */
  ask(question: string): Promise<string | undefined>;
  close(): void;
}

export function linePrompter(input: NodeJS.ReadableStream, output: { write(text: string): unknown }): Prompter {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  const next = lines[Symbol.asyncIterator]();
  return {
    async ask(question) {
      output.write(question);
      const line = await next.next();
      return line.done ? undefined : String(line.value).trim();
    },
    close: () => lines.close(),
  };
}
