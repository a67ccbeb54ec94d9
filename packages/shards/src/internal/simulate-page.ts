/**
 * `ShardControlPlaneService.simulatePage`: the simulation of one page of a namespace's shards (by cursor, with
 * no state kept between pages), so a plan of any size comes back in pages of bounded cost.
 */
import { err, type Result } from "@pipe/result";
import { encodeShardCursor } from "../cursor.ts";
import { ShardLimits } from "../limits.ts";
import type { ShardQueryPage, ShardRepository } from "../repository.ts";
import type {
  ShardSimulationPage,
  ShardSimulationPageOptions,
  ShardSimulationRequest,
} from "../service-types.ts";
import { serviceErrors } from "./service-errors.ts";
import { cursorArgument, pageSizeError } from "./service-input.ts";
import { type SimulationDeps, simulate } from "./simulate.ts";
import type { StoreCall } from "./store-call.ts";

/**
 * `simulate` over the namespace's next `pageSize` shards after the cursor; `deps` gives the simulation's
 * dependencies around the page's listing. @internal
 */
export async function simulateShardPage(
  retry: StoreCall,
  repository: ShardRepository,
  deps: (listNamespace: SimulationDeps["listNamespace"]) => SimulationDeps,
  request: ShardSimulationRequest | null | undefined,
  options: ShardSimulationPageOptions,
): Promise<Result<ShardSimulationPage>> {
  const badSize = pageSizeError(options.pageSize, 1, ShardLimits.maxSimulationPageSize);
  if (badSize !== undefined) return err(badSize);
  const pageSize = options.pageSize ?? ShardLimits.defaultSimulationPageSize;
  const decoded = cursorArgument("simulatePage", options.cursor);
  if (decoded.isErr) return err(decoded.error);
  const cursor = decoded.value;
  let page: ShardQueryPage | undefined;
  const simulated = await simulate(
    deps(async (namespace, signal) => {
      if (cursor !== undefined && cursor.namespace !== namespace)
        return err(serviceErrors.validation("The cursor belongs to another namespace.", "$.cursor"));
      const queried = await retry(
        (s) => repository.query({ namespace, pageSize, cursor }, { signal: s }),
        signal,
      );
      if (queried.isOk) page = queried.value;
      return queried.map((p) => p.items);
    }),
    request,
    options.signal,
  );
  return simulated.map((simulation) => ({
    ...simulation,
    nextCursor:
      page?.nextCursor === undefined || page?.nextCursor === null ? null : encodeShardCursor(page.nextCursor),
    version: page?.position ?? 0,
  }));
}
