/**
 * A verb is `run(argv, io) -> exit code`: everything it prints goes through `io`, and it never
 * calls `process.exit`, so a test calls it in-process exactly as a person's shell does through
 * its entry file. Only `runEntry` (the entry files' one line) touches the real process.
 */
import type { ConfigProblem } from "../../stacks/config-problems";

/** Where a verb writes, what it reads of its environment, and where relative paths start. */
export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where a verb that asks questions reads the answers, one a line; absent where nobody can answer. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export type Verb = (argv: string[], io: Io) => Promise<number>;

/**
 * A verb stops here with this exit code: usage errors, refused config, `--help`. Thrown, not
 * returned, so a check deep in argument parsing ends the verb in one place; `runVerb` turns it
 * into the exit code and the message on stderr (as `{"error", "problems"}` under `--json`).
 */
export class CliExit extends Error {
  constructor(
    public readonly code: number,
    message: string,
    public readonly json = false,
    public readonly problems: ConfigProblem[] = [],
    public readonly text = message,
  ) {
    super(message);
  }
}

/**
 * `text` as a terminal may show it: every control character but line breaks and tabs (C0, DEL and
 * C1, where U+009B alone starts an escape sequence on terminals that read C1 in UTF-8) written as
 * `\xNN`. For text from outside the kit (a server's headers and bodies) printed for a person.
 */
export function terminalSafe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** Ends the verb with `code`, reporting `message` on stderr; `text` is the human form when it differs. */
export function fail(code: number, json: boolean, message: string, problems: ConfigProblem[] = [], text = message): never {
  throw new CliExit(code, message, json, problems, text);
}

/** The real process as a verb's io. */
function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    // Read on first use: Node opens the stream when asked for it, and only init asks.
    get stdin() {
      return process.stdin;
    },
  };
}

/**
 * Runs a verb to its exit code. A `CliExit` reports its message; anything else thrown is a
 * failure of the verb itself, reported as `<failedAs>: message` with `failureCode`.
 */
export async function runVerb(verb: Verb, argv: string[], io: Io, failedAs: string, failureCode: number): Promise<number> {
  try {
    return await verb(argv, io);
  } catch (error) {
    if (error instanceof CliExit) {
      if (error.code !== 0 || error.message) {
        io.stderr.write(error.json ? `${JSON.stringify({ error: error.message, problems: error.problems }, null, 2)}\n` : `${error.text}\n`);
      }
      return error.code;
    }
    const message = `${failedAs}: ${(error as Error)?.message ?? String(error)}`;
    // Under --json even a failure nobody foresaw is one JSON object, as a machine reading stderr expects.
    io.stderr.write(argv.includes("--json") ? `${JSON.stringify({ error: message }, null, 2)}\n` : `${message}\n`);
    return failureCode;
  }
}

/**
 * The whole of an entry file: run the verb on this process's arguments and exit with its code
 * once stdout has drained, so piped output is never cut short.
 */
export function runEntry(verb: Verb, failedAs: string, failureCode: number): void {
  let settled = false;
  // A verb whose work never settles (a socket nobody closes, a promise nobody resolves) would let
  // Node exit 0 with nothing printed once the event loop empties: that must read as a failure.
  process.once("beforeExit", () => {
    if (settled) return;
    process.stderr.write(`${failedAs}: it stopped before everything it started had settled\n`);
    process.exit(failureCode);
  });
  void runVerb(verb, process.argv.slice(2), processIo(), failedAs, failureCode).then((code) => {
    settled = true;
    process.exitCode = code;
    process.stdout.write("", () => process.exit(code));
  });
}
