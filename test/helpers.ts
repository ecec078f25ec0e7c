import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { DIST_STATUS_ENV } from "./build-dist";
import { runVerb, type Io, type Verb } from "../scripts/cli/io";
import { parseStackConfig, type LaunchReadyConfig } from "../stacks/stack-config";
import { type PulumiProject, requireProject, stackFilePath } from "../stacks/project";
import { readStackFile, type StackFile } from "../stacks/stack-file";

export const ROOT = join(__dirname, "..");

/**
 * The Pulumi project the verbs run in unless a test says otherwise: the example product's stacks
 * as fixtures of their own (test/fixtures/project), not the repository's stacks/, which a team
 * replaces with its own product.
 */
export const FIXTURE_PROJECT = requireProject(join(__dirname, "fixtures", "project"));

export const EXAMPLE_STACKS = ["dev", "staging", "prod"] as const;

export function exampleStack(stack: string): StackFile {
  return readStackFile(stackFilePath(FIXTURE_PROJECT, stack));
}

/** A deep copy of an example stack's config map, to mutate in a test. */
export function exampleConfig(stack = "prod"): Record<string, any> {
  return structuredClone(exampleStack(stack).config);
}

export function parsedExample(stack = "prod"): LaunchReadyConfig {
  const parsed = parseStackConfig(exampleConfig(stack));
  if (!parsed.ok) throw new Error(`example stack ${stack} is invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.config;
}

/** Deterministic Fisher-Yates shuffle (mulberry32), so a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** Every list in a config value shuffled, recursively. */
export function shuffleEveryList(value: unknown, seed: number): unknown {
  if (Array.isArray(value))
    return shuffled(
      value.map((item, i) => shuffleEveryList(item, seed + i + 1)),
      seed,
    );
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner], i) => [key, shuffleEveryList(inner, seed * 31 + i)]));
  }
  return value;
}

/** What a verb printed and the exit code it returned. */
export interface VerbResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a verb in this process exactly as its entry file does (same error reporting and exit
 * code), capturing what it prints. `env` replaces the process environment the verb sees.
 */
export async function runInProcess(
  verb: Verb,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; failedAs?: string; failureCode?: number; tty?: boolean } = {},
): Promise<VerbResult> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false },
    env: options.env ?? { ...process.env },
    cwd: options.cwd ?? FIXTURE_PROJECT.dir,
  };
  const code = await runVerb(verb, args, io, options.failedAs ?? "verb failed", options.failureCode ?? 1);
  return { code, stdout, stderr };
}

/**
 * Runs `launch-ready <verb> [args]` through the kit's entry file as a child process, as `npm run`
 * does: only for testing the entry itself. It runs in the fixture project unless `cwd` says otherwise.
 */
export function runEntryFile(verb: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd: string = FIXTURE_PROJECT.dir): Promise<VerbResult> {
  return runTsx(join(ROOT, "scripts", "launch-ready.ts"), [verb, ...args], env, cwd);
}

/** Runs a TypeScript file with tsx as a child process, for an entry other than the kit's own. */
export function runTsx(script: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd: string = ROOT): Promise<VerbResult> {
  return new Promise((resolve) => {
    execFile(
      join(ROOT, "node_modules", ".bin", "tsx"),
      [script, ...args],
      { cwd, encoding: "utf8", env: { ...env, FORCE_COLOR: "0" }, maxBuffer: 1 << 26 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * Resolves once the run's build of dist/ (test/build-dist.ts) has finished, or rejects with its
 * output if it failed: for the files that start compiled code. Told by the marker file the build
 * writes, watched rather than polled.
 */
export function distBuilt(): Promise<void> {
  const status = process.env[DIST_STATUS_ENV];
  if (!status) return Promise.reject(new Error(`${DIST_STATUS_ENV} is not set: run the tests through vitest, whose global setup builds dist/`));
  return new Promise((resolve, reject) => {
    const settle = (): boolean => {
      if (existsSync(join(status, "built"))) resolve();
      else if (existsSync(join(status, "failed"))) reject(new Error(readFileSync(join(status, "failed"), "utf8")));
      else return false;
      return true;
    };
    const watcher = watch(status, () => {
      if (settle()) watcher.close();
    });
    // The build may have finished before the watch began.
    if (settle()) watcher.close();
  });
}

const scratchDirs: string[] = [];
// Registered when a test file imports this module, so it runs after that file's tests.
afterAll(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed once the test file's tests have run. */
export function scratchDir(prefix = "launch-ready-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

/** A copy of the fixture project in a scratch directory, for a test that runs a verb there and writes beside its stack files. */
export function scratchProject(): PulumiProject {
  const dir = join(scratchDir("launch-ready-project-"), "product");
  cpSync(FIXTURE_PROJECT.dir, dir, { recursive: true });
  return requireProject(dir);
}
