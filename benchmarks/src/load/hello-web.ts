/**
 * The load benchmark's hello-world route on Deno and Bun: Hono served by the runtime's own server
 * (`Deno.serve` / `Bun.serve`), as the control plane's deno.js and bun.js entry points serve it. Prints
 * `listening at <url>` like the app. Usage: `deno run -A hello-web.ts` or `bun hello-web.ts`.
 *
 * @module
 */
import { Hono } from "hono";

interface DenoLike {
  serve(
    options: { port: number; hostname: string; onListen(addr: { port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
}
interface BunLike {
  serve(options: { port: number; hostname: string; fetch(request: Request): Response | Promise<Response> }): {
    port: number;
  };
}

const app = new Hono();
app.get("/", (c) => c.text("Hello Hono!"));
const runtimes = globalThis as { Deno?: DenoLike; Bun?: BunLike };
if (runtimes.Deno !== undefined) {
  runtimes.Deno.serve(
    {
      port: 0,
      hostname: "127.0.0.1",
      onListen: ({ port }) => console.log(`listening at http://127.0.0.1:${port}`),
    },
    app.fetch,
  );
} else if (runtimes.Bun !== undefined) {
  const server = runtimes.Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  console.log(`listening at http://127.0.0.1:${server.port}`);
} else {
  throw new Error("hello-web.ts runs on Deno or Bun (Node uses hello.ts)");
}
