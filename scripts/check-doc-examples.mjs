#!/usr/bin/env node
// Type-checks every ```ts example of a workspace package, as a user would compile it: the fenced blocks in
// the TSDoc comments of src/**/*.ts and in README.md, each as its own ES module placed beside the file it
// came from, compiled with the package's tsconfig.json by the repo's TypeScript. Run in a package directory
// (`node ../../scripts/check-doc-examples.mjs`); prints each error at its line in the source file and exits 1
// when any example does not compile. A block fenced as ```ts ignore is left out (for deliberate fragments).
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";

const root = process.cwd();
const ts = createRequire(join(root, "package.json"))("typescript");

/** One example: its code, the file it came from and the 1-based line its first code line has there. */
const examples = [];

const fence = /^```(ts|typescript)(\s+ignore)?\s*$/;

/** Collects the fenced ts blocks of `lines` (already stripped of comment decoration) starting at `firstLine`. */
function collect(file, lines, lineOf) {
  for (let i = 0; i < lines.length; i++) {
    const open = fence.exec(lines[i].trim());
    if (open === null) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== "```") end++;
    if (open[2] === undefined) {
      examples.push({ file, code: lines.slice(start, end).join("\n"), line: lineOf(start) });
    }
    i = end;
  }
}

function fromSource(file) {
  const text = readFileSync(file, "utf8");
  for (const match of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const firstLine = text.slice(0, match.index).split("\n").length;
    const lines = match[0].split("\n").map((l) => l.replace(/^\s*\/?\*+\/?\s?/, "").replace(/\s*\*\/$/, ""));
    collect(file, lines, (i) => firstLine + i);
  }
}

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (
      entry.name.endsWith(".ts") &&
      !entry.name.endsWith(".d.ts") &&
      !entry.name.endsWith(".test.ts")
    ) {
      fromSource(path);
    }
  }
}

walk(join(root, "src"));
const readme = join(root, "README.md");
try {
  collect(readme, readFileSync(readme, "utf8").split("\n"), (i) => i + 1);
} catch (error) {
  if (error.code !== "ENOENT") throw error;
}

const configPath = join(root, "tsconfig.json");
const config = ts.getParsedCommandLineOfConfigFile(
  configPath,
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic() {} },
);
if (config === undefined) throw new Error(`cannot read ${configPath}`);
// Examples are user code, not the package's API: they need no declarations.
const options = {
  ...config.options,
  noEmit: true,
  declaration: false,
  declarationMap: false,
  isolatedDeclarations: false,
};

// Each example is a virtual file beside its source, so relative imports resolve as they would there.
const virtual = new Map();
examples.forEach((example, index) => {
  const name = resolve(dirname(example.file), `__doc_example_${index}.ts`);
  virtual.set(name, example);
});
const host = ts.createCompilerHost(options, true);
const { fileExists, readFile, getSourceFile } = host;
host.fileExists = (f) => virtual.has(resolve(f)) || fileExists.call(host, f);
host.readFile = (f) => virtual.get(resolve(f))?.code ?? readFile.call(host, f);
host.getSourceFile = (f, languageVersion, onError, shouldCreate) => {
  const example = virtual.get(resolve(f));
  if (example === undefined) return getSourceFile.call(host, f, languageVersion, onError, shouldCreate);
  return ts.createSourceFile(f, example.code, languageVersion, true);
};

const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
let failures = 0;
for (const [name, example] of virtual) {
  const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(name));
  for (const d of diagnostics) {
    if (d.file === undefined || resolve(d.file.fileName) !== name) continue;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    const where = `${relative(root, example.file)}:${example.line + line}:${character + 1}`;
    console.error(`${where} error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    failures++;
  }
}
const name = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).name;
console.log(`${name}: ${examples.length} examples type-checked, ${failures} errors`);
process.exitCode = failures === 0 ? 0 : 1;
