import { setOwnProperty } from "./internal/own-property.ts";

/** How a {@link LineLogger} writes its lines: as the app wrote them (`text`) or one JSON object per line. */
export type LogFormat = "text" | "json";

/** Structured fields of a log line (values that JSON can hold; a plain `Error` is written as its message). */
export type LogFields = Readonly<Record<string, unknown>>;

/** A log line's level. */
export type LogLevel = "info" | "warn" | "error";

/**
 * Options of {@link createLineLogger}.
 *
 * @example
 * ```ts
 * import type { LineLoggerOptions } from "@pipe/result";
 * const options: LineLoggerOptions = { format: "json", write: (line) => console.error(line), fields: { app: "demo" } };
 * ```
 */
export interface LineLoggerOptions {
  /** `"text"` (default) or `"json"`. */
  readonly format?: LogFormat;
  /** Receives each line, without the trailing newline (e.g. `(line) => process.stderr.write(`${line}\n`)`). */
  readonly write: (line: string) => void;
  /** Fields on every JSON line (e.g. `{ runner: "r1" }`); text lines do not show them. */
  readonly fields?: LogFields;
  /** Put before every text line (e.g. `"[r1] "`); JSON lines carry `fields` instead. */
  readonly textPrefix?: string;
  /** The clock of the `time` field (default `() => new Date()`). */
  readonly now?: () => Date;
}

/**
 * A logger writing one line per call; see {@link createLineLogger}.
 *
 * @example
 * ```ts
 * import { createLineLogger, type LineLogger } from "@pipe/result";
 * const log: LineLogger = createLineLogger({ write: (line) => console.log(line) });
 * log.warn("slow consumer", { lagMs: 1200 }); // "slow consumer lagMs=1200"
 * ```
 */
export interface LineLogger {
  /** The format the logger writes. */
  readonly format: LogFormat;
  /** Writes an `info` line. */
  info(msg: string, fields?: LogFields): void;
  /** Writes a `warn` line. */
  warn(msg: string, fields?: LogFields): void;
  /** Writes an `error` line. */
  error(msg: string, fields?: LogFields): void;
}

/**
 * Whether `value` names a {@link LogFormat} (`"text"` or `"json"`).
 *
 * When to use: validating a `--log-format` flag or a `LOG_FORMAT` variable before {@link createLineLogger}.
 *
 * @example
 * ```ts
 * import { isLogFormat } from "@pipe/result";
 * console.log(isLogFormat("json"), isLogFormat("yaml")); // true false
 * ```
 */
export function isLogFormat(value: unknown): value is LogFormat {
  return value === "text" || value === "json";
}

/**
 * `JSON.stringify(record)`, or, when a field cannot be written as JSON (a cycle, a `bigint` nested in an object,
 * a throwing `toJSON`), the record with each such field replaced by a description: a log line never throws.
 */
function stringifyRecord(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record);
  } catch {
    const safe: Record<string, unknown> = {};
    for (const key of Object.keys(record)) {
      const value = record[key];
      try {
        JSON.stringify(value);
        setOwnProperty(safe, key, value);
      } catch (thrown) {
        setOwnProperty(
          safe,
          key,
          `[unserialisable: ${thrown instanceof Error ? thrown.message : String(thrown)}]`,
        );
      }
    }
    return JSON.stringify(safe);
  }
}

function jsonValue(value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (typeof value === "bigint") return value.toString();
  return value;
}

/**
 * A logger for the reference apps' operational lines: human-readable text by default, or structured JSON (one
 * object per line: `time`, `level`, `msg`, then the fields) for log collectors.
 *
 * When to use: a CLI or server that prints progress and events, with a `--log-format=json` option. It writes
 * through `write`, so it runs on any runtime and is easy to capture in tests.
 *
 * Details: a text line is `textPrefix + msg`, followed by ` key=value` for each field of the call (strings
 * quoted by JSON when they contain spaces). A JSON line is `{"time": ISO-8601, "level", "msg", ...fields,
 * ...call fields}`; a `PipeError` is written as its JSON (code, message, ...), another `Error` as its message, a
 * `bigint` as its decimal string; a field JSON cannot hold (a cycle, a nested `bigint`) is written as a
 * `"[unserialisable: …]"` description, so logging never throws. A field named `time`, `level` or `msg` does
 * not replace those keys.
 *
 * Gotchas: `write` is called synchronously once per line; the logger adds no newline.
 *
 * @throws TypeError when `write` is not a function or `format` is not a {@link LogFormat} (a programmer error).
 * @example
 * ```ts
 * import { createLineLogger } from "@pipe/result";
 * const lines: string[] = [];
 * const log = createLineLogger({ format: "json", write: (line) => lines.push(line), fields: { app: "demo" } });
 * log.info("ready", { port: 8080 });
 * console.log(JSON.parse(lines[0] ?? "{}").msg); // "ready"
 * ```
 */
export function createLineLogger(options: LineLoggerOptions): LineLogger {
  const { write, fields, now = () => new Date(), textPrefix = "" } = options;
  const format = options.format ?? "text";
  if (typeof write !== "function") throw new TypeError("createLineLogger: options.write must be a function.");
  if (!isLogFormat(format))
    throw new TypeError(`createLineLogger: options.format must be "text" or "json", got ${String(format)}.`);
  const line =
    format === "json"
      ? (level: LogLevel, msg: string, extra: LogFields | undefined): string => {
          const record: Record<string, unknown> = { time: now().toISOString(), level, msg };
          for (const source of [fields, extra]) {
            if (source === undefined) continue;
            for (const key of Object.keys(source)) {
              if (key !== "time" && key !== "level" && key !== "msg")
                setOwnProperty(record, key, jsonValue(source[key]));
            }
          }
          return stringifyRecord(record);
        }
      : (_level: LogLevel, msg: string, extra: LogFields | undefined): string => {
          let text = textPrefix + msg;
          if (extra !== undefined) {
            for (const key of Object.keys(extra)) {
              const value = jsonValue(extra[key]);
              const shown = typeof value === "string" && !/\s|"/.test(value) ? value : JSON.stringify(value);
              text += ` ${key}=${shown}`;
            }
          }
          return text;
        };
  return {
    format,
    info: (msg, extra) => write(line("info", msg, extra)),
    warn: (msg, extra) => write(line("warn", msg, extra)),
    error: (msg, extra) => write(line("error", msg, extra)),
  };
}
