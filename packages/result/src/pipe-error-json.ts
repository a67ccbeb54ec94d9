/**
 * The JSON shape of a {@link PipeError} (`toJSON()` output, `pipeErrorFromJSON` input).
 *
 * @example
 * ```ts
 * import { PipeError, type PipeErrorJson, pipeErrorFromJSON } from "@pipe/result";
 * const json: PipeErrorJson = PipeError.timeout(10).toJSON();
 * const back = pipeErrorFromJSON(json); // ok(PipeError) with code "error.timeout"
 * ```
 */
export interface PipeErrorJson {
  /** The message. */
  readonly message: string;
  /** The code, when there is one. */
  readonly code?: string;
  /** Metadata with nested errors rendered as `PipeErrorJson`; omitted when empty. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Aggregate children; omitted when empty. */
  readonly errors?: readonly PipeErrorJson[];
  /** The cause as `{ name, message, stack? }`; omitted without a cause. */
  readonly cause?: { readonly name: string; readonly message: string; readonly stack?: string };
}
