import { PipeError } from "@pipe/result";
import type { Handler } from "hono";
import { ShardHttpErrorCodes } from "../../codes.ts";
import { streamedJsonResponse } from "../json-stream.ts";
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
 * (`simulatePage`). A whole plan's body is streamed in chunks with yields between them (`streamedJsonResponse`),
 * after the slot is released: writing it is no longer the simulation's work. @internal
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
      if (paged)
        return plane.respond(
          c,
          await plane.service.simulatePage(request.value, { pageSize, cursor, signal }),
        );
      const simulation = await plane.service.simulate(request.value, { signal });
      return simulation.isOk ? streamedJsonResponse(simulation.value) : plane.fail(c, simulation.error);
    } finally {
      running--;
    }
  };
};
