/**
 * The text of an error's innermost cause (driver or exception text), for the operator's log only: problem
 * bodies and SSE error events never carry it. `undefined` without a cause. @internal
 */
export function causeText(error: { readonly cause?: unknown }): string | undefined {
  let cause: unknown = error.cause;
  let text: string | undefined;
  for (let depth = 0; depth < 8 && cause !== undefined && cause !== null; depth++) {
    if (cause instanceof Error) text = cause.message;
    else if (typeof cause !== "object") return String(cause);
    cause = (cause as { cause?: unknown }).cause;
  }
  return text;
}
