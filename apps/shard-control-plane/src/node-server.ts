/**
 * Serves a fetch handler with `@hono/node-server` and shuts it down gracefully.
 */
import type { Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { serve } from "@hono/node-server";
import { PipeError } from "@pipe/result";
import { ShardHttpErrorCodes, toShardProblem } from "@pipe/shards/http";
import type { Serving } from "./app.ts";

const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  408: "Request Timeout",
  431: "Request Header Fields Too Large",
};

/**
 * Answers a request Node's HTTP parser rejected (a URL or headers over its 16 KiB limit, malformed HTTP) with
 * a problem+json body like every other failure, instead of Node's bare status line, then closes the socket.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const timeout = error.code === "ERR_HTTP_REQUEST_TIMEOUT";
  const failure =
    error.code === "HPE_HEADER_OVERFLOW"
      ? PipeError.from(
          "The request line (URL) or headers exceed 16 KiB.",
          ShardHttpErrorCodes.headersTooLarge,
          { metadata: { limit: 16 * 1024 } },
        )
      : timeout
        ? PipeError.from("The request did not arrive in time.", ShardHttpErrorCodes.malformedRequest)
        : PipeError.from("The request is not well-formed HTTP.", ShardHttpErrorCodes.malformedRequest);
  const problem = toShardProblem(failure);
  const status = timeout ? 408 : problem.status;
  const body = JSON.stringify({ ...problem, status });
  const head = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}`,
    "Content-Type: application/problem+json",
    "Cache-Control: no-store",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
  ];
  socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /**
   * Stops accepting, ends watch streams (with a `retry:` hint), lets in-flight requests finish on connections
   * that then close, and closes the store. Idempotent.
   */
  stop(): Promise<void>;
}

/**
 * Starts the control plane on Node.
 *
 * Shutdown: a client that reconnects over a kept-alive connection would reach this closing server and get
 * 503, which EventSource treats as fatal. So once `stop()` is called, every response carries
 * `Connection: close`, and each connection is closed as soon as its last response ends (watch streams
 * included): reconnects open new connections, which reach the next instance on the same port.
 */
export function startNodeServer(cp: Serving, port: number, host: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let stopping: Promise<void> | undefined;
    const fetch = async (request: Request): Promise<Response> => {
      const response = await cp.fetch(request);
      if (stopping !== undefined) closeAfter(response);
      return response;
    };
    const server = serve({ fetch, port, hostname: host }, (info: AddressInfo) => {
      const shown = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${info.port}`,
        port: info.port,
        stop: () => {
          stopping ??= (async () => {
            const closed = new Promise<void>((done) => server.close(() => done()));
            server.closeIdleConnections();
            cp.closeWatchers();
            await closed;
            await cp.close();
          })();
          return stopping;
        },
      });
    }) as Server;
    // Once stopping, a response that ends leaves its connection idle: close it at once.
    server.on("request", (_req, res: ServerResponse) =>
      res.once("close", () => {
        if (stopping !== undefined) server.closeIdleConnections();
      }),
    );
    server.on("clientError", answerClientError);
    server.once("error", reject);
  });
}

/** Marks a response as the last one on its connection (headers from `new Response` are mutable). */
function closeAfter(response: Response): void {
  try {
    response.headers.set("connection", "close");
  } catch {
    // immutable headers (a fetched response passed through): the idle-connection sweep closes it instead
  }
}
