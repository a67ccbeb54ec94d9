/**
 * `fanIn` on a context that other code registers on while it runs (seed 001's context shared with sibling steps),
 * through the portable entry (no async store, as in a browser): what a handler registers before returning or
 * awaiting, on its message context, or attached to its Result is its message's; what anyone registers on the
 * shared context or scope while a handler awaits is taken for the fan-in's (released when it succeeds), and what
 * siblings register while no handler awaits always stays. After a failure every staged compensation runs once,
 * newest first.
 */
import { describe } from "vitest";
import { siblingCases } from "./fan-in-siblings-support.ts";

describe("fanIn keeps compensations other code registers on its context (portable entry)", () => {
  siblingCases("none");
});
