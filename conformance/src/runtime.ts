/**
 * Which runtime is executing the suite, read from each runtime's own global (never from a flag we pass).
 *
 * @module
 */

/** The runtimes the suite targets. */
type RuntimeName = "node" | "deno" | "bun" | "browser" | "workerd";

/** The detected runtime and its version. */
export interface RuntimeInfo {
  readonly name: RuntimeName;
  readonly version: string;
}

interface RuntimeGlobals {
  Deno?: { version: { deno: string } };
  Bun?: { version: string };
  process?: { versions?: { node?: string } };
  document?: unknown;
  navigator?: { userAgent?: string };
  /** Set by the Worker entry that `workerd.ts` generates: workerd has no version global of its own. */
  __pipeWorkerdVersion?: string;
}

/**
 * Detects the runtime from its globals. Bun also defines `process`, so Bun and Deno are checked first; a
 * browser page has `document` and no `process`, and its version is the engine's from the user agent; workerd
 * (which may define `process` for Node compatibility) is known by its user agent and checked before all.
 */
export function detectRuntime(): RuntimeInfo {
  const g = globalThis as RuntimeGlobals;
  if (g.navigator?.userAgent === "Cloudflare-Workers")
    return { name: "workerd", version: g.__pipeWorkerdVersion ?? "0.0.0" };
  if (g.Deno !== undefined) return { name: "deno", version: g.Deno.version.deno };
  if (g.Bun !== undefined) return { name: "bun", version: g.Bun.version };
  const node = g.process?.versions?.node;
  if (node !== undefined) return { name: "node", version: node };
  if (g.document !== undefined && g.process === undefined) {
    const engine = /(?:Chrome|Firefox|Version)\/(\d+(?:\.\d+){0,2})/.exec(g.navigator?.userAgent ?? "");
    const version = (engine?.[1] ?? "0").split(".");
    while (version.length < 3) version.push("0");
    return { name: "browser", version: version.join(".") };
  }
  throw new Error("unknown runtime: none of Deno, Bun, Node or browser globals are present");
}

/**
 * Checks a run's label (`node`, `node24`, `deno`, `bun`) against the runtime actually running: the name must
 * match and a trailing number must be the major version. Returns what is wrong, or undefined.
 */
export function runtimeLabelMismatch(label: string, runtime: RuntimeInfo): string | undefined {
  const parsed = /^([a-z]+)(\d+)?$/.exec(label);
  if (parsed === null) return `"${label}" is not a runtime label (a name, optionally with a major version)`;
  const [, name, major] = parsed;
  if (name !== runtime.name) return `labelled ${label} but running on ${runtime.name} ${runtime.version}`;
  if (major !== undefined && runtime.version.split(".")[0] !== major)
    return `labelled ${label} but running on ${runtime.name} ${runtime.version}`;
  return undefined;
}
