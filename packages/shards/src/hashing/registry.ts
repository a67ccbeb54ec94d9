import { err, ok, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import { hashError, isBlank } from "../internal/hash-common.ts";
import { localityStrategy } from "./locality.ts";
import { rendezvousStrategy, weightedRendezvousStrategy } from "./rendezvous.ts";
import { ringStrategy } from "./ring.ts";
import type { ShardAssignmentPlan, ShardHashOptions, ShardHashRequest, ShardHashStrategy } from "./types.ts";

/**
 * A case-insensitive registry of hash strategies, pre-loaded with `ring`, `rendezvous`, `locality` and
 * `weighted-rendezvous`.
 *
 * When to use: the service resolves `simulate`'s `strategyId` here; register custom strategies on it.
 *
 * Details: strategies passed to the constructor are registered with overwrite on, so they can replace the
 * built-ins. `register` fails with `shards.hashing.strategy.required` (no strategy),
 * `shards.hashing.strategy.unknown` (blank id) or `shards.hashing.strategy.duplicate` (id taken, overwrite
 * off). `resolve` / `compute` fail with `shards.hashing.strategy.unknown` for a missing id; `compute` also
 * returns the strategy's own `shards.hashing.*` failures.
 *
 * @example
 * ```ts
 * import { ShardHashStrategyRegistry } from "@pipe/shards";
 * const registry = new ShardHashStrategyRegistry();
 * const plan = registry.compute("RENDEZVOUS", { namespace: "ns", shards: [{ shardId: "s1" }], nodes: [{ nodeId: "a" }] });
 * console.log(plan.isOk, registry.registeredStrategyIds.includes("ring")); // true true
 * ```
 */
export class ShardHashStrategyRegistry {
  readonly #strategies = new Map<string, ShardHashStrategy>();

  constructor(strategies: readonly ShardHashStrategy[] = []) {
    for (const builtIn of [ringStrategy, rendezvousStrategy, localityStrategy, weightedRendezvousStrategy]) {
      this.#strategies.set(builtIn.id.toLowerCase(), builtIn);
    }
    for (const strategy of strategies) {
      const r = this.register(strategy, { overwrite: true });
      if (r.isErr) throw new TypeError(`ShardHashStrategyRegistry: ${r.error.message}`);
    }
  }

  /** Registers a strategy under its id (case-insensitive); `overwrite` defaults to false. */
  register(strategy: ShardHashStrategy, options: { readonly overwrite?: boolean } = {}): Result<void> {
    if (strategy === undefined || strategy === null)
      return err(hashError(ShardErrorCodes.hashingStrategyRequired, undefined));
    if (isBlank(strategy.id)) return err(hashError(ShardErrorCodes.hashingStrategyUnknown, strategy.id));
    const key = strategy.id.toLowerCase();
    if (this.#strategies.has(key) && options.overwrite !== true) {
      return err(hashError(ShardErrorCodes.hashingStrategyDuplicate, strategy.id));
    }
    this.#strategies.set(key, strategy);
    return ok(undefined);
  }

  /** The strategy registered under `id` (case-insensitive), or `undefined` (also for a blank id). */
  tryGet(id: string | null | undefined): ShardHashStrategy | undefined {
    if (isBlank(id)) return undefined;
    return this.#strategies.get((id as string).toLowerCase());
  }

  /** The strategy registered under `id`, or `shards.hashing.strategy.unknown`. */
  resolve(id: string | null | undefined): Result<ShardHashStrategy> {
    const strategy = this.tryGet(id);
    return strategy === undefined
      ? err(hashError(ShardErrorCodes.hashingStrategyUnknown, id ?? undefined))
      : ok(strategy);
  }

  /** Resolves `id` and computes the plan. */
  compute(
    id: string | null | undefined,
    request: ShardHashRequest,
    options?: ShardHashOptions,
  ): Result<ShardAssignmentPlan> {
    const strategy = this.tryGet(id);
    if (strategy === undefined)
      return err(hashError(ShardErrorCodes.hashingStrategyUnknown, id ?? undefined));
    return strategy.compute(request, options);
  }

  /** The registered ids (lowercased), in registration order. */
  get registeredStrategyIds(): readonly string[] {
    return [...this.#strategies.keys()];
  }
}
