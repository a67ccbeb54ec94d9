/**
 * A store call as the service makes it: under its repository policy (retries on its clock), stopped by the
 * caller's signal. The service's parts outside the class take one instead of the policy and clock.
 */
import type { Result } from "@pipe/result";

/** Runs `call` under the service's repository policy; `call` gets the signal of each attempt. @internal */
export type StoreCall = <T>(
  call: (signal: AbortSignal | undefined) => Promise<Result<T>>,
  signal: AbortSignal | undefined,
) => Promise<Result<T>>;
