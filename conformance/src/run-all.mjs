// Runs the conformance suite on Node, Deno and Bun in turn; fails if any runtime fails.
// Each runtime is the real binary (node via tsx, deno and bun from their npm packages).
import { spawnSync } from "node:child_process";

const filter = process.argv.slice(2);
const runs = [
  ["node", "tsx", ["src/main.ts", ...filter]],
  ["deno", "deno", ["run", "--allow-all", "--no-lock", "src/main.ts", ...filter]],
  ["bun", "bun", ["src/main.ts", ...filter]],
];
const failed = [];
for (const [name, command, args] of runs) {
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, NO_COLOR: "1" } });
  if (result.status !== 0)
    failed.push(`${name} (exit ${result.status ?? result.error?.message ?? "signal"})`);
}
if (failed.length > 0) {
  console.log(`conformance failed on: ${failed.join(", ")}`);
  process.exit(1);
}
