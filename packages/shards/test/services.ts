/**
 * Tests that need a PostgreSQL server skip with a printed reason when none answers, except in a run that
 * requires services (`PIPE_REQUIRE_SERVICES=1`, as CI sets): there a missing server fails the test.
 */

/** Passes a probe's answer through (undefined: the server answers); throws when a skip is not allowed. */
export function skipReasonUnlessRequired(reason: string | undefined): string | undefined {
  if (reason !== undefined && process.env.PIPE_REQUIRE_SERVICES === "1")
    throw new Error(`PIPE_REQUIRE_SERVICES=1, so a missing server is a failure, not a skip: ${reason}`);
  return reason;
}
