import type { Envelope } from "./envelope.ts";

/** Options of {@link generateEnvelopes}. */
export interface GeneratorOptions {
  /** Tenant ids, cycled in order (repeat an id to give it a bigger share). */
  readonly tenants: readonly string[];
  /** How many envelopes in total. */
  readonly count: number;
  /** Part of every message id, so runs never collide in a persistent ledger. */
  readonly runId: string;
}

/**
 * Deterministic demo traffic: `count` envelopes cycling over `tenants`, message ids `<runId>-<tenant>-<n>`
 * (n counts per tenant from 1), payload `{ n, amount }`.
 *
 * @example
 * ```ts
 * import { generateEnvelopes } from "@pipe/app-tenant-router";
 * console.log([...generateEnvelopes({ tenants: ["a", "b"], count: 3, runId: "r" })].map((e) => e.messageId));
 * // [ "r-a-1", "r-b-1", "r-a-2" ]
 * ```
 */
export function* generateEnvelopes(options: GeneratorOptions): Generator<Envelope> {
  const { tenants, count, runId } = options;
  if (tenants.length === 0) return;
  const seq = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const tenantId = tenants[i % tenants.length] as string;
    const n = (seq.get(tenantId) ?? 0) + 1;
    seq.set(tenantId, n);
    yield { tenantId, messageId: `${runId}-${tenantId}-${n}`, payload: { n, amount: (n * 37) % 1000 } };
  }
}
