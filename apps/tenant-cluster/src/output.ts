import { createLineLogger, type LogFormat } from "@pipe/pipeline";

/** Where the CLI's lines go: `stdout` for its progress, `stderr` for its errors (each line without `\n`). */
export interface ClusterWriters {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** The CLI's line writers (see {@link clusterOutput}). */
export interface ClusterOutput {
  /** A line of the CLI itself (`ready ...`, `produced ...`). */
  say(line: string): void;
  /** A line of the runner (prefixed `[<runner id>] ` in text). */
  runnerLog(line: string): void;
  /** An error line (stderr). */
  error(line: string): void;
}

/**
 * The `tenant-cluster` CLI's output in `format`: text lines as before, or one JSON object per line (`time`,
 * `level`, `msg`, `app`, `runner`) for log collectors.
 *
 * When to use: by `main.ts` (`--log-format`, env `LOG_FORMAT`); a test or an embedding process passes its own
 * writers.
 *
 * @example
 * ```ts
 * import { clusterOutput } from "@pipe/app-tenant-cluster";
 * const out = clusterOutput("json", "r1", { stdout: console.log, stderr: console.error });
 * out.runnerLog("acquired t001 (token 3) after 0"); // {"time":"…","level":"info","msg":"acquired t001 …","app":"tenant-cluster","runner":"r1"}
 * ```
 */
export function clusterOutput(format: LogFormat, runnerId: string, writers: ClusterWriters): ClusterOutput {
  const fields = { app: "tenant-cluster", runner: runnerId };
  const cli = createLineLogger({ format, write: writers.stdout, fields });
  const runner = createLineLogger({ format, write: writers.stdout, fields, textPrefix: `[${runnerId}] ` });
  const errors = createLineLogger({ format, write: writers.stderr, fields });
  return {
    say: (line) => cli.info(line),
    runnerLog: (line) => runner.info(line),
    error: (line) => errors.error(line),
  };
}
