#!/usr/bin/env node
/**
 * The ingest worker's command line: `node dist/main.js --help`.
 *
 * SIGINT/SIGTERM are handled from the first statement, before the modules load and the start-up (store,
 * feeds) runs, which takes seconds: a signal at any point stops the worker gracefully and prints the summary;
 * a second one exits at once (130).
 *
 * @module
 */
const stop = new AbortController();
let signals = 0;
const onSignal = (signal: NodeJS.Signals): void => {
  signals++;
  if (signals > 1) process.exit(130);
  stop.abort(signal);
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const { runIngestCli } = await import("./cli.ts");
process.exit(await runIngestCli(process.argv.slice(2), process.env, stop.signal));
