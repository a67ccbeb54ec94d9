import { TimeProvider } from "@pipe/channels";
import type { PipeError, Result } from "@pipe/result";
import type { Context, Env } from "hono";
import { ShardErrorCodes } from "../../codes.ts";
import type { ShardControlPlaneService } from "../../service.ts";
import type { ShardPrincipal } from "../auth.ts";
import type { ShardControlPlaneAppOptions, ShardHttpLogEntry } from "../options.ts";
import { shardProblemResponse } from "../problem.ts";
import { shardHttpStatusOf } from "../status.ts";
import { readJsonBody } from "./body.ts";
import { causeText } from "./cause.ts";
import { HttpMetrics } from "./metrics.ts";
import type { SseWatch } from "./sse.ts";

/** The Hono environment of the control plane: `authorize` stores the caller in `principal` (undefined before it runs). @internal */
export interface ShardAppEnv extends Env {
  Variables: { principal: ShardPrincipal | undefined };
}

/**
 * What every route of one control plane app shares: the service, the resolved options, the metrics, the open
 * watch streams and the responses (JSON, problem+json) every route writes. @internal
 */
export interface ControlPlane {
  readonly options: ShardControlPlaneAppOptions;
  readonly service: ShardControlPlaneService;
  readonly log: ((entry: ShardHttpLogEntry) => void) | undefined;
  readonly time: TimeProvider;
  readonly maxWatchers: number;
  readonly maxSimulations: number;
  readonly metrics: HttpMetrics;
  /** Open watch streams; closed when `options.signal` aborts. */
  readonly sessions: Set<SseWatch>;
  /** A problem+json response for `error`, counted in the metrics and logged when it is a 5xx or unmapped. */
  readonly fail: (c: Context, error: PipeError, headers?: HeadersInit) => Response;
  /** A `no-store` JSON response. */
  readonly json: (value: unknown, status?: number, headers?: Record<string, string>) => Response;
  /** A `no-store` JSON response of JSON serialised already (text, or its UTF-8 bytes). */
  readonly jsonText: (
    text: string | Uint8Array<ArrayBuffer>,
    status?: number,
    headers?: Record<string, string>,
  ) => Response;
  /** The JSON of an ok `result` (with `status(value)`, default 200), else its problem+json. */
  readonly respond: <T>(c: Context, result: Result<T>, status?: (value: T) => number) => Response;
  /** The request body parsed as JSON within `maxBodyBytes`. */
  readonly body: (c: Context) => Promise<Result<unknown>>;
}

/** Resolves the options' defaults and builds the state the routes of one app share. @internal */
export function createControlPlane(options: ShardControlPlaneAppOptions): ControlPlane {
  const { service, log } = options;
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const metrics = new HttpMetrics();
  const sessions = new Set<SseWatch>();
  options.signal?.addEventListener(
    "abort",
    () => {
      for (const s of [...sessions]) s.close();
    },
    { once: true },
  );

  const fail = (c: Context, error: PipeError, headers?: HeadersInit): Response => {
    const mapping = shardHttpStatusOf(error);
    const code = error.code ?? "error.unspecified";
    metrics.error(code, mapping.mapped);
    if (!mapping.mapped)
      log?.({
        level: "warn",
        event: "unmapped-code",
        method: c.req.method,
        path: c.req.path,
        code,
        status: mapping.status,
      });
    if (mapping.status >= 500 || code === ShardErrorCodes.repositoryRejected)
      log?.({
        level: "error",
        event: "error",
        method: c.req.method,
        path: c.req.path,
        code,
        message: error.message,
        cause: causeText(error),
        status: mapping.status,
      });
    return shardProblemResponse(error, c.req.path, headers);
  };
  const jsonText = (
    text: string | Uint8Array<ArrayBuffer>,
    status = 200,
    headers?: Record<string, string>,
  ): Response =>
    new Response(text, {
      status,
      headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    });
  const json = (value: unknown, status = 200, headers?: Record<string, string>): Response =>
    jsonText(JSON.stringify(value), status, headers);

  return {
    options,
    service,
    log,
    time: options.timeProvider ?? TimeProvider.system,
    maxWatchers: options.maxWatchers ?? 1000,
    maxSimulations: Math.max(1, Math.floor(options.maxConcurrentSimulations ?? 2)),
    metrics,
    sessions,
    fail,
    json,
    jsonText,
    respond: (c, result, status = () => 200) =>
      result.isOk ? json(result.value, status(result.value)) : fail(c, result.error),
    body: async (c) => readJsonBody(c.req.raw, maxBody),
  };
}
