import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

/** A running admin server. */
export interface AdminServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function listen(app: Hono, host: string, port: number): Promise<AdminServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      server.off("error", reject);
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once("error", reject);
  });
}

/**
 * Serves the admin app on `host:port` (`@hono/node-server`); when `fallback` is set and the port is taken, on a
 * free port instead (the demo must not fail because 8788 is busy).
 */
export async function startAdminServer(
  app: Hono,
  host: string,
  port: number,
  fallback = false,
): Promise<AdminServer> {
  try {
    return await listen(app, host, port);
  } catch (e) {
    if (fallback && (e as { code?: string }).code === "EADDRINUSE") return listen(app, host, 0);
    throw e;
  }
}
