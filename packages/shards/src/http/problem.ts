import { ErrorCodes, type PipeError } from "@pipe/result";
import { shardHttpStatusOf } from "./status.ts";

/**
 * An RFC 9457 `application/problem+json` body as the control plane writes it.
 *
 * Details: `type` is `urn:pipe:error:<code>`; `code` is the `PipeError` code (clients switch on it);
 * `metadata` is the error's metadata minus anything that could leak internals (stack traces, causes);
 * `errors` lists the children of an `error.aggregate` (at most 20).
 *
 * @example
 * ```ts
 * import type { ShardProblem } from "@pipe/shards/http";
 * const isConflict = (p: ShardProblem) => p.status === 409;
 * console.log(typeof isConflict);
 * ```
 */
export interface ShardProblem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly instance?: string | undefined;
  readonly errors?: readonly { readonly code: string; readonly detail: string; readonly status: number }[];
}

const HIDDEN = new Set(["stackTrace", "stack", "cause", "exceptionType"]);

const publicMetadata = (metadata: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(metadata)) if (!HIDDEN.has(key)) out[key] = metadata[key];
  return out;
};

/**
 * Renders a failure as a problem body with its mapped status.
 *
 * Details: an `error.exception` (a bug, not a client problem) gets the generic detail "An internal error
 * occurred." so exception messages never reach clients.
 *
 * @example
 * ```ts
 * import { PipeError } from "@pipe/result";
 * import { toShardProblem } from "@pipe/shards/http";
 * console.log(toShardProblem(PipeError.from("Invalid cursor token.", "shards.control.cursor.invalid")).status); // 400
 * ```
 */
export function toShardProblem(error: PipeError, instance?: string): ShardProblem {
  const code = error.code ?? ErrorCodes.unspecified;
  const { status } = shardHttpStatusOf(error);
  const hidden = code === ErrorCodes.exception;
  const problem: {
    -readonly [K in keyof ShardProblem]: ShardProblem[K];
  } = {
    type: `urn:pipe:error:${code}`,
    title: "Shard control-plane error",
    status,
    detail: hidden ? "An internal error occurred." : error.message,
    code,
    metadata: hidden ? {} : publicMetadata(error.metadata),
  };
  if (instance !== undefined) problem.instance = instance;
  if (code === ErrorCodes.aggregate && error.errors.length > 0) {
    problem.errors = error.errors.slice(0, 20).map((e) => ({
      code: e.code ?? ErrorCodes.unspecified,
      detail: e.code === ErrorCodes.exception ? "An internal error occurred." : e.message,
      status: shardHttpStatusOf(e).status,
    }));
  }
  return problem;
}

/**
 * A `Response` carrying a problem body (`application/problem+json`, `Cache-Control: no-store`).
 *
 * @example
 * ```ts
 * import { PipeError } from "@pipe/result";
 * import { shardProblemResponse } from "@pipe/shards/http";
 * const res = shardProblemResponse(PipeError.from("gone", "shards.control.namespace.missing"));
 * console.log(res.status, res.headers.get("content-type")); // 404 application/problem+json
 * ```
 */
export function shardProblemResponse(error: PipeError, instance?: string, headers?: HeadersInit): Response {
  const problem = toShardProblem(error, instance);
  const h = new Headers(headers);
  h.set("content-type", "application/problem+json");
  h.set("cache-control", "no-store");
  return new Response(JSON.stringify(problem), { status: problem.status, headers: h });
}
