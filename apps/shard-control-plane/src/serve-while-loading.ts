/** Serving a control plane that is still opening: what each runtime's bootstrap listens with at once. */
import { PipeError } from "@pipe/result";
import { ShardHttpErrorCodes, shardProblemResponse } from "@pipe/shards/http";
import type { ControlPlane, Serving } from "./app.ts";

/**
 * Serves while the control plane loads (opening the store, loading its read view, seeding): `GET /healthz`
 * answers 503 `{"status":"loading"}` and every other request 503 problem+json `shards.http.starting` with
 * `Retry-After`, so a listener can be up (and probed) at once; then every request goes to the opened control
 * plane. A `GET /control/shards/watch` (Server-Sent Events) waits for the load instead: an EventSource gives up
 * on a 503, and one reconnecting to a restarted instance must resume. `ready` settles with it; `close()` during loading closes the control plane once it has opened.
 */
export function serveWhileLoading(
  opening: Promise<ControlPlane>,
): Serving & { readonly ready: Promise<ControlPlane> } {
  let opened: ControlPlane | undefined;
  let stopped = false;
  const ready = opening.then((cp) => {
    opened = cp;
    if (stopped) cp.closeWatchers();
    return cp;
  });
  const starting = (request: Request): Response =>
    new URL(request.url).pathname === "/healthz"
      ? Response.json(
          { status: "loading" },
          { status: 503, headers: { "cache-control": "no-store", "retry-after": "1" } },
        )
      : shardProblemResponse(
          PipeError.from(
            "The control plane is still loading its view of the store.",
            ShardHttpErrorCodes.starting,
          ),
          undefined,
          { "retry-after": "1" },
        );
  // An SSE client (EventSource) treats any non-200 answer as final and stops reconnecting, so a watch that
  // reconnects while a restarted instance loads waits for the load (or its own abort) instead of a 503.
  const watchWhenReady = (request: Request): Promise<Response> =>
    new Promise<Response>((resolve) => {
      const onAbort = (): void => resolve(starting(request));
      request.signal.addEventListener("abort", onAbort, { once: true });
      ready.then(
        (cp) => {
          request.signal.removeEventListener("abort", onAbort);
          if (!request.signal.aborted) resolve(cp.fetch(request));
        },
        () => {
          request.signal.removeEventListener("abort", onAbort);
          resolve(starting(request));
        },
      );
    });
  return {
    ready,
    fetch: (request) => {
      if (opened !== undefined) return opened.fetch(request);
      if (request.method === "GET" && new URL(request.url).pathname === "/control/shards/watch")
        return watchWhenReady(request);
      return starting(request);
    },
    closeWatchers: () => {
      stopped = true;
      opened?.closeWatchers();
    },
    close: async () => {
      stopped = true;
      const cp = await ready.catch(() => undefined);
      await cp?.close();
    },
  };
}
