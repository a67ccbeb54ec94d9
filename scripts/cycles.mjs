// Import cycle check (`pnpm cycles`, part of `pnpm test`): madge over every package, app, conformance, benchmarks
// and scripts, with the settings in `.madgerc`. Type-only imports count too: they are erased when compiled, but a
// circle of types still means two modules that cannot be read (or moved) one without the other. It also
// fails when madge reads almost no module, which is how a misread config looks ("Processed 0 files", no cycle).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import madge from "madge";

const root = new URL("../", import.meta.url);
const sources = (dir) =>
  readdirSync(new URL(dir, root))
    .map((name) => `${dir}/${name}/src`)
    .filter((path) => existsSync(new URL(path, root)));
const paths = [
  ...sources("packages"),
  ...sources("apps"),
  "conformance/src",
  "conformance/tests",
  "benchmarks/src",
  "scripts",
];
const config = JSON.parse(readFileSync(new URL(".madgerc", root), "utf8"));
const result = await madge(
  paths.map((path) => new URL(path, root).pathname),
  config,
);
const modules = Object.keys(result.obj()).length;
const cycles = result.circular();
console.log(`cycles: ${modules} modules read from ${paths.length} folders, ${cycles.length} import cycles`);
for (const cycle of cycles) console.log(`  ${cycle.join(" > ")}`);
if (modules < 100) {
  console.error(
    `cycles: only ${modules} modules read; the paths or .madgerc are wrong, so nothing was checked.`,
  );
  process.exit(1);
}
if (cycles.length > 0) process.exit(1);
