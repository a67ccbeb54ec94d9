#!/usr/bin/env node
import { runCli } from "./cli.ts";

let signals = 0;
const code = await runCli(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
  onSignal(stop) {
    const handler = (signal: NodeJS.Signals): void => {
      if (++signals > 1) process.exit(130);
      stop(signal);
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    return () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    };
  },
});
process.exitCode = code;
