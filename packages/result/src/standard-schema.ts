import { AsyncResult } from "./async-result.ts";
import { fromThrown } from "./from-thrown.ts";
import { isThenable } from "./is-thenable.ts";
import { PipeError } from "./pipe-error.ts";
import { err, ok, type Result } from "./result.ts";

/** One issue reported by a Standard Schema validator. */
export interface StandardSchemaIssueLike {
  /** The issue's message. */
  readonly message: string;
  /** Where in the input: keys or `{ key }` segments. */
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** The outcome of a Standard Schema `validate` call. */
export type StandardSchemaResultLike<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardSchemaIssueLike> };

/**
 * Any Standard Schema v1 validator (Effect Schema via `Schema.toStandardSchemaV1`, Zod, Valibot, ArkType...),
 * typed structurally so `@pipe/result` depends on no schema library.
 *
 * @example
 * ```ts
 * import type { StandardSchemaLike } from "@pipe/result";
 * const positive: StandardSchemaLike<unknown, number> = {
 *   "~standard": {
 *     version: 1,
 *     vendor: "hand-written",
 *     validate: (v) => (typeof v === "number" && v > 0 ? { value: v } : { issues: [{ message: "not positive" }] }),
 *   },
 * };
 * ```
 */
export interface StandardSchemaLike<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) => StandardSchemaResultLike<Output> | Promise<StandardSchemaResultLike<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** One validation issue as stored in the error's `issues` metadata. */
export interface ValidationIssue {
  /** The validator's message. */
  readonly message: string;
  /** The path as keys (symbols rendered as strings); empty for the root. */
  readonly path: ReadonlyArray<string | number>;
}

function renderPath(path: StandardSchemaIssueLike["path"]): (string | number)[] {
  if (path === undefined || path === null) return [];
  return path.map((segment) => {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment;
    return typeof key === "number" || typeof key === "string" ? key : String(key);
  });
}

function toResult<O>(outcome: StandardSchemaResultLike<O>, vendor: string): Result<O> {
  if (outcome === null || typeof outcome !== "object") {
    return err(PipeError.from("The schema returned an invalid validation result.", "error.validation"));
  }
  if (outcome.issues === undefined || outcome.issues === null) return ok((outcome as { value: O }).value);
  const issues: ValidationIssue[] = outcome.issues.map((issue) => ({
    message: String(issue.message),
    path: renderPath(issue.path),
  }));
  const text = issues
    .map((i) => (i.path.length === 0 ? i.message : `${i.path.join(".")}: ${i.message}`))
    .join("; ");
  return err(
    PipeError.from(`Validation failed: ${text}`, "error.validation", {
      metadata: { issues, paths: issues.map((i) => i.path.join(".")), vendor },
    }),
  );
}

function check(schema: StandardSchemaLike<unknown, unknown>): void {
  const props = schema?.["~standard"];
  if (props === null || typeof props !== "object" || typeof props.validate !== "function") {
    throw new TypeError(
      "fromStandardSchema: expected a Standard Schema (an object with '~standard'.validate).",
    );
  }
}

/**
 * Validates `input` with any Standard Schema and returns a Result of the schema's output.
 *
 * Errors: `error.validation` with metadata `issues` (`[{ message, path }]`), `paths` (dotted strings) and
 * `vendor`; `error.exception` when the validator throws; `error.validation` when the schema validates
 * asynchronously (use {@link fromStandardSchemaAsync}).
 *
 * Gotchas: a value that is not a Standard Schema is a usage error (`TypeError`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect";
 * import { Result } from "@pipe/result";
 * const Person = Schema.toStandardSchemaV1(Schema.Struct({ name: Schema.String }));
 * const r = Result.fromStandardSchema(Person, { name: 1 });
 * r.isErr && r.error.metadata.paths; // ["name"]
 * ```
 */
export function fromStandardSchema<O>(schema: StandardSchemaLike<unknown, O>, input: unknown): Result<O> {
  check(schema);
  const props = schema["~standard"];
  let outcome: ReturnType<typeof props.validate>;
  try {
    outcome = props.validate(input);
  } catch (e) {
    return err(fromThrown(e));
  }
  if (isThenable(outcome)) {
    outcome.then(undefined, () => {});
    return err(
      PipeError.from(
        "The schema validates asynchronously; use Result.fromStandardSchemaAsync.",
        "error.validation",
        { metadata: { vendor: props.vendor } },
      ),
    );
  }
  return toResult(outcome, props.vendor);
}

/**
 * Validates `input` with any Standard Schema, sync or async, and returns an {@link AsyncResult}.
 *
 * Errors: as {@link fromStandardSchema} (`error.validation` with `issues`/`paths`, `error.exception` when the
 * validator throws or rejects).
 *
 * @example
 * ```ts
 * import { Schema } from "effect";
 * import { Result } from "@pipe/result";
 * const Port = Schema.toStandardSchemaV1(Schema.Number);
 * const r = await Result.fromStandardSchemaAsync(Port, 8080).map((p) => p + 1);
 * ```
 */
export function fromStandardSchemaAsync<O>(
  schema: StandardSchemaLike<unknown, O>,
  input: unknown,
): AsyncResult<O> {
  check(schema);
  const props = schema["~standard"];
  let outcome: ReturnType<typeof props.validate>;
  try {
    outcome = props.validate(input);
  } catch (e) {
    return AsyncResult.from(err<O>(fromThrown(e)));
  }
  if (!isThenable(outcome)) return AsyncResult.from(toResult(outcome, props.vendor));
  return new AsyncResult(
    Promise.resolve(outcome).then(
      (o) => toResult(o, props.vendor),
      (e: unknown) => err<O>(fromThrown(e)),
    ),
  );
}
