import { err, ok, PipeError, type Result } from "@pipe/result";

const OK: Result<void> = ok();

/**
 * The Result of a run: ok; the abort's `error.canceled` alone; or an `error.aggregate` of the failures (each
 * tenant failure carries `tenantId` in its metadata), plus the abort when there was one. @internal
 */
export function runOutcome(failures: readonly PipeError[], canceled: PipeError | undefined): Result<void> {
  if (failures.length === 0) return canceled === undefined ? OK : err<void>(canceled);
  const children = canceled === undefined ? [...failures] : [...failures, canceled];
  return err<void>(PipeError.aggregate("One or more tenants failed.", children));
}
