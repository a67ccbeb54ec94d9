/** One generated envelope. */
export interface TrafficEnvelope {
  readonly tenantId: string;
  readonly messageId: string;
  readonly payload: { readonly n: number; readonly fail?: true };
}

/** The tenant id of index `i` (`t000`, `t001`, ...). */
export const tenantName = (i: number): string => `t${String(i).padStart(3, "0")}`;

/**
 * Generated traffic: `messages` envelopes round-robin over `tenants` tenants, message ids `<runId>-<n>`,
 * every `failEvery`-th marked `fail: true` (0 = none).
 *
 * @example
 * ```ts
 * import { traffic } from "@pipe/app-tenant-cluster";
 * console.log([...traffic({ tenants: 2, messages: 3, runId: "r" })].map((e) => e.tenantId)); // ["t000", "t001", "t000"]
 * ```
 */
export function* traffic(options: {
  tenants: number;
  messages: number;
  runId: string;
  failEvery?: number | undefined;
  from?: number | undefined;
}): Generator<TrafficEnvelope> {
  const every = options.failEvery ?? 0;
  for (let n = options.from ?? 0; n < (options.from ?? 0) + options.messages; n++) {
    const fail = every > 0 && n % every === every - 1;
    yield {
      tenantId: tenantName(n % options.tenants),
      messageId: `${options.runId}-${n}`,
      payload: fail ? { n, fail: true } : { n },
    };
  }
}
