/**
 * Serves a fetch handler with `@hono/node-server` and shuts it down gracefully.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { ControlPlane } from "./app.ts";

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, ends watch streams, waits for in-flight requests, closes the store. */
  stop(): Promise<void>;
}

export function startNodeServer(cp: ControlPlane, port: number, host: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: cp.fetch, port, hostname: host }, (info: AddressInfo) => {
      const shown = host.includes(":") ? `[${host}]` : host;
      let stopping: Promise<void> | undefined;
      resolve({
        url: `http://${shown}:${info.port}`,
        port: info.port,
        stop: () => {
          stopping ??= (async () => {
            const closed = new Promise<void>((done) => server.close(() => done()));
            cp.closeWatchers();
            // Idle keep-alive sockets would hold close() open; busy ones finish their response first.
            (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
            await closed;
            await cp.close();
          })();
          return stopping;
        },
      });
    });
    server.once("error", reject);
  });
}
