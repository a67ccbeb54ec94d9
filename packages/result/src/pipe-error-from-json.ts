import { parsePipeErrorJson } from "./internal/error-json.ts";
import { PipeError, type PipeErrorOptions } from "./pipe-error.ts";
import { err, ok, type Result } from "./result.ts";

/**
 * Rebuilds a {@link PipeError} from its JSON (`toJSON()` output, as an object or as JSON text). Never throws.
 *
 * When to use: where an error crosses a process boundary (a queue message, an HTTP body, a log line) and comes
 * back as data.
 *
 * Details: nested errors in metadata (objects shaped like a {@link PipeErrorJson}) come back as PipeErrors; the
 * cause comes back as an `Error` with the original name, message and stack. A `"__proto__"` key stays data.
 *
 * Errors: a failed Result with `error.validation` (metadata `path`, such as `"$.metadata.k"`) when the input is
 * not JSON text or an object with a string `message`, when a field has the wrong type, or when values are nested
 * more than 64 levels deep.
 *
 * Gotchas: this was the static `PipeError.fromJSON` (it returns a Result, and `PipeError` does not depend on
 * `Result`).
 *
 * @example
 * ```ts
 * import { PipeError, pipeErrorFromJSON } from "@pipe/result";
 * const r = pipeErrorFromJSON(JSON.parse(JSON.stringify(PipeError.timeout(10))));
 * if (r.isOk) console.log(r.value.code); // "error.timeout"
 * pipeErrorFromJSON("{oops").error?.code; // "error.validation"
 * ```
 */
export function pipeErrorFromJSON(json: unknown): Result<PipeError> {
  const { error, problem } = parsePipeErrorJson(json, buildError);
  if (problem === undefined) return ok(error);
  if (problem.path === undefined) return err(PipeError.fromException(problem.cause, "error.validation"));
  const options: PipeErrorOptions = { cause: problem.cause, metadata: { path: problem.path } };
  return err(new PipeError(problem.message, "error.validation", options));
}

function buildError(message: string, code: string | undefined, options: PipeErrorOptions): PipeError {
  return new PipeError(message, code, options);
}
