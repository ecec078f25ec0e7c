/**
 * Runs a Pulumi program in this process under Pulumi's own mocks (`pulumi.runtime.setMocks`):
 * no CLI, no credentials, no network, nothing created. It records every resource registration
 * exactly as the engine would receive it (type, name, parent, protect, inputs with secrets still
 * marked), which is what the offline plan prints and the tests assert on.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** A resource as the engine would be asked to register it. */
export interface RegisteredResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource; the stack itself for top-level components. */
  parent?: string;
  protect: boolean;
  /** True for provider-managed resources, false for components. */
  custom: boolean;
  /**
   * Inputs with secret values replaced by "[secret]" and unknowns by "[unknown]". An unknown
   * input the provider always keeps secret (additionalSecretOutputs, e.g. a SecretVersion's
   * secretString) reads "[secret]": once known, it will only ever be held as a secret.
   */
  inputs: Record<string, unknown>;
}

export interface OfflineRunOptions {
  project: string;
  stack: string;
  /** Config as the CLI hands it to a program: `namespace:key` to JSON text or a plain string. */
  config: Record<string, string>;
  secretKeys: string[];
  program: () => Promise<unknown> | unknown;
}

export interface OfflineRun {
  resources: RegisteredResource[];
  outputs: Record<string, unknown>;
}

/** Markers of Pulumi's wire format (sdk/nodejs/runtime/rpc.ts). */
const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SPECIAL_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET_SHOWN_AS = "[secret]";
/** How a value not known until `pulumi up` appears in recorded inputs. */
export const UNKNOWN_SHOWN_AS = "[unknown]";

/** Replaces every secret-wrapped value with "[secret]", so no secret can reach output. */
export function redactWireValue(value: unknown): unknown {
  if (value === UNKNOWN_VALUE) return UNKNOWN_SHOWN_AS;
  if (Array.isArray(value)) return value.map(redactWireValue);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SPECIAL_SIG_KEY] === SPECIAL_SECRET_SIG) return SECRET_SHOWN_AS;
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, redactWireValue(inner)]));
  }
  return value;
}

interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProtect(): boolean | undefined;
  getCustom(): boolean;
  getObject(): Struct | undefined;
  getAdditionalsecretoutputsList(): string[];
}

interface RegisterResourceOutputsRequest {
  getUrn(): string;
  getOutputs(): Struct | undefined;
}

interface RecordableMonitor {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(request: RegisterResourceRequest, callback: (...args: unknown[]) => void): Promise<void>;
  registerResourceOutputs(request: RegisterResourceOutputsRequest, callback: (...args: unknown[]) => void): void;
}

/** The program threw; `cause` is what it threw, `resources` what it had registered by then. */
export class OfflineRunFailure extends Error {
  constructor(
    public readonly cause: unknown,
    public readonly resources: RegisteredResource[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * The mocks answer no output: in a preview every property a provider computes (IDs, SES DKIM
 * tokens, Access policy IDs) is unknown, so the plan shows them as "[unknown]" instead of
 * inventing values. The plan records inputs, which are known.
 */
const mocks: pulumi.runtime.Mocks = {
  newResource: () => ({ id: undefined, state: {} }),
  call: () => ({}),
};

const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise?: (p: Promise<unknown>, ctx: unknown) => Promise<unknown> };

/**
 * Debugging aids of the SDK that an offline run never reads, and what they cost per resource
 * (measured with `node --cpu-prof` on 1,000 generated records; see scripts/bench-plan.ts):
 * - every internal promise gets a rendered stack trace and three extra properties for the
 *   promise-leak report printed at exit (`debuggablePromise`): with source maps on, rendering
 *   alone was over half the run, and the extra properties turn each promise into a slow,
 *   large dictionary object the garbage collector then keeps copying;
 * - every resource captures an unbounded stack trace to send the engine its source position
 *   (`Resource.callsites`), which only the Pulumi Console displays.
 * While the program runs offline they are switched off; afterwards everything is restored. Each
 * hook is replaced only if the pinned SDK still has it, so an SDK change costs speed, not results.
 */
async function withoutDebugAids<T>(run: () => Promise<T>): Promise<T> {
  const resource = pulumi.Resource as unknown as { callsites?: () => unknown[] };
  const saved = {
    debuggablePromise: debuggable.debuggablePromise,
    callsites: resource.callsites,
    prepareStackTrace: Error.prepareStackTrace,
    stackTraceLimit: Error.stackTraceLimit,
  };
  if (typeof saved.debuggablePromise === "function") debuggable.debuggablePromise = (promise) => promise;
  if (typeof saved.callsites === "function") resource.callsites = () => [];
  Error.prepareStackTrace = () => "";
  Error.stackTraceLimit = 0;
  try {
    return await run();
  } finally {
    debuggable.debuggablePromise = saved.debuggablePromise;
    resource.callsites = saved.callsites;
    Error.prepareStackTrace = saved.prepareStackTrace;
    Error.stackTraceLimit = saved.stackTraceLimit;
  }
}

/**
 * Runs `program` as the root of a stack under mocks and returns every registration in order.
 * Only one run may be in flight per process: the Pulumi runtime keeps its state in globals.
 */
export async function runOffline(options: OfflineRunOptions): Promise<OfflineRun> {
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);
  await pulumi.runtime.setMocks(mocks, options.project, options.stack, true);

  const resources: RegisteredResource[] = [];
  // The mock monitor shortens a child's URN to its parent's last type; the engine qualifies it with
  // the whole chain of parent types. The plan reports the engine's URNs, as `pulumi preview` shows them.
  const engineUrnOf = new Map<string, string>();
  const monitor = pulumi.runtime.getMonitor() as unknown as RecordableMonitor;
  const registerWithMock = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const type = request.getType();
    const name = request.getName();
    const parent = engineUrnOf.get(request.getParent());
    const qualifiedType = parent ? `${parent.split("::")[2]}$${type}` : type;
    const urn = `urn:pulumi:${options.stack}::${options.project}::${qualifiedType}::${name}`;
    engineUrnOf.set(monitor.newUrn(request.getParent(), type, name), urn);
    const inputs = redactWireValue(request.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
    for (const key of request.getAdditionalsecretoutputsList()) {
      if (inputs[key] === UNKNOWN_SHOWN_AS) inputs[key] = SECRET_SHOWN_AS;
    }
    resources.push({ urn, type, name, parent, protect: request.getProtect() ?? false, custom: request.getCustom(), inputs });
    return registerWithMock(request, callback);
  };
  // Stack outputs are read off the wire, where secrets are still marked, not from the program's
  // resolved values, where they are plain.
  let outputs: Record<string, unknown> = {};
  const registerOutputsWithMock = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (request, callback) => {
    if (request.getUrn() === resources[0]?.urn) {
      outputs = redactWireValue(request.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
    }
    return registerOutputsWithMock(request, callback);
  };

  // The program's own failure is caught inside the stack, so no promise of the runtime is left
  // rejected with nobody listening, and is raised once everything in flight has settled.
  let failure: { error: unknown } | undefined;
  await withoutDebugAids(async () => {
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return await options.program();
      } catch (error) {
        failure = { error };
        return undefined;
      }
    });
    // Registrations still in flight when the program returns finish here, as the CLI's runner waits for them.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  });
  if (failure) throw new OfflineRunFailure(failure.error, resources);
  return { resources, outputs };
}
