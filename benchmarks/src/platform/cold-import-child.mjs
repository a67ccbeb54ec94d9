// Imports one module specifier once in this fresh process and prints the milliseconds the import took.
// Plain JavaScript so that Node, Deno and Bun run it as is. Usage: <runtime> cold-import-child.mjs <specifier>
const specifier = process.argv[2] ?? Deno.args[0];
const start = performance.now();
await import(specifier);
console.log(JSON.stringify({ ms: performance.now() - start }));
