#!/usr/bin/env node
// The API reference from the TSDoc, with TypeDoc and typedoc.config.mjs (one module per package entry point).
//   node scripts/docs.mjs          writes docs/api/ (`pnpm docs`; gitignored)
//   node scripts/docs.mjs --check  writes nothing; fails on any TypeDoc warning (an export, function,
//                                  method or type without TSDoc, a broken {@link}, an unknown tag, a type used
//                                  but not exported) except undocumented properties of exported interfaces
//                                  and objects, which it counts and lists per file (`pnpm docs:check`, in CI)
import { Application } from "typedoc";

const check = process.argv.includes("--check");
const app = await Application.bootstrapWithPlugins(check ? { emit: "none" } : {});

const property = /\(Property\), defined in (\S+), does not have any documentation/;
const undocumentedProperties = new Map();
const failures = [];
const log = app.logger.log.bind(app.logger);
app.logger.log = (message, level) => {
  if (!check || level < 2) return log(message, level);
  const match = property.exec(message);
  if (match === null) {
    failures.push(message);
    return log(message, level);
  }
  undocumentedProperties.set(match[1], (undocumentedProperties.get(match[1]) ?? 0) + 1);
};

const project = await app.convert();
if (project === undefined) {
  process.exitCode = 1;
} else if (check) {
  app.validate(project);
  const total = [...undocumentedProperties.values()].reduce((a, b) => a + b, 0);
  if (total > 0) {
    console.log(`docs: ${total} properties of exported interfaces and objects have no TSDoc (not failing):`);
    for (const [file, n] of [...undocumentedProperties].sort((a, b) => b[1] - a[1]))
      console.log(`  ${n}\t${file}`);
  }
  console.log(`docs: ${failures.length} warnings`);
  process.exitCode = failures.length === 0 ? 0 : 1;
} else {
  await app.generateOutputs(project);
  process.exitCode = app.logger.hasErrors() ? 1 : 0;
}
