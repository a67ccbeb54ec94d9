#!/usr/bin/env node
/**
 * `shards` CLI entry point (bin). See `shards --help`.
 */
import { readFile } from "node:fs/promises";
import { runCli } from "./cli-core.ts";

const stop = new AbortController();
process.once("SIGINT", () => stop.abort());
const code = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTty: process.stderr.isTTY === true,
  env: process.env,
  fetch: (r) => fetch(r),
  readFile: (p) => readFile(p, "utf8"),
  signal: stop.signal,
});
process.exitCode = code;
