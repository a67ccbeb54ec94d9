import { ErrorCodes, err, ok, PipeError, type Result } from "@pipe/result";
import * as Schema from "effect/Schema";

/** One decode problem. @internal */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

type Validate = (input: unknown) => { readonly value?: unknown; readonly issues?: readonly unknown[] };
const cache = new WeakMap<object, Validate>();

const validatorOf = (schema: Schema.Top): Validate => {
  let v = cache.get(schema);
  if (v === undefined) {
    // biome-ignore lint/suspicious/noExplicitAny: effect's standard-schema constraint is wider than Top here
    const std = Schema.toStandardSchemaV1(schema as any, { parseOptions: { errors: "all" } }) as {
      "~standard": { validate: Validate };
    };
    v = std["~standard"].validate;
    cache.set(schema, v);
  }
  return v;
};

const renderPath = (prefix: string, path: readonly unknown[] | undefined): string => {
  let out = prefix;
  for (const segment of path ?? []) {
    const key =
      typeof segment === "object" && segment !== null && "key" in segment
        ? (segment as { key: unknown }).key
        : segment;
    out += typeof key === "number" ? `[${key}]` : `.${String(key)}`;
  }
  return out;
};

/** An `error.validation` failure listing `issues`. @internal */
export const validationError = (what: string, issues: readonly Issue[]): PipeError =>
  PipeError.from(
    `Invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    ErrorCodes.validation,
    {
      metadata: { issues },
    },
  );

/** Decodes untrusted input with an Effect schema; paths start at `prefix` (`$`, `$.query`). @internal */
export function decodeWith<S extends Schema.Top>(
  schema: S,
  input: unknown,
  what: string,
  prefix = "$",
): Result<S["Type"]> {
  const out = validatorOf(schema)(input);
  if (out instanceof Promise) throw new TypeError("decodeWith: asynchronous schemas are not supported.");
  if (out.issues === undefined) return ok(out.value as S["Type"]);
  const issues = out.issues.map((issue) => {
    const i = issue as { path?: readonly unknown[]; message?: string };
    return { path: renderPath(prefix, i.path), message: i.message ?? "Invalid value" };
  });
  return err(validationError(what, issues));
}
