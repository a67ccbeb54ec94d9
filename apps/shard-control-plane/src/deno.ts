/**
 * Deno bootstrap: `deno run --allow-all --no-lock src/deno.ts [--port 8787] [--help]`.
 */
import { banner, openControlPlane } from "./app.ts";
import { HELP, parseServerArgs } from "./config.ts";

interface DenoServer {
  readonly finished: Promise<void>;
  shutdown(): Promise<void>;
}
declare const Deno: {
  readonly args: readonly string[];
  readonly version: { readonly deno: string };
  env: { toObject(): Record<string, string> };
  exit(code: number): never;
  addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  serve(
    options: {
      port: number;
      hostname: string;
      onListen?: (addr: { port: number; hostname: string }) => void;
    },
    handler: (request: Request) => Response | Promise<Response>,
  ): DenoServer;
};

const defaultDataDir = decodeURIComponent(new URL("../.data/shards", import.meta.url).pathname);

let parsed: ReturnType<typeof parseServerArgs>;
try {
  parsed = parseServerArgs(Deno.args, Deno.env.toObject(), defaultDataDir);
} catch (e) {
  console.error((e as Error).message);
  Deno.exit(2);
}
if (parsed.help) {
  console.log(HELP);
  Deno.exit(0);
}
const { config } = parsed;
const cp = await openControlPlane(config, (line) => console.log(line));
const server = Deno.serve(
  {
    port: config.port,
    hostname: config.host,
    onListen: ({ port }) => {
      const host = config.host.includes(":") ? `[${config.host}]` : config.host;
      console.log(banner(cp, `http://${host}:${port}`, `Deno ${Deno.version.deno}`));
    },
  },
  cp.fetch,
);
let stopping = false;
const shutdown = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down (finishing in-flight requests, closing watchers and the store)…`);
  // Stop accepting first (Deno closes idle keep-alive connections, and each busy one after its response), then
  // end the watch streams with a retry hint: clients reconnect over new connections, to the next instance.
  const down = server.shutdown();
  cp.closeWatchers();
  await down;
  await cp.close();
  console.log("stopped");
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", () => void shutdown("SIGINT"));
Deno.addSignalListener("SIGTERM", () => void shutdown("SIGTERM"));
