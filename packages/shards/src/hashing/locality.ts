import { err, ok, PipeError, type Result } from "@pipe/result";
import { assignment, linearScore, plan, selectOwner, validateHashRequest } from "../internal/hash-common.ts";
import type {
  ShardAssignment,
  ShardAssignmentPlan,
  ShardHashOptions,
  ShardHashRequest,
  ShardHashStrategy,
  ShardNodeDescriptor,
} from "./types.ts";

const ID = "locality";

/**
 * A parsed locality hint: the preferred region and/or zone.
 *
 * @example
 * ```ts
 * import { parseLocalityHint } from "@pipe/shards";
 * console.log(parseLocalityHint("iad/iad-1")); // { region: "iad", zone: "iad-1" }
 * ```
 */
export interface LocalityPreference {
  readonly region?: string;
  readonly zone?: string;
}

/**
 * Parses a locality hint the way the original does: trimmed; empty → no preference; `zone:<z>` and
 * `region:<r>` (case-insensitive prefixes); a hint containing `/` splits once with empty parts dropped (region
 * first, zone second, so `/x` is region `x`); anything else is a region.
 *
 * @example
 * ```ts
 * import { parseLocalityHint } from "@pipe/shards";
 * console.log(parseLocalityHint("zone:phx-1"), parseLocalityHint("dub")); // { zone: "phx-1" } { region: "dub" }
 * ```
 */
export function parseLocalityHint(hint: string | null | undefined): LocalityPreference {
  const text = (hint ?? "").trim();
  if (text.length === 0) return {};
  const lower = text.toLowerCase();
  if (lower.startsWith("zone:")) return { zone: text.slice(5) };
  if (lower.startsWith("region:")) return { region: text.slice(7) };
  if (text.includes("/")) {
    const slash = text.indexOf("/");
    const parts = [text.slice(0, slash), text.slice(slash + 1)].filter((p) => p.length > 0);
    const out: { region?: string; zone?: string } = {};
    if (parts[0] !== undefined) out.region = parts[0];
    if (parts[1] !== undefined) out.zone = parts[1];
    return out;
  }
  return { region: text };
}

const sameIgnoreCase = (a: string | null | undefined, b: string): boolean =>
  a !== undefined && a !== null && a.toUpperCase() === b.toUpperCase();

function candidates(
  nodes: readonly ShardNodeDescriptor[],
  pref: LocalityPreference,
): readonly ShardNodeDescriptor[] {
  if (pref.zone !== undefined) {
    const zone = pref.zone;
    const inZone = nodes.filter((n) => n !== undefined && n !== null && sameIgnoreCase(n.zone, zone));
    if (inZone.length > 0) return inZone;
  }
  if (pref.region !== undefined) {
    const region = pref.region;
    const inRegion = nodes.filter((n) => n !== undefined && n !== null && sameIgnoreCase(n.region, region));
    if (inRegion.length > 0) return inRegion;
  }
  return nodes;
}

/**
 * Locality-aware rendezvous, id `locality`; byte-compatible with the original.
 *
 * When to use: keep shards in the zone or region their hint names, falling back gracefully.
 *
 * Details: candidates are the nodes whose zone equals the hint's zone (case-insensitive), else those whose
 * region equals its region, else all nodes; the owner is then chosen by `rendezvous` scoring (same key string,
 * weights and tie-break) over the candidates. Without hints it gives exactly the `rendezvous` plan.
 *
 * Gotchas: errors as `rendezvous`; zero candidates give `shards.hashing.no_eligible_nodes`.
 *
 * @example
 * ```ts
 * import { localityStrategy } from "@pipe/shards";
 * const plan = localityStrategy.compute({ namespace: "ns", shards: [{ shardId: "s1", localityHint: "phx/phx-1" }],
 *   nodes: [{ nodeId: "iad-zone-1", region: "iad", zone: "iad-1" }, { nodeId: "phx-zone-1", region: "phx", zone: "phx-1" }] });
 * if (plan.isOk) console.log(plan.value.assignments[0]?.ownerNodeId); // "phx-zone-1"
 * ```
 */
export const localityStrategy: ShardHashStrategy = Object.freeze({
  id: ID,
  compute(request: ShardHashRequest, options?: ShardHashOptions): Result<ShardAssignmentPlan> {
    const invalid = validateHashRequest(request, ID);
    if (invalid !== undefined) return err(invalid);
    const out: ShardAssignment[] = new Array(request.shards.length);
    for (let i = 0; i < request.shards.length; i++) {
      const shard = request.shards[i];
      const pool = candidates(request.nodes, parseLocalityHint(shard.localityHint));
      const owner = selectOwner(`${request.namespace}/${shard.shardId}::`, pool, linearScore, ID);
      if (owner instanceof PipeError) return err(owner);
      out[i] = assignment(request.namespace, shard, owner);
    }
    return ok(plan(request.namespace, ID, out, options));
  },
});
