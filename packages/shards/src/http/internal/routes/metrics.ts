import type { Handler } from "hono";
import type { ControlPlane, ShardAppEnv } from "../plane.ts";

/** `GET /metrics`: the Prometheus text of the app's counters and the store's highest position. @internal */
export const metrics =
  (plane: ControlPlane): Handler<ShardAppEnv> =>
  async () => {
    plane.metrics.watchersActive = plane.sessions.size;
    const head = await plane.service.repository.highestPosition();
    return new Response(plane.metrics.render(head.isOk ? head.value : undefined), {
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
    });
  };
