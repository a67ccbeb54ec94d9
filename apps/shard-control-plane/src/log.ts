/**
 * The control plane's operational log: text lines as before, or one JSON object per line (`--log-format=json`).
 */
import { createLineLogger, type LogFields, type LogFormat } from "@pipe/result";
import type { ShardHttpLogEntry } from "@pipe/shards/http";

/** The control plane's log (see {@link controlPlaneLog}). */
export interface ControlPlaneLog {
  /** The format it writes. */
  readonly format: LogFormat;
  /** An informational line (with `fields`: shown as ` key=value` in text). */
  info(msg: string, fields?: LogFields): void;
  /** A warning (`WARN ` before it in text). */
  warn(msg: string): void;
  /** An error line (written to the error writer). */
  error(msg: string): void;
  /** One HTTP log entry: a text line as before, or a record whose `msg` is the event and whose fields are its parts. */
  request(entry: ShardHttpLogEntry): void;
}

const textOf = (e: ShardHttpLogEntry): string =>
  [
    e.level.toUpperCase(),
    e.event,
    e.method,
    e.path,
    e.status ?? "",
    e.durationMs === undefined ? "" : `${e.durationMs.toFixed(1)}ms`,
    e.principal ?? "",
    e.code ?? "",
    e.message ?? "",
  ]
    .filter((p) => p !== "")
    .join(" ");

/**
 * The control plane's log in `format` (default text), writing lines to `out` and errors to `err`.
 *
 * When to use: by the runtime bootstraps (`node.ts`, `bun.ts`, `deno.ts`) and `openControlPlane`; a test passes
 * its own writers.
 *
 * @example
 * ```ts
 * import { controlPlaneLog } from "./log.ts";
 * const log = controlPlaneLog("json", console.log, console.error);
 * log.request({ level: "info", event: "request", method: "GET", path: "/healthz", status: 200 });
 * ```
 */
export function controlPlaneLog(
  format: LogFormat | undefined,
  out: (line: string) => void,
  err: (line: string) => void = out,
): ControlPlaneLog {
  const fields = { app: "shard-control-plane" };
  const lines = createLineLogger({ format: format ?? "text", write: out, fields });
  const errors = createLineLogger({ format: format ?? "text", write: err, fields });
  const json = lines.format === "json";
  return {
    format: lines.format,
    info: (msg, extra) => lines.info(msg, extra),
    warn: (msg) => (json ? lines.warn(msg) : lines.info(`WARN ${msg}`)),
    error: (msg) => errors.error(msg),
    request: (e) => {
      if (!json) {
        lines.info(textOf(e));
        return;
      }
      const { level, event, ...parts } = e;
      lines[level](event, parts);
    },
  };
}
