import { parseStackConfig, type LaunchReadyConfig } from "../stacks/stack-config";
import { readStackFile, stackFilePath, type StackFile } from "../stacks/stack-file";

export const EXAMPLE_STACKS = ["dev", "staging", "prod"] as const;

export function exampleStack(stack: string): StackFile {
  return readStackFile(stackFilePath(stack));
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
  if (Array.isArray(value)) return shuffled(value.map((item, i) => shuffleEveryList(item, seed + i + 1)), seed);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner], i) => [key, shuffleEveryList(inner, seed * 31 + i)]));
  }
  return value;
}
