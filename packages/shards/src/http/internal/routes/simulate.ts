import { PipeError } from "@pipe/result";
import type { Handler } from "hono";
import { ShardHttpErrorCodes } from "../../codes.ts";
import type { ControlPlane, ShardAppEnv } from "../plane.ts";
import { decodeSimulateQuery } from "../query.ts";
import { decodeSimulateBody } from "../wire.ts";

const simulationsExhausted = (max: number): PipeError =>
  PipeError.from(`At most ${max} simulations run at once.`, ShardHttpErrorCodes.simulationsExhausted, {
    metadata: { maxConcurrentSimulations: max },
  });

/**
 * `POST /control/shards/simulate`: a placement simulation, at most `maxConcurrentSimulations` at once (each
 * keeps its slot until its work stops); with `pageSize` and/or `cursor` in the query, one page of it
 * (`simulatePage`). @internal
 */
export const simulate = (plane: ControlPlane): Handler<ShardAppEnv> => {
  let running = 0;
  return async (c) => {
    const query = decodeSimulateQuery(new URL(c.req.url));
    if (query.isErr) return plane.fail(c, query.error);
    const request = (await plane.body(c)).andThen(decodeSimulateBody);
    if (request.isErr) return plane.fail(c, request.error);
    if (running >= plane.maxSimulations)
      return plane.fail(c, simulationsExhausted(plane.maxSimulations), { "retry-after": "1" });
    running++;
    try {
      const signal = c.req.raw.signal;
      const { paged, pageSize, cursor } = query.value;
      return plane.respond(
        c,
        paged
          ? await plane.service.simulatePage(request.value, { pageSize, cursor, signal })
          : await plane.service.simulate(request.value, { signal }),
      );
    } finally {
      running--;
    }
  };
};
