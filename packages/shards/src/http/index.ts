/**
 * `@pipe/shards/http`: the shard control plane's HTTP surface as a runtime-agnostic Hono app (Node, Deno, Bun,
 * in-process), with bearer-token scopes, problem+json errors, ETags and Server-Sent Events watch.
 *
 * @module @pipe/shards/http
 */
export { createShardControlPlaneApp } from "./app.ts";
export {
  createShardTokenVerifier,
  parseBearer,
  type ShardAccessToken,
  type ShardPrincipal,
  type ShardScope,
  type ShardTokenVerifier,
  shardScopeGranted,
  shardTokenProblem,
} from "./auth.ts";
export { ShardHttpErrorCodes, shardHttpErrorDescriptors } from "./codes.ts";
export type { ShardControlPlaneAppOptions, ShardHttpLogEntry } from "./options.ts";
export { type ShardProblem, shardProblemResponse, toShardProblem } from "./problem.ts";
export { type ShardHttpStatusMapping, shardHttpStatuses, shardHttpStatusOf } from "./status.ts";
