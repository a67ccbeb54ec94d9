import { PipeError } from "@pipe/result";
import type { Handler } from "hono";
import { ShardHttpErrorCodes } from "../../codes.ts";
import type { ControlPlane, ShardAppEnv } from "../plane.ts";
import { decodeSimulateBody } from "../wire.ts";

const simulationsExhausted = (max: number): PipeError =>
  PipeError.from(`At most ${max} simulations run at once.`, ShardHttpErrorCodes.simulationsExhausted, {
    metadata: { maxConcurrentSimulations: max },
  });

/**
 * `POST /control/shards/simulate`: a placement simulation, at most `maxConcurrentSimulations` at once (each
 * keeps its slot until its work stops). @internal
 */
export const simulate = (plane: ControlPlane): Handler<ShardAppEnv> => {
  let running = 0;
  return async (c) => {
    const request = (await plane.body(c)).andThen(decodeSimulateBody);
    if (request.isErr) return plane.fail(c, request.error);
    if (running >= plane.maxSimulations)
      return plane.fail(c, simulationsExhausted(plane.maxSimulations), { "retry-after": "1" });
    running++;
    try {
      return plane.respond(c, await plane.service.simulate(request.value, { signal: c.req.raw.signal }));
    } finally {
      running--;
    }
  };
};
