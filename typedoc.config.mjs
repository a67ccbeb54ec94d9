// The API reference (`pnpm docs` → docs/api/index.html): one module per entry point of each package, read from
// the packages' `exports` (their `@pipe/source` .ts files), so a new entry point is documented without editing
// this file. `pnpm docs:check` builds it without writing and fails on any warning: an export without TSDoc, a
// broken {@link}, or a type the entry points use but do not export.
import { readdirSync, readFileSync } from "node:fs";

/** The source file of an export target: the `@pipe/source` condition (its `default` when conditional). */
const sourceOf = (target) => {
  const source = target["@pipe/source"];
  return typeof source === "string" ? source : source.default;
};

const entryPoints = [];
const packages = [];
for (const dir of readdirSync("packages", { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()) {
  const pkg = JSON.parse(readFileSync(`packages/${dir}/package.json`, "utf8"));
  packages.push(pkg.name);
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (subpath !== "./package.json") entryPoints.push(`packages/${dir}/${sourceOf(target).slice(2)}`);
  }
}

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  name: "@pipe",
  entryPoints,
  tsconfig: "tsconfig.docs.json",
  out: "docs/api",
  readme: "none",
  excludePrivate: true,
  excludeInternal: true,
  sort: ["kind", "alphabetical"],
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  // Without this only the root package's own exports would be checked for documentation.
  packagesRequiringDocumentation: packages,
  gitRevision: "main",
};
