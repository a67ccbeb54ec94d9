import { PipeError } from "@pipe/result";
import type { Handler } from "hono";
import { ShardHttpErrorCodes } from "../../codes.ts";
import { shardHttpStatusOf } from "../../status.ts";
import type { ControlPlane, ShardAppEnv } from "../plane.ts";
import { decodeWatchQuery } from "../query.ts";
import { type SseWatch, sseWatch } from "../sse.ts";

/**
 * `GET /control/shards/watch`: the changes as Server-Sent Events, at most `maxWatchers` streams at once and
 * none once the app shuts down. @internal
 */
export const watch =
  (plane: ControlPlane): Handler<ShardAppEnv> =>
  async (c) => {
    const { options, metrics, sessions, log } = plane;
    const query = decodeWatchQuery(new URL(c.req.url), c.req.header("last-event-id") ?? null);
    if (query.isErr) return plane.fail(c, query.error);
    if (options.signal?.aborted)
      return plane.fail(
        c,
        PipeError.from("The server is shutting down.", ShardHttpErrorCodes.watchersExhausted),
        {
          "retry-after": "5",
        },
      );
    if (sessions.size >= plane.maxWatchers)
      return plane.fail(
        c,
        PipeError.from(
          `At most ${plane.maxWatchers} watch streams are served at once.`,
          ShardHttpErrorCodes.watchersExhausted,
          {
            metadata: { maxWatchers: plane.maxWatchers },
          },
        ),
        { "retry-after": "5" },
      );
    const { filter, resumeToken } = query.value;
    const path = c.req.path;
    const principal = c.get("principal")?.name;
    const session: SseWatch = sseWatch({
      source: (signal) => plane.service.watch(resumeToken, filter, { signal }),
      time: plane.time,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      retryMs: options.retryMs ?? 2000,
      requestSignal: c.req.raw.signal,
      hooks: {
        onEvent: () => {
          metrics.watchEvents++;
        },
        onHeartbeat: () => {
          metrics.watchHeartbeats++;
        },
        onError: (e) => {
          const mapping = shardHttpStatusOf(e);
          metrics.error(e.code ?? "error.unspecified", mapping.mapped);
          if (mapping.status >= 500)
            log?.({ level: "error", event: "error", method: "GET", path, code: e.code, message: e.message });
        },
        onClose: () => {
          sessions.delete(session);
          metrics.watchersActive = sessions.size;
          log?.({ level: "info", event: "watch.close", method: "GET", path, principal });
        },
      },
    });
    sessions.add(session);
    metrics.watchersActive = sessions.size;
    log?.({ level: "info", event: "watch.open", method: "GET", path, principal });
    return session.response;
  };
