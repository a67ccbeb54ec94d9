import type { Handler } from "hono";
import type { ControlPlane, ShardAppEnv } from "../plane.ts";
import { decodeUpsertBody } from "../wire.ts";

/** `POST /control/shards/upsert`: one mutation; 201 when it creates the shard, else 200. @internal */
export const upsert =
  (plane: ControlPlane): Handler<ShardAppEnv> =>
  async (c) => {
    const mutation = (await plane.body(c)).andThen(decodeUpsertBody);
    if (mutation.isErr) return plane.fail(c, mutation.error);
    return plane.respond(c, await plane.service.upsert(mutation.value), (r) => (r.created ? 201 : 200));
  };
