import type { Handler } from "hono";
import type { ControlPlane, ShardAppEnv } from "../plane.ts";

/** `GET /healthz`: `{ status: "ok", position }` while the store answers. @internal */
export const health =
  (plane: ControlPlane): Handler<ShardAppEnv> =>
  async (c) => {
    const head = await plane.service.repository.highestPosition({ signal: c.req.raw.signal });
    return head.isOk ? plane.json({ status: "ok", position: head.value }) : plane.fail(c, head.error);
  };
